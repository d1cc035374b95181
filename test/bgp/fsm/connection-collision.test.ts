// The ConnectionCollision event on the pure FSM: the driver reports which of
// two connections survives (RFC 4271 6.8) and the transition carries it out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFsmState, step } from '../../../src/bgp/fsm/fsm.js';
import type { FsmEvent, FsmState } from '../../../src/bgp/fsm/types.js';
import { brief, CFG, PASSIVE, peerOpen, reach, TO_ESTABLISHED, TO_OPEN_CONFIRM, TO_OPEN_SENT } from './fixtures.js';

const KEEP_EXISTING: FsmEvent = { kind: 'ConnectionCollision', keep: 'existing', peerRouterId: '198.51.100.2' };
const KEEP_INCOMING: FsmEvent = { kind: 'ConnectionCollision', keep: 'incoming', peerRouterId: '198.51.100.2' };
// CFG: large hold time 240 s; send hold max(8 min, 2 × 90 s).
const FRESH_CONNECTION = ['adopt-incoming', 'stop connect-retry', 'send-open', 'start hold 240000', 'start send-hold 480000'];

for (const [name, from] of [
  ['OpenSent', reach(TO_OPEN_SENT)],
  ['OpenConfirm', reach(TO_OPEN_CONFIRM)],
] as const) {
  test(`${name}, the existing connection wins: the new one gets Cease/Connection Collision Resolution, nothing else changes`, () => {
    const t = step(from, KEEP_EXISTING, CFG);
    assert.equal(t.state, from);
    assert.deepEqual(t.actions, [{ kind: 'refuse-incoming', code: 6, subcode: 7 }]);
    assert.match(t.reason, /198\.51\.100\.2/);
    assert.match(t.reason, /RFC 4271 6\.8/);
  });

  test(`${name}, the new connection wins: ours gets Cease and closes, the new one starts in OpenSent`, () => {
    const t = step(from, KEEP_INCOMING, CFG);
    assert.equal(t.state.name, 'OpenSent');
    assert.equal(t.state.negotiated, undefined);
    assert.equal(t.state.idleHoldPending, false);
    // The lost connection counts for the back-off, as an OpenCollisionDump would.
    assert.equal(t.state.connectRetryCounter, from.connectRetryCounter + 1);
    assert.equal(t.state.consecutiveFailures, from.consecutiveFailures + 1);
    const stops = name === 'OpenSent' ? ['stop hold', 'stop send-hold'] : ['stop hold', 'stop keepalive', 'stop send-hold'];
    assert.deepEqual(brief(t.actions), ['notify 6/7', ...stops, 'close', 'down', ...FRESH_CONNECTION]);
    const down = t.actions.find((a) => a.kind === 'down');
    assert.equal(down?.kind === 'down' && down.wasEstablished, false);
    assert.deepEqual(down?.kind === 'down' && down.notificationSent, { code: 6, subcode: 7 });
    assert.match(t.reason, /198\.51\.100\.2/);
  });
}

test('the new connection then goes the usual way: its OPEN, a KEEPALIVE, Established', () => {
  let s: FsmState = step(reach(TO_OPEN_CONFIRM), KEEP_INCOMING, CFG).state;
  s = step(s, { kind: 'BgpOpen', open: peerOpen() }, CFG).state;
  assert.equal(s.name, 'OpenConfirm');
  const t = step(s, { kind: 'KeepAliveMsg' }, CFG);
  assert.equal(t.state.name, 'Established');
  assert.equal(t.state.consecutiveFailures, 0, 'Established clears the back-off as always');
});

test('Established always wins: the new connection is refused whatever the identifiers say', () => {
  const from = reach(TO_ESTABLISHED);
  for (const e of [KEEP_EXISTING, KEEP_INCOMING]) {
    const t = step(from, e, CFG);
    assert.equal(t.state, from);
    assert.deepEqual(brief(t.actions), ['refuse-incoming']);
  }
});

test('Connect or Active: the connection the collision was about is gone, so the new one is taken, counters unchanged', () => {
  for (const [from, cfg] of [
    [reach([{ kind: 'ManualStart' }]), CFG],
    [reach([...TO_OPEN_SENT, { kind: 'TcpConnectionFails' }]), CFG],
    [reach([{ kind: 'ManualStart' }], PASSIVE), PASSIVE],
  ] as const) {
    for (const e of [KEEP_EXISTING, KEEP_INCOMING]) {
      const t = step(from, e, cfg);
      assert.equal(t.state.name, 'OpenSent', from.name);
      assert.equal(t.state.connectRetryCounter, from.connectRetryCounter);
      assert.equal(t.state.consecutiveFailures, from.consecutiveFailures);
      assert.deepEqual(brief(t.actions), FRESH_CONNECTION, from.name);
    }
  }
});

test('Idle: the new connection is refused and the state stays, idle hold or not', () => {
  for (const from of [initialFsmState, reach([{ kind: 'ManualStart' }, { kind: 'TcpConnectionFails' }])]) {
    const t = step(from, KEEP_INCOMING, CFG);
    assert.equal(t.state, from);
    assert.deepEqual(t.actions, [{ kind: 'refuse-incoming', code: 6, subcode: 7 }]);
  }
});
