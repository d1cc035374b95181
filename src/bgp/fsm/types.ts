// Values of the RFC 4271 8 finite state machine: states, events (8.1 names),
// the actions a driver carries out, and the configuration.

import type { BgpDecodeError } from '../codec/errors.js';
import type { NotificationMessage } from '../codec/notification.js';
import type { OpenMessage } from '../codec/open.js';
import type { CollisionSurvivor } from './collision.js';
import type { LocalSpeaker } from './local-open.js';
import type { Negotiated, OpenCheck, PeerExpectations } from './negotiate.js';

export type FsmStateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

interface FsmCounters {
  /** RFC 4271 8: failed attempts since the last Established; sets the ConnectRetryTimer back-off. */
  readonly connectRetryCounter: number;
  /** Failures since the last Established; sets the IdleHoldTimer back-off. */
  readonly consecutiveFailures: number;
  /** Idle only: the idle-hold timer runs and will restart the session (RFC 4271 8.1.1 DampPeerOscillations). */
  readonly idleHoldPending: boolean;
}

/** An immutable value; OpenConfirm and Established carry what the OPEN exchange agreed. */
export type FsmState =
  | (FsmCounters & { readonly name: 'Idle' | 'Connect' | 'Active' | 'OpenSent'; readonly negotiated?: undefined })
  | (FsmCounters & { readonly name: 'OpenConfirm' | 'Established'; readonly negotiated: Negotiated });

export type FsmEvent =
  | { readonly kind: 'ManualStart' }
  | { readonly kind: 'ManualStop'; readonly message?: string }
  | { readonly kind: 'AutomaticStart' }
  | { readonly kind: 'ConnectRetryTimerExpires' }
  | { readonly kind: 'HoldTimerExpires' }
  | { readonly kind: 'KeepaliveTimerExpires' }
  | { readonly kind: 'IdleHoldTimerExpires' }
  | { readonly kind: 'SendHoldTimerExpires' }
  /** An incoming connection was accepted for this peer. */
  | { readonly kind: 'TcpConnectionConfirmed' }
  /** Our outgoing connection succeeded. */
  | { readonly kind: 'TcpCrAcked' }
  | { readonly kind: 'TcpConnectionFails' }
  | { readonly kind: 'BgpOpen'; readonly open: OpenMessage }
  | { readonly kind: 'BgpHeaderErr'; readonly error: BgpDecodeError }
  | { readonly kind: 'BgpOpenMsgErr'; readonly error: BgpDecodeError }
  | { readonly kind: 'NotifMsgVerErr'; readonly notification: NotificationMessage }
  | { readonly kind: 'NotifMsg'; readonly notification: NotificationMessage }
  | { readonly kind: 'KeepAliveMsg' }
  | { readonly kind: 'UpdateMsg' }
  /** Only for UPDATE errors that reset the session; RFC 7606 softer ones never reach the FSM. */
  | { readonly kind: 'UpdateMsgErr'; readonly error: BgpDecodeError }
  | { readonly kind: 'RouteRefreshMsg' }
  | { readonly kind: 'OpenCollisionDump' }
  /**
   * A second connection from the peer met this one and resolveCollision picked
   * the survivor (RFC 4271 6.8): the connection we have, or the new one.
   */
  | { readonly kind: 'ConnectionCollision'; readonly keep: CollisionSurvivor; readonly peerRouterId: string }
  | { readonly kind: 'AdminReset'; readonly message?: string }
  /**
   * The peer sent more than a receive limit allows (max-prefix, RFC 4486 4):
   * send the NOTIFICATION, close, stay Idle. The driver restarts the session
   * after its own restart time (like ManualStop, then ManualStart).
   */
  | { readonly kind: 'ReceiveLimitExceeded'; readonly notification: OutgoingNotification; readonly why: string };

export type FsmEventKind = FsmEvent['kind'];

export type TimerName = 'connect-retry' | 'hold' | 'keepalive' | 'idle-hold' | 'send-hold';

/** What goes into a NOTIFICATION; encodeNotification takes it as is. */
export interface OutgoingNotification {
  readonly code: number;
  readonly subcode: number;
  readonly data?: Uint8Array;
  /** RFC 9003 text for Cease/Administrative Shutdown and Reset. */
  readonly shutdownMessage?: string;
}

export type FsmAction =
  | { readonly kind: 'connect' }
  /** Drop this session's TCP connection, or abandon the connection attempt. */
  | { readonly kind: 'close' }
  | { readonly kind: 'send-open'; readonly open: OpenMessage }
  | { readonly kind: 'send-keepalive' }
  | ({ readonly kind: 'send-notification' } & OutgoingNotification)
  /** Collision resolution: the peer's new connection loses; send it this NOTIFICATION and close it. */
  | ({ readonly kind: 'refuse-incoming' } & OutgoingNotification)
  /** Collision resolution: the peer's new connection becomes this session's connection. */
  | { readonly kind: 'adopt-incoming' }
  /** (Re)start: a running timer of that name is replaced. Nominal time; the driver adds the RFC 4271 10 jitter. */
  | { readonly kind: 'start-timer'; readonly timer: TimerName; readonly ms: number }
  | { readonly kind: 'stop-timer'; readonly timer: TimerName }
  | { readonly kind: 'established'; readonly negotiated: Negotiated }
  /** The session or the attempt is over: clear Adj-RIB-In/Out state. */
  | {
      readonly kind: 'down';
      readonly reason: string;
      readonly wasEstablished: boolean;
      readonly notificationSent?: OutgoingNotification;
      readonly notificationReceived?: NotificationMessage;
    };

export interface FsmConfig {
  /** Never initiate a connection; wait in Active (RFC 4271 8.1.1 PassiveTcpEstablishment). */
  readonly passive: boolean;
  readonly connectRetryMs: number;
  readonly connectRetryMaxMs: number;
  readonly idleHoldMs: number;
  readonly idleHoldMaxMs: number;
  /** RFC 4271 8.2.2: the hold timer while waiting for the peer's OPEN ("4 minutes is suggested"). */
  readonly largeHoldMs: number;
  /** RFC 9687 4; default max(8 minutes, 2 × hold time). */
  readonly sendHoldMs?: number;
  /** Our OPEN, including the hold time we offer. */
  readonly local: LocalSpeaker;
  readonly peer: PeerExpectations;
  /** Replaces checkPeerOpen(local, peer, open) when given. */
  readonly checkOpen?: (open: OpenMessage) => OpenCheck;
}

export interface Transition {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
  /** Why, in words, for the driver's one log line per transition. */
  readonly reason: string;
}
