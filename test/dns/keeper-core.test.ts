import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialState, step } from '../../src/dns/keeper-core.js';
import type { KeeperState } from '../../src/dns/keeper-core.js';

const cfg = { reconcileIntervalMs: 60_000, retryBaseMs: 500, retryMaxMs: 4_000 };
const A = { name: 'www.example.test', address: '192.0.2.1', ttl: 60 };
const B = { name: 'www.example.test', address: '192.0.2.2', ttl: 60 };
const KA = 'www.example.test A 192.0.2.1';
const KB = 'www.example.test A 192.0.2.2';

test('start: ask the primary first, then add what is missing and delete what an earlier run left', () => {
  let s: KeeperState = initialState([B], [A], 0);
  let r = step(s, { kind: 'tick' }, 0, cfg);
  assert.deepEqual(r.actions, [{ kind: 'query', name: 'www.example.test', type: 1 }]);
  assert.equal(r.nextCheckAt, 60_000);
  r = step(r.state, { kind: 'observed', name: 'www.example.test', type: 1, addresses: ['192.0.2.2', '192.0.2.9'] }, 10, cfg);
  assert.deepEqual(r.actions.map((a) => `${a.kind} ${'key' in a ? a.key : ''}`).sort(), [`add ${KA}`, `delete ${KB}`]);
  s = step(r.state, { kind: 'result', key: KA, ok: true }, 20, cfg).state;
  s = step(s, { kind: 'result', key: KB, ok: true }, 20, cfg).state;
  assert.deepEqual([...s.entries.keys()], [KA]);
  assert.equal(s.entries.get(KA)!.phase, 'done');
});

test('a record already right at start is not sent', () => {
  const r0 = step(initialState([], [A], 0), { kind: 'tick' }, 0, cfg);
  const r = step(r0.state, { kind: 'observed', name: 'WWW.example.test.', type: 1, addresses: ['192.0.2.1'] }, 5, cfg);
  assert.deepEqual(r.actions, []);
});

test('removing a record from the desired set sends its delete at once; failures back off 0.5, 1, 2, 4, 4 s', () => {
  let s = step(initialState([], [A], 0), { kind: 'tick' }, 0, cfg).state;
  s = step(s, { kind: 'observed', name: A.name, type: 1, addresses: [A.address] }, 0, cfg).state;
  let r = step(s, { kind: 'desired', records: [] }, 1000, cfg);
  assert.deepEqual(r.actions, [{ kind: 'delete', key: KA, rec: A }]);
  const waits: number[] = [];
  let now = 1000;
  for (let i = 0; i < 5; i++) {
    r = step(r.state, { kind: 'result', key: KA, ok: false, code: 'ERR_DNS_TIMEOUT' }, now, cfg);
    assert.deepEqual(r.actions, []);
    waits.push(r.nextCheckAt - now);
    now = r.nextCheckAt;
    r = step(r.state, { kind: 'tick' }, now, cfg);
    assert.equal(r.actions.length, 1);
  }
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 4000]);
  assert.equal(r.state.entries.get(KA)!.lastError, 'ERR_DNS_TIMEOUT');
  r = step(r.state, { kind: 'result', key: KA, ok: true }, now, cfg);
  assert.equal(r.state.entries.size, 0);
});

test('a lost update is repaired at the next reconcile', () => {
  let s = step(initialState([], [A], 0), { kind: 'tick' }, 0, cfg).state;
  s = step(s, { kind: 'observed', name: A.name, type: 1, addresses: [A.address] }, 0, cfg).state;
  let r = step(s, { kind: 'tick' }, 60_000, cfg);
  assert.deepEqual(r.actions, [{ kind: 'query', name: A.name, type: 1 }]);
  r = step(r.state, { kind: 'observed', name: A.name, type: 1, addresses: [] }, 60_010, cfg);
  assert.deepEqual(r.actions, [{ kind: 'add', key: KA, rec: A }]);
});

test('a change of mind while an UPDATE is out is sent when it returns, whatever it returned', () => {
  let r = step(initialState([], [], 0), { kind: 'tick' }, 0, cfg);
  r = step(r.state, { kind: 'desired', records: [A] }, 1, cfg);
  assert.equal(r.actions[0]!.kind, 'add');
  r = step(r.state, { kind: 'desired', records: [] }, 2, cfg);
  assert.deepEqual(r.actions, []);
  r = step(r.state, { kind: 'result', key: KA, ok: true }, 3, cfg);
  assert.deepEqual(r.actions, [{ kind: 'delete', key: KA, rec: A }]);
});

test('keep-last: a kept record stays owned and is tried again at each reconcile', () => {
  let r = step(initialState([], [A], 0), { kind: 'tick' }, 0, cfg);
  r = step(r.state, { kind: 'observed', name: A.name, type: 1, addresses: [A.address] }, 0, cfg);
  r = step(r.state, { kind: 'desired', records: [] }, 1, cfg);
  r = step(r.state, { kind: 'result', key: KA, ok: true, keptLast: true }, 2, cfg);
  assert.equal(r.state.entries.get(KA)!.phase, 'done');
  assert.equal(r.nextCheckAt, 60_000);
  r = step(r.state, { kind: 'tick' }, 60_000, cfg);
  r = step(r.state, { kind: 'observed', name: A.name, type: 1, addresses: [A.address, B.address] }, 60_001, cfg);
  assert.deepEqual(r.actions, [{ kind: 'delete', key: KA, rec: A }]);
});

test('a failed query at start sends the updates anyway', () => {
  const r0 = step(initialState([], [A], 0), { kind: 'tick' }, 0, cfg);
  const r = step(r0.state, { kind: 'query-failed', name: A.name, type: 1 }, 1000, cfg);
  assert.deepEqual(r.actions, [{ kind: 'add', key: KA, rec: A }]);
});
