import { test } from 'node:test';
import assert from 'node:assert/strict';
import { climbHoldLadder, holdLadder, proposedHoldTime, refusesHoldTime, type HoldLadder } from '../../../src/bgp/fsm/hold-ladder.js';
import { step } from '../../../src/bgp/fsm/fsm.js';
import type { FsmState, Transition } from '../../../src/bgp/fsm/types.js';
import { CFG, brief, notification, reach, TO_ESTABLISHED, TO_OPEN_CONFIRM, TO_OPEN_SENT } from './fixtures.js';

const REFUSED = { kind: 'NotifMsg', notification: notification(2, 6) } as const;
const PROMPT_MS = 1000;

const idleHold = (t: Transition): number[] =>
  t.actions.flatMap((a) => (a.kind === 'start-timer' && a.timer === 'idle-hold' ? [a.ms] : []));

/** A state whose failures have already grown the idle hold to 16 s. */
const afterFailures = (s: FsmState): FsmState => ({ ...s, consecutiveFailures: 4, connectRetryCounter: 4 });

test('a ladder proposes its shortest candidate first', () => {
  const l = holdLadder([3, 9, 30, 90]);
  assert.equal(proposedHoldTime(l), 3);
  assert.equal(l.exhausted, false);
  assert.throws(() => holdLadder([]), RangeError);
});

test('only OPEN Message Error / Unacceptable Hold Time counts as a refusal', () => {
  assert.equal(refusesHoldTime({ code: 2, subcode: 6 }), true);
  assert.equal(refusesHoldTime({ code: 2, subcode: 2 }), false);
  assert.equal(refusesHoldTime({ code: 6, subcode: 6 }), false);
});

test('a refusal in OpenSent moves to the next candidate and restarts after the prompt wait, not the backed-off one', () => {
  const s = afterFailures(reach(TO_OPEN_SENT));
  const t = step(s, REFUSED, CFG);
  assert.deepEqual(idleHold(t), [16000], 'the FSM alone would wait the backed-off idle hold');
  const c = climbHoldLadder(holdLadder([3, 9, 30, 90]), t, PROMPT_MS)!;
  assert.equal(proposedHoldTime(c.ladder), 9);
  assert.deepEqual(idleHold(c.transition), [PROMPT_MS]);
  assert.deepEqual(brief(c.transition.actions).filter((a) => !a.startsWith('start idle-hold')), brief(t.actions).filter((a) => !a.startsWith('start idle-hold')));
  assert.equal(c.transition.state, t.state, 'the FSM state is the FSM\'s');
  assert.match(c.transition.reason, /restarting in 1000 ms proposing hold time 9 s/);
  assert.match(c.note ?? '', /refuses hold time 3 s: the next OPEN proposes 9 s \(step 2 of 4\)/);
});

test('a refusal after the peer\'s OPEN (OpenConfirm) climbs too', () => {
  const t = step(reach(TO_OPEN_CONFIRM), REFUSED, CFG);
  const c = climbHoldLadder(holdLadder([3, 9]), t, PROMPT_MS)!;
  assert.equal(proposedHoldTime(c.ladder), 9);
});

test('each refusal climbs one step; Established fixes the step for reconnects', () => {
  let l: HoldLadder = holdLadder([3, 9, 30, 90]);
  const refusal = step(reach(TO_OPEN_SENT), REFUSED, CFG);
  l = climbHoldLadder(l, refusal, PROMPT_MS)!.ladder;
  l = climbHoldLadder(l, refusal, PROMPT_MS)!.ladder;
  assert.equal(proposedHoldTime(l), 30);
  const up = step(reach(TO_OPEN_CONFIRM), { kind: 'KeepAliveMsg' }, CFG);
  l = climbHoldLadder(l, up, PROMPT_MS)!.ladder;
  assert.deepEqual({ step: l.step, acceptedStep: l.acceptedStep, exhausted: l.exhausted }, { step: 2, acceptedStep: 2, exhausted: false });
  // The session later fails for another reason: the step stays.
  const lost = step(reach(TO_ESTABLISHED), { kind: 'HoldTimerExpires' }, CFG);
  assert.equal(climbHoldLadder(l, lost, PROMPT_MS), undefined);
  // A later refusal (the peer's minimum went up) moves on again.
  assert.equal(proposedHoldTime(climbHoldLadder(l, refusal, PROMPT_MS)!.ladder), 90);
});

test('a refusal of the last candidate keeps it, with the FSM\'s back-off, and says so', () => {
  const t = step(afterFailures(reach(TO_OPEN_SENT)), REFUSED, CFG);
  const top: HoldLadder = { ...holdLadder([3, 9]), step: 1 };
  const c = climbHoldLadder(top, t, PROMPT_MS)!;
  assert.equal(proposedHoldTime(c.ladder), 9);
  assert.equal(c.ladder.exhausted, true);
  assert.equal(c.transition, t, 'the transition is left as the FSM made it');
  assert.match(c.note ?? '', /refuses hold time 9 s, the longest candidate; proposing it again with the normal back-off/);
  const single = climbHoldLadder(holdLadder([90]), t, PROMPT_MS)!;
  assert.match(single.note ?? '', /refuses hold time 90 s, the only one configured/);
});

test('other failures, NOTIFICATIONs we send and plain messages leave the ladder alone', () => {
  const l = holdLadder([3, 9]);
  for (const t of [
    step(reach(TO_OPEN_SENT), { kind: 'NotifMsg', notification: notification(6, 5) }, CFG),
    step(reach(TO_OPEN_SENT), { kind: 'TcpConnectionFails' }, CFG),
    // The peer proposing 1 s: we send 2/6, which is no refusal of ours.
    step(reach(TO_OPEN_SENT), { kind: 'BgpOpenMsgErr', error: { errorCode: 2, errorSubcode: 6, data: new Uint8Array(0), message: 'hold 1' } as never }, CFG),
    step(reach(TO_ESTABLISHED), REFUSED, CFG),
    step(reach(TO_ESTABLISHED), { kind: 'UpdateMsg' }, CFG),
  ]) {
    assert.equal(climbHoldLadder(l, t, PROMPT_MS), undefined);
  }
});
