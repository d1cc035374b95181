import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs } from '../../../src/bgp/fsm/backoff.js';
import type { FsmEvent } from '../../../src/bgp/fsm/types.js';
import { CFG, run, TO_ESTABLISHED } from './fixtures.js';
import { initialFsmState, step } from '../../../src/bgp/fsm/fsm.js';

const timerStarts = (actions: readonly { kind: string; timer?: string; ms?: number }[], timer: string): number[] =>
  actions.filter((a) => a.kind === 'start-timer' && a.timer === timer).map((a) => a.ms!);

test('backoffMs doubles from the base up to the cap', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(1000, 60000, n)),
    [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000],
  );
  assert.equal(backoffMs(1000, 60000, -3), 1000);
  assert.equal(backoffMs(1000, 60000, 5000), 60000);
  assert.equal(backoffMs(5000, 120000, Number.MAX_SAFE_INTEGER), 120000);
});

test('idle hold grows 1, 2, 4, 8 ... s with consecutive failures, capped at 60 s', () => {
  const events: FsmEvent[] = [{ kind: 'ManualStart' }];
  for (let i = 0; i < 9; i++) events.push({ kind: 'TcpConnectionFails' }, { kind: 'IdleHoldTimerExpires' });
  const ts = run(events);
  const idle = ts.flatMap((t) => timerStarts(t.actions, 'idle-hold'));
  assert.deepEqual(idle, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  // Each failure also lengthens the connect retry time of the next attempt.
  const retry = ts.flatMap((t) => timerStarts(t.actions, 'connect-retry'));
  assert.deepEqual(retry, [5000, 10000, 20000, 40000, 80000, 120000, 120000, 120000, 120000, 120000]);
});

test('connect retry doubles while a dial goes unanswered, capped at 120 s', () => {
  const events: FsmEvent[] = [{ kind: 'ManualStart' }];
  for (let i = 0; i < 7; i++) events.push({ kind: 'ConnectRetryTimerExpires' });
  const ts = run(events);
  assert.ok(ts.every((t) => t.state.name === 'Connect'));
  assert.deepEqual(
    ts.flatMap((t) => timerStarts(t.actions, 'connect-retry')),
    [5000, 10000, 20000, 40000, 80000, 120000, 120000, 120000],
  );
  // Each retry abandons the attempt in progress before dialling again.
  assert.deepEqual(ts[1]!.actions.map((a) => a.kind), ['close', 'connect', 'start-timer']);
});

test('reaching Established resets both back-offs', () => {
  const events: FsmEvent[] = [{ kind: 'ManualStart' }];
  for (let i = 0; i < 4; i++) events.push({ kind: 'TcpConnectionFails' }, { kind: 'IdleHoldTimerExpires' });
  const before = run(events);
  const flapping = before[before.length - 1]!.state;
  assert.equal(flapping.consecutiveFailures, 4);
  assert.equal(flapping.connectRetryCounter, 4);
  const up = run(TO_ESTABLISHED.slice(1), CFG, flapping);
  const est = up[up.length - 1]!.state;
  assert.equal(est.name, 'Established');
  assert.equal(est.consecutiveFailures, 0);
  assert.equal(est.connectRetryCounter, 0);
  const down = step(est, { kind: 'TcpConnectionFails' }, CFG);
  assert.deepEqual(timerStarts(down.actions, 'idle-hold'), [1000]);
});

test('ManualStart clears the back-off', () => {
  const events: FsmEvent[] = [{ kind: 'ManualStart' }];
  for (let i = 0; i < 3; i++) events.push({ kind: 'TcpConnectionFails' }, { kind: 'IdleHoldTimerExpires' });
  events.push({ kind: 'ManualStop' }, { kind: 'ManualStart' });
  const ts = run(events);
  assert.deepEqual(timerStarts(ts[ts.length - 1]!.actions, 'connect-retry'), [5000]);
  assert.equal(ts[ts.length - 1]!.state.consecutiveFailures, 0);
  assert.deepEqual(ts[ts.length - 2]!.state, initialFsmState);
});
