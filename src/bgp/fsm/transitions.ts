// The transitions the FSM makes again and again, as small builders, so that
// step() in fsm.ts reads as a table of (state, event) -> transition.

import { CeaseSubcode, ErrorCode, FsmSubcode } from '../codec/constants.js';
import type { BgpDecodeError } from '../codec/errors.js';
import type { NotificationMessage } from '../codec/notification.js';
import { backoffMs } from './backoff.js';
import { buildLocalOpen } from './local-open.js';
import type { Negotiated } from './negotiate.js';
import type { FsmAction, FsmConfig, FsmState, FsmStateName, OutgoingNotification, TimerName, Transition } from './types.js';

/** RFC 9687 4: at least 8 minutes. */
const MIN_SEND_HOLD_MS = 8 * 60 * 1000;

/** The timers each state may have running; leaving the state stops them. */
const TIMERS_OF: Readonly<Record<FsmStateName, readonly TimerName[]>> = {
  Idle: ['idle-hold'],
  Connect: ['connect-retry'],
  Active: ['connect-retry'],
  OpenSent: ['hold', 'send-hold'],
  OpenConfirm: ['hold', 'keepalive', 'send-hold'],
  Established: ['hold', 'keepalive', 'send-hold'],
};

/** States in which a NOTIFICATION can be sent: our OPEN is out (RFC 4271 8.2.2). */
export const hasBgpConnection = (name: FsmStateName): boolean =>
  name === 'OpenSent' || name === 'OpenConfirm' || name === 'Established';

export const initialFsmState: FsmState = Object.freeze({
  name: 'Idle',
  connectRetryCounter: 0,
  consecutiveFailures: 0,
  idleHoldPending: false,
});

const startTimer = (timer: TimerName, ms: number): FsmAction => ({ kind: 'start-timer', timer, ms });
const stopTimer = (timer: TimerName): FsmAction => ({ kind: 'stop-timer', timer });
const stopTimersOf = (name: FsmStateName): FsmAction[] => TIMERS_OF[name].map(stopTimer);
const send = (n: OutgoingNotification): FsmAction => ({ kind: 'send-notification', ...n });

export const connectRetryMsFor = (cfg: FsmConfig, counter: number): number =>
  backoffMs(cfg.connectRetryMs, cfg.connectRetryMaxMs, counter);

/** The first failure waits idleHoldMs, each further one twice as long. */
export const idleHoldMsFor = (cfg: FsmConfig, failures: number): number =>
  backoffMs(cfg.idleHoldMs, cfg.idleHoldMaxMs, failures - 1);

export const sendHoldMsFor = (cfg: FsmConfig, holdTime: number): number =>
  cfg.sendHoldMs ?? Math.max(MIN_SEND_HOLD_MS, 2 * holdTime * 1000);

export const errorNotification = (e: BgpDecodeError): OutgoingNotification => ({
  code: e.errorCode,
  subcode: e.errorSubcode,
  data: e.data,
});

/** RFC 6608 subcodes for a message the state does not expect. */
export function unexpectedMessage(name: FsmStateName): OutgoingNotification {
  const subcode =
    name === 'OpenSent'
      ? FsmSubcode.UnexpectedInOpenSent
      : name === 'OpenConfirm'
        ? FsmSubcode.UnexpectedInOpenConfirm
        : name === 'Established'
          ? FsmSubcode.UnexpectedInEstablished
          : FsmSubcode.Unspecified;
  return { code: ErrorCode.Fsm, subcode };
}

export const notify = (code: number, subcode: number): OutgoingNotification => ({ code, subcode });

/** RFC 4271 6.8: the losing connection of a collision gets Cease/Connection Collision Resolution. */
export const COLLISION = notify(ErrorCode.Cease, CeaseSubcode.ConnectionCollisionResolution);
const REFUSE_INCOMING: readonly FsmAction[] = [{ kind: 'refuse-incoming', ...COLLISION }];
const ADOPT_INCOMING: FsmAction = { kind: 'adopt-incoming' };

const cease = (subcode: number, message: string | undefined): OutgoingNotification =>
  message === undefined ? { code: ErrorCode.Cease, subcode } : { code: ErrorCode.Cease, subcode, shutdownMessage: message };

export const stay = (s: FsmState, reason: string, actions: readonly FsmAction[] = []): Transition => ({ state: s, actions, reason });

/** Idle -> Connect (we dial) or Active (we wait for the peer). */
export function start(s: FsmState, cfg: FsmConfig, why: string, resetCounters: boolean): Transition {
  const connectRetryCounter = resetCounters ? 0 : s.connectRetryCounter;
  const consecutiveFailures = resetCounters ? 0 : s.consecutiveFailures;
  const actions: FsmAction[] = s.idleHoldPending ? [stopTimer('idle-hold')] : [];
  const retry = startTimer('connect-retry', connectRetryMsFor(cfg, connectRetryCounter));
  const base = { connectRetryCounter, consecutiveFailures, idleHoldPending: false };
  if (cfg.passive) {
    return { state: { name: 'Active', ...base }, actions: [...actions, retry], reason: `${why}: waiting for the peer to connect` };
  }
  return { state: { name: 'Connect', ...base }, actions: [...actions, { kind: 'connect' }, retry], reason: `${why}: connecting` };
}

/** Connect/Active -> OpenSent: TCP is up, send our OPEN and wait for the peer's (RFC 4271 8.2.2). */
export function connectionUp(s: FsmState, cfg: FsmConfig, why: string): Transition {
  return {
    state: { name: 'OpenSent', connectRetryCounter: s.connectRetryCounter, consecutiveFailures: s.consecutiveFailures, idleHoldPending: false },
    actions: [
      stopTimer('connect-retry'),
      { kind: 'send-open', open: buildLocalOpen(cfg.local) },
      startTimer('hold', cfg.largeHoldMs),
      startTimer('send-hold', sendHoldMsFor(cfg, cfg.local.holdTime)),
    ],
    reason: `${why}; OPEN sent`,
  };
}

/** OpenSent -> OpenConfirm: the peer's OPEN is acceptable; a KEEPALIVE confirms it. */
export function openAccepted(s: FsmState, cfg: FsmConfig, negotiated: Negotiated): Transition {
  const { holdTime, keepaliveTime } = negotiated;
  // Hold time 0: neither timer runs (RFC 4271 4.4); the large hold timer must go.
  const timers: FsmAction[] =
    holdTime > 0
      ? [startTimer('hold', holdTime * 1000), startTimer('keepalive', keepaliveTime * 1000)]
      : [stopTimer('hold')];
  return {
    state: {
      name: 'OpenConfirm',
      connectRetryCounter: s.connectRetryCounter,
      consecutiveFailures: s.consecutiveFailures,
      idleHoldPending: false,
      negotiated,
    },
    actions: [{ kind: 'send-keepalive' }, ...timers, startTimer('send-hold', sendHoldMsFor(cfg, holdTime))],
    reason: `OPEN from AS ${negotiated.peerAs} (${negotiated.peerRouterId}) accepted, hold time ${holdTime} s; KEEPALIVE sent`,
  };
}

/** A message from the peer proves it alive (RFC 4271 4.4). */
export const restartHold = (n: Negotiated): FsmAction[] => (n.holdTime > 0 ? [startTimer('hold', n.holdTime * 1000)] : []);

export const sendKeepalive = (n: Negotiated): FsmAction[] => [{ kind: 'send-keepalive' }, startTimer('keepalive', n.keepaliveTime * 1000)];

/** OpenConfirm -> Established. Back-off counters reset here: the peer has proved it works. */
export function established(n: Negotiated): Transition {
  return {
    state: { name: 'Established', connectRetryCounter: 0, consecutiveFailures: 0, idleHoldPending: false, negotiated: n },
    actions: [...restartHold(n), { kind: 'established', negotiated: n }],
    reason: `KEEPALIVE received: session with AS ${n.peerAs} (${n.peerRouterId}) established`,
  };
}

function ending(
  s: FsmState,
  why: string,
  sent: OutgoingNotification | undefined,
  received: NotificationMessage | undefined,
): FsmAction[] {
  const down: FsmAction = {
    kind: 'down',
    reason: why,
    wasEstablished: s.name === 'Established',
    ...(sent !== undefined ? { notificationSent: sent } : {}),
    ...(received !== undefined ? { notificationReceived: received } : {}),
  };
  return [...(sent !== undefined ? [send(sent)] : []), ...stopTimersOf(s.name), { kind: 'close' }, down];
}

export interface FailureDetail {
  readonly sent?: OutgoingNotification;
  readonly received?: NotificationMessage;
}

/** Any failure: NOTIFICATION when due, close, Idle, and an automatic restart after a growing idle hold. */
export function fail(s: FsmState, cfg: FsmConfig, why: string, d: FailureDetail = {}): Transition {
  const consecutiveFailures = s.consecutiveFailures + 1;
  const ms = idleHoldMsFor(cfg, consecutiveFailures);
  return {
    state: { name: 'Idle', connectRetryCounter: s.connectRetryCounter + 1, consecutiveFailures, idleHoldPending: true },
    actions: [...ending(s, why, d.sent, d.received), startTimer('idle-hold', ms)],
    reason: `${why}; restarting in ${ms} ms`,
  };
}

/** OpenSent -> Active when TCP fails (RFC 4271 8.2.2): close, and wait or dial again after the connect retry time. */
export function connectionLost(s: FsmState, cfg: FsmConfig, why: string): Transition {
  const connectRetryCounter = s.connectRetryCounter + 1;
  const ms = connectRetryMsFor(cfg, connectRetryCounter);
  return {
    state: { name: 'Active', connectRetryCounter, consecutiveFailures: s.consecutiveFailures + 1, idleHoldPending: false },
    actions: [...ending(s, why, undefined, undefined), startTimer('connect-retry', ms)],
    reason: `${why}; retrying in ${ms} ms`,
  };
}

/** ManualStop: Cease/Administrative Shutdown (RFC 9003 text) if a BGP connection is open, and no restart. */
export function stop(s: FsmState, message: string | undefined): Transition {
  const why = message === undefined ? 'stopped by the operator' : `stopped by the operator: ${JSON.stringify(message)}`;
  const state: FsmState = { name: 'Idle', connectRetryCounter: 0, consecutiveFailures: 0, idleHoldPending: false };
  if (s.name === 'Idle') {
    return { state, actions: s.idleHoldPending ? [stopTimer('idle-hold')] : [], reason: why };
  }
  const sent = hasBgpConnection(s.name) ? cease(CeaseSubcode.AdministrativeShutdown, message) : undefined;
  return { state, actions: ending(s, why, sent, undefined), reason: why };
}

/** ReceiveLimitExceeded in Established: the NOTIFICATION, close, and Idle with no automatic restart (the driver holds off). */
export function teardown(s: FsmState, why: string, sent: OutgoingNotification): Transition {
  const state: FsmState = { name: 'Idle', connectRetryCounter: 0, consecutiveFailures: 0, idleHoldPending: false };
  return { state, actions: ending(s, why, sent, undefined), reason: why };
}

/** AdminReset: Cease/Administrative Reset if a BGP connection is open, then a fresh start after the base idle hold. */
export function reset(s: FsmState, cfg: FsmConfig, message: string | undefined): Transition {
  const why = message === undefined ? 'reset by the operator' : `reset by the operator: ${JSON.stringify(message)}`;
  if (s.name === 'Idle') return start(s, cfg, why, true);
  const sent = hasBgpConnection(s.name) ? cease(CeaseSubcode.AdministrativeReset, message) : undefined;
  return {
    state: { name: 'Idle', connectRetryCounter: 0, consecutiveFailures: 0, idleHoldPending: true },
    actions: [...ending(s, why, sent, undefined), startTimer('idle-hold', cfg.idleHoldMs)],
    reason: `${why}; restarting in ${cfg.idleHoldMs} ms`,
  };
}

/**
 * ConnectRetryTimer expiry in Connect or Active: dial again (RFC 4271 8.2.2)
 * with a doubled wait, or for a passive session just keep waiting.
 */
export function redial(s: FsmState, cfg: FsmConfig): Transition {
  if (cfg.passive) {
    const ms = connectRetryMsFor(cfg, s.connectRetryCounter);
    return stay(s, 'still waiting for the peer to connect', [startTimer('connect-retry', ms)]);
  }
  const connectRetryCounter = s.connectRetryCounter + 1;
  const ms = connectRetryMsFor(cfg, connectRetryCounter);
  // In Connect the attempt in progress is abandoned first.
  const abandon: FsmAction[] = s.name === 'Connect' ? [{ kind: 'close' }] : [];
  return {
    state: { name: 'Connect', connectRetryCounter, consecutiveFailures: s.consecutiveFailures, idleHoldPending: false },
    actions: [...abandon, { kind: 'connect' }, startTimer('connect-retry', ms)],
    reason: `no connection after the connect retry time; connecting again (next try in ${ms} ms)`,
  };
}

/** A collision leaves the connection we have: the peer's new one is refused. */
export const refuseIncoming = (s: FsmState, why: string): Transition => stay(s, `${why}; the new connection is refused`, REFUSE_INCOMING);

/** Connect/Active: the connection a collision was about is gone meanwhile, so the peer's new one is simply taken. */
export function takeIncoming(s: FsmState, cfg: FsmConfig, why: string): Transition {
  const up = connectionUp(s, cfg, why);
  return { state: up.state, actions: [ADOPT_INCOMING, ...up.actions], reason: up.reason };
}

/**
 * OpenSent/OpenConfirm: the peer's new connection wins (RFC 4271 6.8). Ours gets
 * Cease and closes; the new one starts as a fresh connection does, in OpenSent.
 * The lost connection counts as a failure for the back-off, as OpenCollisionDump does.
 */
export function switchToIncoming(s: FsmState, cfg: FsmConfig, why: string): Transition {
  const up = connectionUp(s, cfg, why);
  return {
    state: { name: 'OpenSent', connectRetryCounter: s.connectRetryCounter + 1, consecutiveFailures: s.consecutiveFailures + 1, idleHoldPending: false },
    actions: [...ending(s, why, COLLISION, undefined), ADOPT_INCOMING, ...up.actions],
    reason: up.reason,
  };
}
