// The BFD session state machine (RFC 5880 6.2, 6.8) as a pure function
// (state, event, now) -> (state, actions). Asynchronous mode only: no
// Demand mode, no Echo function. Transmission and the detection deadline
// are carried out by the I/O shell (a native thread) from the values that
// packetOf / txIntervalUs / detectionTimeUs derive from this state.
//
//                              +--+
//                              |  | UP, ADMIN DOWN, TIMER
//                              |  V
//                      DOWN  +------+  INIT
//               +------------|      |------------+
//               |            | DOWN |            |
//               |  +-------->|      |<--------+  |
//               |  |         +------+         |  |
//               |  |                          |  |
//               |  |               ADMIN DOWN,|  |
//               |  |ADMIN DOWN,          DOWN,|  |
//               |  |TIMER                TIMER|  |
//               V  |                          |  V
//             +------+                      +------+
//        +----|      |                      |      |----+
//    DOWN|    | INIT |--------------------->|  UP  |    |INIT, UP
//        +--->|      | INIT, UP             |      |<---+
//             +------+                      +------+

import type { AuthType } from './auth-section.js';
import { Diag, diagText, type BfdStateName, type ControlPacket, type DiscardCode } from './packet.js';
import { SLOW_TX_US, detectionTimeUs as detectionUs, transmitIntervalUs, type BfdTimers } from './timing.js';

export interface SessionState {
  readonly state: BfdStateName;
  /** bfd.LocalDiag: why the session last left Up (or was taken down). */
  readonly localDiag: number;
  readonly localDiscr: number;
  /** bfd.RemoteDiscr; zeroed when a detection time passes without a packet (6.8.1). */
  readonly remoteDiscr: number;
  readonly remoteState: BfdStateName;
  /** bfd.RemoteMinRxInterval: 1 us until the peer tells (6.8.1). */
  readonly remoteMinRxUs: number;
  /** The peer's last Desired Min TX and Detect Mult; 0 before its first packet. */
  readonly remoteDesiredMinTxUs: number;
  readonly remoteDetectMult: number;
  /** What the operator asked for. */
  readonly config: BfdTimers;
  /** bfd.DesiredMinTxInterval and bfd.RequiredMinRxInterval as advertised. */
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  /**
   * The values in use for our transmit interval and detection time: during a
   * Poll Sequence a raised TX and a lowered RX wait for the peer's Final (6.8.3).
   */
  readonly txBaseUs: number;
  readonly rxBaseUs: number;
  /** A Poll Sequence is running: periodic packets carry P until a Final arrives. */
  readonly polling: boolean;
  /** When the last valid packet arrived (ms); the detection deadline runs from it. */
  readonly lastRxAt: number | undefined;
  /** Authentication configured: a packet must carry a section iff this is set. */
  readonly authType: AuthType | undefined;
}

export type SessionEvent =
  | { readonly kind: 'enable' }
  | { readonly kind: 'disable'; readonly diag?: number }
  /** A packet that passed decodeControl and the authentication checks. */
  | { readonly kind: 'rx'; readonly packet: ControlPacket }
  | { readonly kind: 'expire' }
  | { readonly kind: 'set-timers'; readonly timers: BfdTimers };

export type SessionAction =
  | { readonly kind: 'state'; readonly from: BfdStateName; readonly to: BfdStateName; readonly diag: number; readonly reason: string }
  | { readonly kind: 'up' }
  | { readonly kind: 'down'; readonly diag: number; readonly reason: string }
  /** Send one packet now, outside the periodic schedule (a Final answers a Poll, 6.8.7). */
  | { readonly kind: 'send-now'; readonly final: boolean }
  | { readonly kind: 'poll-done' }
  | { readonly kind: 'discard'; readonly code: DiscardCode; readonly reason: string };

export interface Step {
  readonly state: SessionState;
  readonly actions: readonly SessionAction[];
}

/** A session that is administratively down until `enable`. */
export function initialSession(localDiscr: number, config: BfdTimers, authType?: AuthType): SessionState {
  if (localDiscr === 0 || localDiscr > 0xffffffff || !Number.isInteger(localDiscr)) throw new RangeError(`local discriminator ${localDiscr} must be 1..2^32-1`);
  return {
    state: 'AdminDown',
    localDiag: Diag.None,
    localDiscr,
    remoteDiscr: 0,
    remoteState: 'Down',
    remoteMinRxUs: 1,
    remoteDesiredMinTxUs: 0,
    remoteDetectMult: 0,
    config,
    desiredMinTxUs: Math.max(config.desiredMinTxUs, SLOW_TX_US),
    requiredMinRxUs: config.requiredMinRxUs,
    txBaseUs: Math.max(config.desiredMinTxUs, SLOW_TX_US),
    rxBaseUs: config.requiredMinRxUs,
    polling: false,
    lastRxAt: undefined,
    authType,
  };
}

export function stepSession(s: SessionState, e: SessionEvent, now: number): Step {
  switch (e.kind) {
    case 'enable':
      return s.state === 'AdminDown' ? moveTo(s, 'Down', Diag.None, 'enabled', []) : { state: s, actions: [] };
    case 'disable':
      return s.state === 'AdminDown' ? { state: s, actions: [] } : moveTo(s, 'AdminDown', e.diag ?? Diag.AdministrativelyDown, 'disabled', []);
    case 'expire':
      return expire(s);
    case 'set-timers':
      return { state: applyTimers(s, e.timers, s.state === 'Up'), actions: [] };
    case 'rx':
      return receive(s, e.packet, now);
  }
}

function discard(s: SessionState, code: DiscardCode, reason: string): Step {
  return { state: s, actions: [{ kind: 'discard', code, reason }] };
}

/** 6.8.6, the part after the stateless checks, in the RFC's order. */
function receive(s0: SessionState, p: ControlPacket, now: number): Step {
  if (p.yourDiscr !== 0 && p.yourDiscr !== s0.localDiscr) return discard(s0, 'your-discr', `your discriminator ${p.yourDiscr} is not ours (${s0.localDiscr})`);
  if (s0.authType === undefined && p.auth !== undefined) return discard(s0, 'auth-unexpected', 'authentication present but none configured');
  if (s0.authType !== undefined && p.auth === undefined) return discard(s0, 'auth-missing', `${s0.authType} configured but the packet has none`);
  let s: SessionState = {
    ...s0,
    remoteDiscr: p.myDiscr,
    remoteState: p.state,
    remoteMinRxUs: p.requiredMinRxUs,
    remoteDesiredMinTxUs: p.desiredMinTxUs,
    remoteDetectMult: p.detectMult,
    lastRxAt: now,
  };
  const actions: SessionAction[] = [];
  // 6.8.3: the peer's Final ends our Poll Sequence; the new timers take effect.
  if (p.final && s.polling) {
    s = { ...s, polling: false, txBaseUs: s.desiredMinTxUs, rxBaseUs: s.requiredMinRxUs };
    actions.push({ kind: 'poll-done' });
  }
  if (s.state === 'AdminDown') return discard(s, 'admin-down', 'session is administratively down');
  let next: Step = { state: s, actions };
  if (p.state === 'AdminDown') {
    if (s.state !== 'Down') next = moveTo(s, 'Down', Diag.NeighborSignaledDown, 'neighbor is administratively down', actions);
  } else if (s.state === 'Down') {
    if (p.state === 'Down') next = moveTo(s, 'Init', s.localDiag, 'neighbor is Down', actions);
    else if (p.state === 'Init') next = moveTo(s, 'Up', Diag.None, 'neighbor is Init', actions);
  } else if (s.state === 'Init') {
    if (p.state === 'Init' || p.state === 'Up') next = moveTo(s, 'Up', Diag.None, `neighbor is ${p.state}`, actions);
  } else if (p.state === 'Down') {
    next = moveTo(s, 'Down', Diag.NeighborSignaledDown, 'neighbor signaled session down', actions);
  }
  // 6.8.7: a Poll is answered at once with a Final, regardless of the transmit timer.
  if (p.poll) {
    const others = next.actions.filter((a) => a.kind !== 'send-now');
    return { state: next.state, actions: [...others, { kind: 'send-now', final: true }] };
  }
  return next;
}

/** 6.8.4: a detection time passed without a valid packet. */
function expire(s: SessionState): Step {
  const cleared: SessionState = { ...s, remoteDiscr: 0, lastRxAt: undefined };
  if (s.state === 'Init' || s.state === 'Up') return moveTo(cleared, 'Down', Diag.DetectionTimeExpired, 'control detection time expired', []);
  return { state: cleared, actions: [] };
}

function moveTo(s: SessionState, to: BfdStateName, diag: number, why: string, before: readonly SessionAction[]): Step {
  const from = s.state;
  let n: SessionState = { ...s, state: to, localDiag: diag };
  if (to === 'Up') {
    // Leaving the slow rate of 6.8.3 is a change of DesiredMinTx while Up: Poll.
    n = applyTimers({ ...n, polling: false }, n.config, true);
  } else if (from === 'Up' || to === 'AdminDown' || to === 'Down') {
    n = applyTimers({ ...n, polling: false }, n.config, false);
  }
  const reason = diag === Diag.None || why === diagText(diag) ? why : `${why} (${diagText(diag)})`;
  const actions: SessionAction[] = [...before, { kind: 'state', from, to, diag, reason }];
  if (to === 'Up') actions.push({ kind: 'up' });
  if (from === 'Up') actions.push({ kind: 'down', diag, reason });
  // The peer learns at once of a change into or out of Up; other changes wait
  // for the next periodic packet, which keeps the 1 packet/s rule of 6.8.3.
  if (from === 'Up' || to === 'Up') actions.push({ kind: 'send-now', final: false });
  return { state: n, actions };
}

/**
 * New timers (6.8.3). While not Up: advertised Desired Min TX is at least
 * 1 s and everything applies at once. While Up: a Poll Sequence starts; a
 * faster TX and a slower RX apply at once, a slower TX and a faster RX wait
 * for the Final, so neither side can see a gap the other did not agree to.
 */
function applyTimers(s: SessionState, t: BfdTimers, up: boolean): SessionState {
  if (!up) {
    const tx = Math.max(t.desiredMinTxUs, SLOW_TX_US);
    return { ...s, config: t, desiredMinTxUs: tx, requiredMinRxUs: t.requiredMinRxUs, txBaseUs: tx, rxBaseUs: t.requiredMinRxUs };
  }
  const changed = t.desiredMinTxUs !== s.desiredMinTxUs || t.requiredMinRxUs !== s.requiredMinRxUs || t.detectMult !== s.config.detectMult;
  return {
    ...s,
    config: t,
    desiredMinTxUs: t.desiredMinTxUs,
    requiredMinRxUs: t.requiredMinRxUs,
    txBaseUs: t.desiredMinTxUs < s.txBaseUs ? t.desiredMinTxUs : s.txBaseUs,
    rxBaseUs: t.requiredMinRxUs > s.rxBaseUs ? t.requiredMinRxUs : s.rxBaseUs,
    polling: s.polling || changed,
  };
}

/** The packet this session sends now (without authentication, which the sender adds). */
export function packetOf(s: SessionState, final = false): Omit<ControlPacket, 'version' | 'auth'> {
  return {
    diag: s.localDiag,
    state: s.state,
    // 6.8.7: never P and F together; a Final goes out on its own.
    poll: s.polling && !final,
    final,
    cpi: false,
    demand: false,
    multipoint: false,
    detectMult: s.config.detectMult,
    myDiscr: s.localDiscr,
    yourDiscr: s.remoteDiscr,
    desiredMinTxUs: s.desiredMinTxUs,
    requiredMinRxUs: s.requiredMinRxUs,
    requiredMinEchoRxUs: 0,
  };
}

/** The periodic transmit interval (before jitter); never under 1 s while not Up. */
export function txIntervalUs(s: SessionState): number {
  const i = transmitIntervalUs(s.txBaseUs, s.remoteMinRxUs);
  return s.state === 'Up' || i === 0 ? i : Math.max(i, SLOW_TX_US);
}

/** Our detection time for the peer's packets (6.8.4); 0 before the first packet. */
export function detectionTimeUs(s: SessionState): number {
  return detectionUs(s.rxBaseUs, s.remoteDesiredMinTxUs, s.remoteDetectMult);
}

/** When `expire` is due (ms), or undefined when no detection timer runs. */
export function detectionDeadline(s: SessionState): number | undefined {
  if (s.lastRxAt === undefined || s.state === 'AdminDown') return undefined;
  if (s.state === 'Down' && s.remoteDiscr === 0) return undefined;
  return s.lastRxAt + detectionTimeUs(s) / 1000;
}

/** How long the peer takes to notice we stopped: what an AdminDown must outlast. */
export function remoteDetectionTimeUs(s: SessionState): number {
  return s.config.detectMult * Math.max(s.txBaseUs, s.remoteMinRxUs);
}
