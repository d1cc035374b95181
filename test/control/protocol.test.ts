import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, parseRequest, validateRequest } from '../../src/control/protocol.js';

const error = (line: string): string => {
  const r = parseRequest(line);
  assert.ok('error' in r, `expected ${line} to be refused`);
  return r.error;
};

test('every command is accepted with its arguments, args may be left out when none are needed', () => {
  assert.deepEqual(COMMANDS, ['status', 'peers', 'routes', 'services', 'events', 'maintenance', 'drain', 'reload', 'vrrp']);
  assert.deepEqual(parseRequest('{"command":"status"}'), { command: 'status', args: {} });
  assert.deepEqual(parseRequest('{"command":"peers","args":{}}'), { command: 'peers', args: {} });
  assert.deepEqual(parseRequest('{"command":"events","args":{"limit":1000}}'), { command: 'events', args: { limit: 1000 } });
  assert.deepEqual(parseRequest('{"command":"events"}'), { command: 'events', args: {} });
  assert.deepEqual(parseRequest('{"command":"maintenance","args":{"on":true}}'), { command: 'maintenance', args: { on: true } });
  assert.deepEqual(parseRequest('{"command":"maintenance","args":{"on":false,"service":"web"}}'), { command: 'maintenance', args: { on: false, service: 'web' } });
  assert.deepEqual(parseRequest('{"command":"drain","args":{"service":"web"}}'), { command: 'drain', args: { service: 'web' } });
  assert.deepEqual(validateRequest({ command: 'reload' }), { command: 'reload', args: {} });
});

test('the envelope: not JSON, not an object, unknown keys, unknown command (listing the commands)', () => {
  assert.equal(error('status'), 'request is not JSON (expected {"command": ..., "args": {...}})');
  assert.equal(error('[]'), 'request is not an object (expected {"command": ..., "args": {...}})');
  assert.equal(error('null'), 'request is not an object (expected {"command": ..., "args": {...}})');
  assert.equal(error('{"command":"status","x":1,"y":2}'), 'unknown key(s) x, y (expected only command, args)');
  assert.equal(error('{"command":"rm -rf"}'), 'unknown command "rm -rf" (expected one of status, peers, routes, services, events, maintenance, drain, reload, vrrp)');
  assert.equal(error('{}'), 'unknown command undefined (expected one of status, peers, routes, services, events, maintenance, drain, reload, vrrp)');
  assert.equal(error('{"command":"toString"}'), 'unknown command "toString" (expected one of status, peers, routes, services, events, maintenance, drain, reload, vrrp)');
  assert.equal(error('{"command":"status","args":[1]}'), 'args of status must be an object');
  assert.equal(error('{"command":"status","args":null}'), 'args of status must be an object');
});

test('arguments: unknown keys and wrong types are refused, naming the key', () => {
  assert.equal(error('{"command":"status","args":{"verbose":true}}'), 'status: unknown key(s) in args: verbose (this command takes none)');
  assert.equal(error('{"command":"events","args":{"limit":5,"since":1}}'), 'events: unknown key(s) in args: since (expected only limit)');
  assert.equal(error('{"command":"events","args":{"limit":"5"}}'), 'events: args.limit: expected number, got string');
  assert.equal(error('{"command":"events","args":{"limit":0}}'), 'events: args.limit: number must be greater than or equal to 1');
  assert.equal(error('{"command":"events","args":{"limit":1001}}'), 'events: args.limit: number must be less than or equal to 1000');
  assert.equal(error('{"command":"events","args":{"limit":2.5}}'), 'events: args.limit: expected integer, got float');
  assert.equal(error('{"command":"maintenance","args":{}}'), 'maintenance: args.on is required (expected boolean)');
  assert.equal(error('{"command":"maintenance","args":{"on":"yes"}}'), 'maintenance: args.on: expected boolean, got string');
  assert.equal(error('{"command":"maintenance","args":{"on":true,"service":7}}'), 'maintenance: args.service: expected string, got number');
  assert.equal(error('{"command":"drain","args":{"service":""}}'), 'drain: args.service: string must contain at least 1 character(s)');
});
