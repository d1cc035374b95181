// The RFC 4271 8.2.2 finite state machine as one pure function:
// (state, event, config) -> (state, actions, reason). The driver owns the
// socket and the timers, feeds events in and carries the actions out.
//
// Choices where RFC 4271 leaves room or where floatd departs from it:
// - No DelayOpen. A second connection from the peer is the driver's to hold
//   until its OPEN names the peer; it resolves the collision with
//   resolveCollision (RFC 4271 6.8) and reports the survivor as
//   ConnectionCollision, which the FSM carries out: refuse the new connection,
//   or close ours with Cease and go on with the new one in OpenSent. A bare
//   second TcpConnectionConfirmed in OpenSent/OpenConfirm/Established is ignored.
// - Every failure drops to Idle and restarts by itself through the idle-hold
//   timer, idleHoldMs × 2^(failures - 1) capped; AutomaticStart is ignored while
//   that timer runs (DampPeerOscillations). The connect-retry timer doubles with
//   connectRetryCounter the same way. Both counters reset when the session
//   reaches Established, on ManualStart, ManualStop and AdminReset; unlike
//   RFC 4271, AutomaticStart keeps them, or back-off could never grow.
// - A timer expiry for a timer the state does not run is stale (the driver may
//   have raced a stop against it) and ignored, where RFC 4271 would reset.
// - Messages in Connect/Active (no BGP connection yet) drop to Idle without a
//   NOTIFICATION, as RFC 4271 does; an OPEN in OpenConfirm or Established, even
//   a malformed one, is an unexpected message (RFC 6608).
// - The driver restarts the keepalive timer after sending an UPDATE if it
//   wishes (RFC 4271 10); the FSM restarts it for the KEEPALIVEs it sends.
//   The driver also restarts the send-hold timer, with the last duration given,
//   whenever the socket accepts data or has nothing queued (RFC 9687).

import { ErrorCode, OpenSubcode, UNSPECIFIC_SUBCODE } from '../codec/constants.js';
import { describeNotification, type NotificationMessage } from '../codec/notification.js';
import { checkPeerOpen } from './negotiate.js';
import {
  COLLISION,
  connectionLost,
  connectionUp,
  errorNotification,
  established,
  fail,
  notify,
  openAccepted,
  redial,
  refuseIncoming,
  reset,
  restartHold,
  sendKeepalive,
  start,
  stay,
  stop,
  switchToIncoming,
  takeIncoming,
  teardown,
  unexpectedMessage,
} from './transitions.js';
import type { Negotiated } from './negotiate.js';
import type { FsmConfig, FsmEvent, FsmEventKind, FsmState, Transition } from './types.js';

export { initialFsmState } from './transitions.js';

const MESSAGE_NAME: Readonly<Partial<Record<FsmEvent['kind'], string>>> = {
  BgpOpen: 'OPEN',
  BgpOpenMsgErr: 'OPEN',
  KeepAliveMsg: 'KEEPALIVE',
  UpdateMsg: 'UPDATE',
  UpdateMsgErr: 'UPDATE',
  RouteRefreshMsg: 'ROUTE-REFRESH',
};

const HOLD_EXPIRED = notify(ErrorCode.HoldTimerExpired, UNSPECIFIC_SUBCODE);
const SEND_HOLD_EXPIRED = notify(ErrorCode.SendHoldTimerExpired, UNSPECIFIC_SUBCODE);
const PEER_NOT_READING = 'the peer stopped reading (send hold timer expired)';

const nameOf = (e: FsmEvent): string => MESSAGE_NAME[e.kind] ?? e.kind;
const ignored = (s: FsmState, e: FsmEvent, why: string): Transition => stay(s, `${e.kind} ignored: ${why}`);
const stale = (s: FsmState, e: FsmEvent): Transition => ignored(s, e, `that timer does not run in ${s.name}`);
const received = (n: NotificationMessage): string => `NOTIFICATION received: ${describeNotification(n)}`;
const secondConnection = (s: FsmState, e: FsmEvent): Transition =>
  ignored(s, e, 'a second connection is the collision detection\'s to resolve (RFC 4271 6.8)');
const collision = (e: { readonly peerRouterId: string }, keeping: string): string =>
  `connection collision with ${e.peerRouterId} (RFC 4271 6.8): keeping ${keeping}`;

// A full table is hundreds of thousands of UPDATEs in a row, each answered with the same
// value (stay, restart the hold timer): built once per state, not once per message.
const messageStays = new WeakMap<FsmState, Partial<Record<FsmEventKind, Transition>>>();
function messageReceived(s: FsmState, e: FsmEvent, n: Negotiated): Transition {
  let byKind = messageStays.get(s);
  if (byKind === undefined) messageStays.set(s, (byKind = {}));
  return (byKind[e.kind] ??= stay(s, `${nameOf(e)} received`, restartHold(n)));
}

/** The NotifMsgVerErr or NotifMsg event for a received NOTIFICATION (RFC 4271 8.1.5). */
export const notificationEvent = (n: NotificationMessage): FsmEvent =>
  n.code === ErrorCode.OpenMessage && n.subcode === OpenSubcode.UnsupportedVersion
    ? { kind: 'NotifMsgVerErr', notification: n }
    : { kind: 'NotifMsg', notification: n };

export function step(s: FsmState, e: FsmEvent, cfg: FsmConfig): Transition {
  switch (s.name) {
    case 'Idle':
      switch (e.kind) {
        case 'ManualStart':
          return start(s, cfg, 'started by the operator', true);
        case 'AutomaticStart':
          return s.idleHoldPending ? ignored(s, e, 'the idle hold timer runs') : start(s, cfg, 'automatic start', false);
        case 'IdleHoldTimerExpires':
          return s.idleHoldPending ? start({ ...s, idleHoldPending: false }, cfg, 'idle hold over', false) : stale(s, e);
        case 'ManualStop':
          return stop(s, e.message);
        case 'AdminReset':
          return reset(s, cfg, e.message);
        case 'ReceiveLimitExceeded':
          return ignored(s, e, 'only an Established session receives routes');
        case 'TcpConnectionConfirmed':
        case 'TcpCrAcked':
          return stay(s, 'connection refused: the session is Idle', [{ kind: 'close' }]);
        case 'ConnectRetryTimerExpires':
        case 'HoldTimerExpires':
        case 'KeepaliveTimerExpires':
        case 'SendHoldTimerExpires':
          return stale(s, e);
        case 'TcpConnectionFails':
        case 'BgpOpen':
        case 'BgpHeaderErr':
        case 'BgpOpenMsgErr':
        case 'NotifMsgVerErr':
        case 'NotifMsg':
        case 'KeepAliveMsg':
        case 'UpdateMsg':
        case 'UpdateMsgErr':
        case 'RouteRefreshMsg':
        case 'OpenCollisionDump':
          return ignored(s, e, 'no connection in Idle');
        case 'ConnectionCollision':
          return refuseIncoming(s, 'connection collision resolved after the session went Idle');
      }

    // Connect: we are dialling. Active: we wait for the peer (and dial again on connect retry unless passive).
    case 'Connect':
    case 'Active':
      switch (e.kind) {
        case 'ManualStart':
        case 'AutomaticStart':
          return ignored(s, e, 'already started');
        case 'ManualStop':
          return stop(s, e.message);
        case 'AdminReset':
          return reset(s, cfg, e.message);
        case 'ReceiveLimitExceeded':
          return ignored(s, e, 'only an Established session receives routes');
        case 'ConnectRetryTimerExpires':
          return redial(s, cfg);
        case 'TcpCrAcked':
          return connectionUp(s, cfg, 'connected to the peer');
        case 'TcpConnectionConfirmed':
          return connectionUp(s, cfg, 'accepted the peer\'s connection');
        case 'TcpConnectionFails':
          return fail(s, cfg, 'TCP connection failed');
        case 'HoldTimerExpires':
        case 'KeepaliveTimerExpires':
        case 'IdleHoldTimerExpires':
        case 'SendHoldTimerExpires':
          return stale(s, e);
        case 'BgpOpen':
        case 'BgpHeaderErr':
        case 'BgpOpenMsgErr':
        case 'NotifMsgVerErr':
        case 'NotifMsg':
        case 'KeepAliveMsg':
        case 'UpdateMsg':
        case 'UpdateMsgErr':
        case 'RouteRefreshMsg':
        case 'OpenCollisionDump':
          return fail(s, cfg, `${nameOf(e)} before our OPEN was sent`);
        case 'ConnectionCollision':
          return takeIncoming(s, cfg, 'the connection a collision was about is gone: accepted the peer\'s new one');
      }

    case 'OpenSent':
      switch (e.kind) {
        case 'ManualStart':
        case 'AutomaticStart':
          return ignored(s, e, 'already started');
        case 'ManualStop':
          return stop(s, e.message);
        case 'AdminReset':
          return reset(s, cfg, e.message);
        case 'ReceiveLimitExceeded':
          return ignored(s, e, 'only an Established session receives routes');
        case 'HoldTimerExpires':
          return fail(s, cfg, 'no OPEN from the peer in time', { sent: HOLD_EXPIRED });
        case 'SendHoldTimerExpires':
          return fail(s, cfg, PEER_NOT_READING, { sent: SEND_HOLD_EXPIRED });
        case 'ConnectRetryTimerExpires':
        case 'KeepaliveTimerExpires':
        case 'IdleHoldTimerExpires':
          return stale(s, e);
        case 'TcpConnectionConfirmed':
        case 'TcpCrAcked':
          return secondConnection(s, e);
        case 'TcpConnectionFails':
          return connectionLost(s, cfg, 'TCP connection lost in OpenSent');
        case 'BgpOpen': {
          const check = cfg.checkOpen?.(e.open) ?? checkPeerOpen(cfg.local, cfg.peer, e.open);
          if (check.ok) return openAccepted(s, cfg, check.negotiated);
          return fail(s, cfg, `OPEN refused: ${check.reason}`, { sent: check.notification });
        }
        case 'BgpHeaderErr':
        case 'BgpOpenMsgErr':
          return fail(s, cfg, `bad message from the peer: ${e.error.message}`, { sent: errorNotification(e.error) });
        case 'NotifMsgVerErr':
        case 'NotifMsg':
          return fail(s, cfg, received(e.notification), { received: e.notification });
        case 'KeepAliveMsg':
        case 'UpdateMsg':
        case 'UpdateMsgErr':
        case 'RouteRefreshMsg':
          return fail(s, cfg, `unexpected ${nameOf(e)} in OpenSent`, { sent: unexpectedMessage(s.name) });
        case 'OpenCollisionDump':
          return fail(s, cfg, 'connection collision: this connection loses', { sent: COLLISION });
        case 'ConnectionCollision':
          return e.keep === 'existing'
            ? refuseIncoming(s, collision(e, 'this connection'))
            : switchToIncoming(s, cfg, collision(e, 'the peer\'s new connection'));
      }

    case 'OpenConfirm':
    case 'Established': {
      const n = s.negotiated;
      switch (e.kind) {
        case 'ManualStart':
        case 'AutomaticStart':
          return ignored(s, e, 'already started');
        case 'ManualStop':
          return stop(s, e.message);
        case 'AdminReset':
          return reset(s, cfg, e.message);
        case 'ReceiveLimitExceeded':
          return s.name === 'Established' ? teardown(s, e.why, e.notification) : ignored(s, e, 'only an Established session receives routes');
        case 'HoldTimerExpires':
          if (n.holdTime === 0) return stale(s, e);
          return fail(s, cfg, `no message from the peer for ${n.holdTime} s`, { sent: HOLD_EXPIRED });
        case 'KeepaliveTimerExpires':
          if (n.holdTime === 0) return stale(s, e);
          return stay(s, 'KEEPALIVE due', sendKeepalive(n));
        case 'SendHoldTimerExpires':
          return fail(s, cfg, PEER_NOT_READING, { sent: SEND_HOLD_EXPIRED });
        case 'ConnectRetryTimerExpires':
        case 'IdleHoldTimerExpires':
          return stale(s, e);
        case 'TcpConnectionConfirmed':
        case 'TcpCrAcked':
          return secondConnection(s, e);
        case 'TcpConnectionFails':
          return fail(s, cfg, `TCP connection lost in ${s.name}`);
        case 'NotifMsgVerErr':
        case 'NotifMsg':
          return fail(s, cfg, received(e.notification), { received: e.notification });
        case 'BgpHeaderErr':
          return fail(s, cfg, `bad message from the peer: ${e.error.message}`, { sent: errorNotification(e.error) });
        case 'OpenCollisionDump':
          return fail(s, cfg, 'connection collision: this connection loses', { sent: COLLISION });
        case 'ConnectionCollision':
          // An Established session always wins (RFC 4271 6.8).
          if (s.name === 'Established') return refuseIncoming(s, collision(e, 'the Established connection'));
          return e.keep === 'existing'
            ? refuseIncoming(s, collision(e, 'this connection'))
            : switchToIncoming(s, cfg, collision(e, 'the peer\'s new connection'));
        case 'BgpOpen':
        case 'BgpOpenMsgErr':
          return fail(s, cfg, `unexpected OPEN in ${s.name}`, { sent: unexpectedMessage(s.name) });
        case 'KeepAliveMsg':
          return s.name === 'OpenConfirm' ? established(n) : messageReceived(s, e, n);
        case 'UpdateMsg':
        case 'RouteRefreshMsg':
        case 'UpdateMsgErr':
          // Before Established any of these is out of turn, even a malformed UPDATE (RFC 6608).
          if (s.name === 'OpenConfirm') return fail(s, cfg, `unexpected ${nameOf(e)} in OpenConfirm`, { sent: unexpectedMessage(s.name) });
          if (e.kind === 'UpdateMsgErr') return fail(s, cfg, `bad UPDATE: ${e.error.message}`, { sent: errorNotification(e.error) });
          return messageReceived(s, e, n);
      }
    }
  }
}
