// The BGP finite state machine and OPEN negotiation, pure: no I/O, no clocks.

export { step, notificationEvent, initialFsmState } from './fsm.js';
export { buildLocalOpen, type LocalSpeaker } from './local-open.js';
export {
  checkPeerOpen,
  keepaliveTimeOf,
  negotiateHoldTime,
  receiveContext,
  type Negotiated,
  type OpenCheck,
  type OpenRejection,
  type PeerExpectations,
  type PeerGracefulRestart,
} from './negotiate.js';
export { collisionSurvivor, resolveCollision, type CollisionSurvivor, type CollisionWinner } from './collision.js';
export { backoffMs } from './backoff.js';
export { climbHoldLadder, holdLadder, proposedHoldTime, refusesHoldTime, type HoldLadder, type LadderStep } from './hold-ladder.js';
export { FAMILIES, familyOf, type Family } from './families.js';
export type {
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmEventKind,
  FsmState,
  FsmStateName,
  OutgoingNotification,
  TimerName,
  Transition,
} from './types.js';
