// The hold-time ladder: the hold times a neighbor may propose, shortest first.
// Without BFD the hold timer is the only way the peer notices a dead instance,
// so the shortest hold time the peer accepts is the fastest failover. A
// speaker may refuse a hold time with NOTIFICATION OPEN Message Error /
// Unacceptable Hold Time (RFC 4271 4.2, 6.2: code 2, subcode 6); the next
// connection then proposes the next longer candidate. Pure: the session
// feeds each FSM transition through climbHoldLadder.

import { ErrorCode, OpenSubcode } from '../codec/constants.js';
import type { FsmAction, Transition } from './types.js';

export interface HoldLadder {
  /** Seconds, strictly ascending; a plain hold-time is a ladder of one. */
  readonly candidates: readonly number[];
  /** Index of the candidate the next OPEN proposes. */
  readonly step: number;
  /** The step the last Established session used. */
  readonly acceptedStep?: number;
  /** The peer refused the last candidate too: it is kept, with the FSM's normal back-off. */
  readonly exhausted: boolean;
}

export const holdLadder = (candidates: readonly number[]): HoldLadder => {
  if (candidates.length === 0) throw new RangeError('a hold-time ladder needs at least one candidate');
  return { candidates, step: 0, exhausted: false };
};

export const proposedHoldTime = (l: HoldLadder): number => l.candidates[l.step]!;

/** NOTIFICATION 2/6 (RFC 4271 6.2). */
export const refusesHoldTime = (n: { readonly code: number; readonly subcode: number }): boolean =>
  n.code === ErrorCode.OpenMessage && n.subcode === OpenSubcode.UnacceptableHoldTime;

export interface LadderStep {
  readonly ladder: HoldLadder;
  readonly transition: Transition;
  /** A line worth logging when the ladder moved or ran out. */
  readonly note?: string;
}

type Down = Extract<FsmAction, { kind: 'down' }>;

/**
 * One FSM transition seen through the ladder. Established fixes the step for
 * later reconnects. The peer refusing our hold time before Established moves
 * to the next candidate, and the restart waits promptMs instead of the
 * backed-off idle hold: nothing is wrong with the peer, only our offer. A
 * refusal of the last candidate keeps it and leaves the back-off alone.
 * Undefined when the transition does not concern the ladder (most do: every
 * UPDATE passes here, so nothing is allocated for them).
 */
export function climbHoldLadder(l: HoldLadder, t: Transition, promptMs: number): LadderStep | undefined {
  let down: Down | undefined;
  for (const a of t.actions) {
    if (a.kind === 'established') return { ladder: { ...l, acceptedStep: l.step, exhausted: false }, transition: t };
    if (a.kind === 'down') down = a;
  }
  const got = down?.notificationReceived;
  if (down === undefined || down.wasEstablished || got === undefined || !refusesHoldTime(got)) return undefined;

  const refused = proposedHoldTime(l);
  if (l.step + 1 >= l.candidates.length) {
    const more = l.candidates.length > 1 ? 'the longest candidate' : 'the only one configured';
    return {
      ladder: { ...l, exhausted: true },
      transition: t,
      note: `the peer refuses hold time ${refused} s, ${more}; proposing it again with the normal back-off`,
    };
  }
  const ladder: HoldLadder = { ...l, step: l.step + 1, exhausted: false };
  const next = proposedHoldTime(ladder);
  const actions = t.actions.map((a): FsmAction => (a.kind === 'start-timer' && a.timer === 'idle-hold' ? { ...a, ms: promptMs } : a));
  return {
    ladder,
    transition: { ...t, actions, reason: `${down.reason}; restarting in ${promptMs} ms proposing hold time ${next} s` },
    note: `the peer refuses hold time ${refused} s: the next OPEN proposes ${next} s (step ${ladder.step + 1} of ${l.candidates.length})`,
  };
}
