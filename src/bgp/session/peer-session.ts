// One BGP neighbor: drives the pure FSM (../fsm) and wires it to a socket,
// its timers (session-timers), the receive side (receiver), the routes we
// send (route-sender) and the peer's second connections (RFC 4271 6.8).

import type { Logger } from 'pino';
import { MessageType } from '../codec/constants.js';
import { frame } from '../codec/header.js';
import { encodeMessage } from '../codec/message.js';
import { describeNotification, encodeNotification } from '../codec/notification.js';
import { BASE_CONTEXT } from '../codec/types.js';
import {
  climbHoldLadder,
  holdLadder,
  initialFsmState,
  proposedHoldTime,
  receiveContext,
  step,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  type HoldLadder,
  type Negotiated,
} from '../fsm/index.js';
import type { ImportMode } from '../rib/adj-rib-in.js';
import type { Announcement } from '../rib/announcement.js';
import { describeHit, limitNotification, type LimitHit, type ReceiveLimitPolicy } from '../rib/receive-limits.js';
import type { Route } from '../rib/route.js';
import type { RouteTarget } from '../rib/routes-for.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { Connection } from './connection.js';
import { IncomingConnections } from './incoming-connections.js';
import { peerStatus, type PeerStatus } from './peer-status.js';
import { Receiver, type ReceivedChange } from './receiver.js';
import { RouteSender } from './route-sender.js';
import { SessionTimers } from './session-timers.js';
import type { SessionSocket } from './socket.js';

export interface PeerSessionOptions {
  /** The neighbor's address, for logs and status. */
  readonly address: string;
  readonly fsm: FsmConfig;
  /**
   * Hold times to propose, shortest first; the next one after the peer
   * refuses one (see hold-ladder). Default: fsm.local.holdTime alone.
   */
  readonly holdTimes?: readonly number[];
  readonly importMode: ImportMode;
  readonly clock: Clock;
  readonly log: Logger;
  /** Opens a TCP connection to the peer (MD5, TTL and source address already applied). */
  readonly connect: () => Promise<SessionSocket>;
  /** The neighbor as announcements name it, and its next-hop default (our address on the session for "self"). */
  readonly target: RouteTarget;
  /** [0, 1); RFC 4271 10 jitter. Math.random by default. */
  readonly random?: () => number;
  /** Next slice of received-message work; setImmediate by default. */
  readonly schedule?: (fn: () => void) => void;
  /** Longest slice of received-message work before yielding, ms (default 0.5). */
  readonly sliceMs?: number;
  /**
   * Told, synchronously, when the stored received routes (import: all) changed:
   * after an UPDATE that announced or withdrew something, and when an
   * Established session ends and its routes are dropped. Must not throw.
   */
  readonly onReceivedChange?: (change: ReceivedChange) => void;
  /** Bounds on what import: all stores, and what happens at one (max-prefix). None: unbounded. */
  readonly receiveLimits?: ReceiveLimitPolicy;
}

export type { ReceivedChange } from './receiver.js';
export type { PeerStatus } from './peer-status.js';

const KEEPALIVE = frame(MessageType.Keepalive, new Uint8Array(0));

export class PeerSession {
  private state: FsmState = initialFsmState;
  private ladder: HoldLadder;
  /** o.fsm, or what a reload set since (setFsmConfig). */
  private base: FsmConfig;
  /** base with the ladder's hold time in our OPEN. */
  private fsm: FsmConfig;
  private readonly timers: SessionTimers;
  private readonly conn: Connection;
  private readonly rx: Receiver;
  private readonly tx: RouteSender;
  private negotiated: Negotiated | undefined;
  private establishedAt = 0;
  private establishedTransitions = 0;
  private lastError: string | undefined;
  private stopped = true;
  private readonly incoming: IncomingConnections;
  private readonly log: Logger;
  /** After a receive-limit teardown: why, and when the session starts again. */
  private held: { reason: string; until: number; timer: TimerHandle } | undefined;

  constructor(private readonly o: PeerSessionOptions) {
    this.base = o.fsm;
    this.ladder = holdLadder(o.holdTimes ?? [o.fsm.local.holdTime]);
    this.fsm = this.withHoldTime(proposedHoldTime(this.ladder));
    const fire = (e: FsmEvent): void => this.fire(e);
    this.timers = new SessionTimers({
      clock: o.clock,
      random: o.random ?? Math.random,
      expired: fire,
      inputQueued: () => this.rx.queued,
      unsent: () => this.conn.socket?.writableLength ?? 0,
    });
    this.rx = new Receiver({
      clock: o.clock,
      log: o.log,
      importMode: o.importMode,
      localAs: o.fsm.local.localAs,
      ...(o.schedule ? { schedule: o.schedule } : {}),
      ...(o.sliceMs !== undefined ? { sliceMs: o.sliceMs } : {}),
      ...(o.onReceivedChange ? { onReceivedChange: o.onReceivedChange } : {}),
      fire,
      established: () => this.state.name === 'Established',
      resendFamily: (afi) => this.tx.resendFamily(afi),
      ...(o.receiveLimits ? { limits: o.receiveLimits.limits, limitAction: o.receiveLimits.action } : {}),
      exceeded: (hit) => this.limitExceeded(hit),
    });
    this.conn = new Connection({
      address: o.address,
      clock: o.clock,
      log: o.log,
      connect: o.connect,
      fire,
      waiting: () => this.state.name === 'Connect' || this.state.name === 'Active',
      rx: this.rx,
      timers: this.timers,
    });
    this.incoming = new IncomingConnections({
      address: o.address,
      fsm: o.fsm,
      clock: o.clock,
      log: o.log,
      fire,
      take: (socket) => {
        this.conn.abandonDial();
        this.conn.adopt(socket, 'inbound');
        this.fire({ kind: 'TcpConnectionConfirmed' });
      },
      direction: () => this.conn.direction,
      current: () => this.conn.socket,
      received: (chunk) => this.rx.push(chunk),
    });
    this.tx = new RouteSender({
      log: o.log,
      target: o.target,
      localAddress: () => this.conn.socket?.localAddress ?? '',
      write: (m) => this.conn.write(m),
    });
    this.log = o.log;
  }

  get stateName(): FsmState['name'] {
    return this.state.name;
  }

  start(): void {
    this.release();
    this.stopped = false;
    this.fire({ kind: 'ManualStart' });
  }

  /**
   * Clean stop: withdraw everything we announced, then NOTIFICATION Cease /
   * Administrative Shutdown with `message` (RFC 9003), then close. Resolves
   * once the connection is gone (bounded by a short grace period).
   */
  stop(message = 'floatd stopping'): Promise<void> {
    this.stopped = true;
    this.release();
    if (this.state.name === 'Established') this.tx.withdrawAll();
    const done = this.conn.closed();
    this.fire({ kind: 'ManualStop', message });
    this.incoming.dropParked(undefined);
    return done;
  }

  /** Cease / Administrative Reset (RFC 4486, with RFC 9003 text), then reconnect. */
  reset(message?: string): void {
    // The operator's reset ends a receive-limit hold at once, as `clear bgp` does elsewhere.
    this.release();
    this.fire(message === undefined ? { kind: 'AdminReset' } : { kind: 'AdminReset', message });
  }

  /**
   * The desired set (the speaker's value, shared by every session, never
   * written to): an Established session sends the difference at once,
   * synchronously; nothing at all if nothing changed for this peer.
   */
  setDesired(desired: readonly Announcement[]): void {
    this.tx.setDesired(desired);
    if (this.state.name !== 'Established' || !this.conn.socket) return;
    this.tx.refresh();
  }

  /** A reload changed the neighbor's next-hop default; applies from the next setDesired. */
  setTarget(target: RouteTarget): void {
    this.tx.setTarget(target);
  }

  /** A reload changed what our next OPEN says (families no session negotiated); the session as it is stays. */
  setFsmConfig(fsm: FsmConfig): void {
    this.base = fsm;
    this.fsm = this.withHoldTime(proposedHoldTime(this.ladder));
  }

  /** An accepted TCP connection from this peer's address. */
  acceptIncoming(socket: SessionSocket): void {
    this.incoming.accept(socket, this.state, this.stopped);
  }

  status(): PeerStatus {
    const established = this.state.name === 'Established';
    return peerStatus({
      address: this.o.address,
      peerAs: this.o.fsm.peer.peerAs,
      state: this.state.name,
      ladder: this.ladder,
      direction: this.conn.socket ? this.conn.direction : undefined,
      negotiated: established ? this.negotiated : undefined,
      uptimeMs: this.o.clock.now() - this.establishedAt,
      messages: { in: this.rx.messagesIn, out: this.conn.messagesOut },
      updates: { in: this.rx.updatesIn, out: this.tx.updatesOut },
      routeRefreshesIn: this.rx.routeRefreshes,
      prefixes: {
        received: this.rx.received,
        withdrawnReceived: this.rx.withdrawn,
        looped: this.rx.looped,
        announced: established ? this.tx.announced : 0,
      },
      importMode: this.o.importMode,
      establishedTransitions: this.establishedTransitions,
      lastError: this.lastError,
      receiveLimitEvents: this.rx.limitEvents,
      held: this.held ? { reason: this.held.reason, restartInSeconds: Math.max(0, Math.ceil((this.held.until - this.o.clock.now()) / 1000)) } : undefined,
    });
  }

  /** Stored received routes (import: all). */
  receivedRoutes(): ReturnType<Receiver['routes']> {
    return this.rx.routes();
  }

  /** Announced routes (the Adj-RIB-Out). */
  announcedRoutes(): Route[] {
    return this.state.name === 'Established' ? this.tx.routes() : [];
  }

  /**
   * RFC 4486 4: Cease with the bound's NOTIFICATION, close, and stay Idle for
   * the restart time before connecting again (a peer that still sends too much
   * is not let back in at once).
   */
  private limitExceeded(hit: LimitHit): void {
    const ms = this.o.receiveLimits?.restartMs ?? 0;
    const reason = describeHit(hit);
    this.fire({ kind: 'ReceiveLimitExceeded', notification: limitNotification(hit), why: `${reason}; restarting in ${ms / 1000} s` });
    if (this.stopped) return;
    this.release();
    const timer = this.o.clock.setTimer(ms, () => {
      this.held = undefined;
      if (!this.stopped) this.fire({ kind: 'ManualStart' });
    });
    this.held = { reason, until: this.o.clock.now() + ms, timer };
  }

  /** Ends a receive-limit hold, if one runs. */
  private release(): void {
    if (this.held) this.o.clock.clearTimer(this.held.timer);
    this.held = undefined;
  }

  // ---- FSM driving ----

  private fire(e: FsmEvent): void {
    const before = this.state.name;
    const stepped = step(this.state, e, this.fsm);
    // The peer refusing our hold time changes the next OPEN and the wait before it.
    const climbed = climbHoldLadder(this.ladder, stepped, this.fsm.idleHoldMs);
    const t = climbed?.transition ?? stepped;
    this.state = t.state;
    if (climbed !== undefined) this.setLadder(climbed.ladder, climbed.note);
    // A collision may switch connections and stay in OpenSent: worth its line too.
    if (t.state.name !== before || e.kind === 'ConnectionCollision') this.log.info({ from: before, to: t.state.name, event: e.kind, reason: t.reason }, `${before} -> ${t.state.name}: ${t.reason}`);
    const actions = t.actions;
    for (let i = 0; i < actions.length; i++) this.perform(actions[i]!);
  }

  private perform(a: FsmAction): void {
    switch (a.kind) {
      case 'connect':
        return this.conn.dial();
      case 'close':
        return this.conn.close();
      case 'send-open':
        return this.conn.write(encodeMessage(a.open, BASE_CONTEXT));
      case 'send-keepalive':
        return this.conn.write(KEEPALIVE);
      case 'refuse-incoming': {
        const s = this.incoming.take();
        if (s) this.incoming.refuse(s, a, 'connection collision resolution');
        return;
      }
      case 'adopt-incoming': {
        const s = this.incoming.take();
        if (s) this.conn.adopt(s, 'inbound');
        return;
      }
      case 'send-notification':
        this.lastError = `sent ${describeNotification(a)}`;
        this.log.warn({ code: a.code, subcode: a.subcode }, `NOTIFICATION sent: ${describeNotification(a)}`);
        return this.conn.write(frame(MessageType.Notification, encodeNotification(a), this.negotiated?.tx.extendedMessage ?? false));
      case 'start-timer':
        return this.timers.start(a.timer, a.ms, this.rx.receivedAt);
      case 'stop-timer':
        return this.timers.stop(a.timer);
      case 'established':
        return this.onEstablished(a.negotiated);
      case 'down':
        if (a.notificationReceived) this.lastError = `received ${describeNotification(a.notificationReceived)}`;
        this.log.warn({ wasEstablished: a.wasEstablished }, `session down: ${a.reason}`);
        this.tx.down();
        this.negotiated = undefined;
        this.rx.down();
        return;
    }
  }

  private withHoldTime(holdTime: number): FsmConfig {
    return holdTime === this.base.local.holdTime ? this.base : { ...this.base, local: { ...this.base.local, holdTime } };
  }

  private setLadder(l: HoldLadder, note: string | undefined): void {
    this.ladder = l;
    this.fsm = this.withHoldTime(proposedHoldTime(l));
    if (note !== undefined) this.log.warn({ holdTimeProposed: proposedHoldTime(l), candidates: l.candidates }, note);
  }

  private onEstablished(n: Negotiated): void {
    this.negotiated = n;
    this.rx.established({ ...n, rx: receiveContext(n.rx, this.o.address) });
    this.establishedAt = this.o.clock.now();
    this.establishedTransitions++;
    this.lastError = undefined;
    this.log.info({ holdTime: n.holdTime, families: n.families, peerRouterId: n.peerRouterId }, `session established with AS ${n.peerAs}`);
    this.tx.established(n);
  }
}
