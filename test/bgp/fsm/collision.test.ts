import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collisionSurvivor, resolveCollision } from '../../../src/bgp/fsm/collision.js';

test('the connection initiated by the higher BGP identifier survives (RFC 4271 6.8)', () => {
  const table: [string, string, ReturnType<typeof resolveCollision>][] = [
    ['10.0.0.2', '10.0.0.1', 'keep-local-initiated'],
    ['10.0.0.1', '10.0.0.2', 'keep-peer-initiated'],
    // Unsigned 32-bit comparison: a signed one would put 128.x below 127.x.
    ['128.0.0.1', '127.255.255.255', 'keep-local-initiated'],
    ['127.255.255.255', '128.0.0.1', 'keep-peer-initiated'],
    ['255.255.255.255', '0.0.0.1', 'keep-local-initiated'],
    // Numeric, not textual: "9" sorts after "10" as text.
    ['9.0.0.0', '10.0.0.0', 'keep-peer-initiated'],
    ['10.0.0.0', '9.255.255.255', 'keep-local-initiated'],
  ];
  for (const [local, peer, want] of table) assert.equal(resolveCollision(local, peer), want, `${local} vs ${peer}`);
});

test('equal identifiers: the higher AS number wins (RFC 6286 3)', () => {
  assert.equal(resolveCollision('192.0.2.1', '192.0.2.1', 65001, 65002), 'keep-peer-initiated');
  assert.equal(resolveCollision('192.0.2.1', '192.0.2.1', 65003, 65002), 'keep-local-initiated');
  assert.equal(resolveCollision('192.0.2.1', '192.0.2.1', 4200000000, 65002), 'keep-local-initiated');
});

test('the survivor: the existing connection if the winner opened it, else the peer\'s new one', () => {
  assert.equal(collisionSurvivor('keep-local-initiated', 'outbound'), 'existing');
  assert.equal(collisionSurvivor('keep-peer-initiated', 'outbound'), 'incoming');
  assert.equal(collisionSurvivor('keep-peer-initiated', 'inbound'), 'existing');
});
