// One BGP neighbor: drives the pure FSM (../fsm) with a socket and timers,
// frames and decodes what arrives, and keeps the peer's Adj-RIB-Out in step
// with the routes floatd wants it to have.
//
// Received chunks are queued as they arrive and framed and decoded in bounded
// slices (SlicedQueue), so our KEEPALIVEs and a WITHDRAW leave on time even
// while the peer sends a full table.

import type { Logger } from 'pino';
import { Afi, CeaseSubcode, ErrorCode, FsmSubcode, HeaderSubcode, MessageType, RouteRefreshSubtype, Safi } from '../codec/constants.js';
import { BgpDecodeError, ErrorAction, errorActionName } from '../codec/errors.js';
import { Framer } from '../codec/framer.js';
import { frame } from '../codec/header.js';
import { encodeMessage } from '../codec/message.js';
import { decodeNotification, describeNotification } from '../codec/notification.js';
import { decodeOpen, type OpenMessage } from '../codec/open.js';
import { decodeRouteRefresh } from '../codec/route-refresh.js';
import { encodeNotification } from '../codec/notification.js';
import { BASE_CONTEXT } from '../codec/types.js';
import { countUpdate } from '../codec/update.js';
import {
  collisionSurvivor,
  initialFsmState,
  notificationEvent,
  resolveCollision,
  step,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  type Negotiated,
  type OutgoingNotification,
} from '../fsm/index.js';
import { AdjRibIn, type ImportMode } from '../rib/adj-rib-in.js';
import { importUpdate } from '../rib/import-update.js';
import type { Route } from '../rib/route.js';
import type { Clock } from '../../util/clock.js';
import { peerStatus, type PeerStatus } from './peer-status.js';
import { RouteSender } from './route-sender.js';
import { SessionTimers } from './session-timers.js';
import { SlicedQueue } from './sliced-queue.js';
import type { SessionSocket } from './socket.js';

export interface PeerSessionOptions {
  /** The neighbor's address, for logs and status. */
  readonly address: string;
  readonly fsm: FsmConfig;
  readonly importMode: ImportMode;
  readonly clock: Clock;
  readonly log: Logger;
  /** Opens a TCP connection to the peer (MD5, TTL and source address already applied). */
  readonly connect: () => Promise<SessionSocket>;
  /** The routes this peer should have, given what the session negotiated and our address on it. */
  readonly routes: (session: { negotiated: Negotiated; localAddress: string }) => Route[];
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
}

export type ReceivedChange = 'update' | 'down';
export type { PeerStatus } from './peer-status.js';

const KEEPALIVE = frame(MessageType.Keepalive, new Uint8Array(0));
// Shared, so a full table's UPDATEs do not each allocate their event.
const UPDATE_MSG: FsmEvent = { kind: 'UpdateMsg' };
const KEEPALIVE_MSG: FsmEvent = { kind: 'KeepAliveMsg' };
const ROUTE_REFRESH_MSG: FsmEvent = { kind: 'RouteRefreshMsg' };
const CLOSE_GRACE_MS = 2000;
const COLLISION_RESOLUTION: OutgoingNotification = { code: ErrorCode.Cease, subcode: CeaseSubcode.ConnectionCollisionResolution };
const CONNECTION_REJECTED: OutgoingNotification = { code: ErrorCode.Cease, subcode: CeaseSubcode.ConnectionRejected };
// A parked connection's first message must be its OPEN (RFC 6608), and its bytes must frame (RFC 4271 6.1).
const UNEXPECTED_IN_OPEN_SENT: OutgoingNotification = { code: ErrorCode.Fsm, subcode: FsmSubcode.UnexpectedInOpenSent };
const NOT_SYNCHRONIZED: OutgoingNotification = { code: ErrorCode.MessageHeader, subcode: HeaderSubcode.ConnectionNotSynchronized };
// Received bytes waiting to be framed and decoded before the socket is paused: small, so a
// full table waits in the kernel and the peer rather than in our heap. Small enough, too, that
// a received chunk is used up before it outlives a young-generation GC: at 1 MiB chunks lived
// long enough to be promoted, and V8 then ran a full mark-compact (2-8 ms pause) every 50-100 ms
// while a table streamed in; at 256 KiB it ran one or two in a whole benchmark run, and the
// table arrives as fast.
const HIGH_WATER = 256 << 10;
const LOW_WATER = 64 << 10;
// A health check's result needs a turn of the event loop before the WITHDRAW can go, and
// each turn runs one slice: short slices keep that short. Turns are cheap; a full table is
// not received measurably slower.
const SLICE_MS = 0.5;
export class PeerSession {
  private state: FsmState = initialFsmState;
  private socket: SessionSocket | null = null;
  private direction: 'inbound' | 'outbound' | undefined;
  private queue: SlicedQueue<Buffer> | null = null;
  private framer = new Framer();
  /** The queued chunk the framer is taking apart, and when it began: after the chunk arrived, before its messages are handled. */
  private framing: Buffer | null = null;
  private framingSince = 0;
  /** While a received message is handled: the time it counts as received (saves a clock read per UPDATE). */
  private receivedAt: number | undefined;
  /** Bumped for every connection attempt and socket; late callbacks from older ones are ignored. */
  private generation = 0;
  private readonly timers: SessionTimers;
  private readonly tx: RouteSender;
  private ribIn: AdjRibIn | null = null;
  private negotiated: Negotiated | undefined;
  private establishedAt = 0;
  private establishedTransitions = 0;
  private lastError: string | undefined;
  private stopped = true;
  private parked: { socket: SessionSocket; framer: Framer } | null = null;
  /** The peer's new connection while the FSM decides a collision about it (refuse-incoming / adopt-incoming). */
  private incoming: SessionSocket | null = null;
  private readonly closeWaiters: (() => void)[] = [];
  private counters = { msgIn: 0, msgOut: 0, updIn: 0, received: 0, withdrawn: 0, looped: 0 };
  private readonly log: Logger;

  constructor(private readonly o: PeerSessionOptions) {
    this.timers = new SessionTimers({
      clock: o.clock,
      random: o.random ?? Math.random,
      expired: (e) => this.fire(e),
      inputQueued: () => this.queue !== null && this.queue.length > 0,
      unsent: () => this.socket?.writableLength ?? 0,
    });
    this.tx = new RouteSender({
      log: o.log,
      routes: o.routes,
      localAddress: () => this.socket?.localAddress ?? '',
      write: (m) => this.write(m),
    });
    this.log = o.log;
  }

  get stateName(): FsmState['name'] {
    return this.state.name;
  }

  start(): void {
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
    if (this.state.name === 'Established') this.tx.withdrawAll();
    const done = this.socket ? new Promise<void>((resolve) => this.closeWaiters.push(resolve)) : Promise.resolve();
    this.fire({ kind: 'ManualStop', message });
    this.dropParked(undefined);
    return done;
  }

  /** Cease / Administrative Reset (RFC 4486, with RFC 9003 text), then reconnect. */
  reset(message?: string): void {
    this.fire(message === undefined ? { kind: 'AdminReset' } : { kind: 'AdminReset', message });
  }

  /** The desired routes changed: send the difference (nothing at all if nothing changed). */
  refreshRoutes(): void {
    if (this.state.name !== 'Established' || !this.socket) return;
    this.tx.refresh();
  }

  /** An accepted TCP connection from this peer's address. */
  acceptIncoming(socket: SessionSocket): void {
    switch (this.state.name) {
      case 'Connect':
      case 'Active':
        this.generation++; // abandons a dial in progress
        this.adopt(socket, 'inbound');
        this.fire({ kind: 'TcpConnectionConfirmed' });
        return;
      case 'OpenSent':
        // RFC 4271 6.8: the peer's identifier is in the OPEN this connection will bring.
        if (this.parked) return this.refuse(socket, COLLISION_RESOLUTION, 'a second incoming connection while one waits');
        this.park(socket);
        return;
      case 'OpenConfirm':
        this.collide(socket, this.state.negotiated.peerRouterId, this.state.negotiated.peerAs, undefined);
        return;
      case 'Established':
        // RFC 4271 6.8: an Established session always wins.
        return this.refuse(socket, COLLISION_RESOLUTION, 'collision with the Established session');
      case 'Idle':
        return this.refuse(socket, CONNECTION_REJECTED, this.stopped ? 'neighbor is stopped' : 'neighbor is waiting before it restarts');
    }
  }

  status(): PeerStatus {
    const established = this.state.name === 'Established';
    return peerStatus({
      address: this.o.address,
      peerAs: this.o.fsm.peer.peerAs,
      state: this.state.name,
      direction: this.socket ? this.direction : undefined,
      negotiated: established ? this.negotiated : undefined,
      uptimeMs: this.o.clock.now() - this.establishedAt,
      messages: { in: this.counters.msgIn, out: this.counters.msgOut },
      updates: { in: this.counters.updIn, out: this.tx.updatesOut },
      prefixes: {
        received: this.ribIn ? this.ribIn.prefixCount : this.counters.received,
        withdrawnReceived: this.counters.withdrawn,
        looped: this.counters.looped,
        announced: established ? this.tx.announced : 0,
      },
      importMode: this.o.importMode,
      establishedTransitions: this.establishedTransitions,
      lastError: this.lastError,
    });
  }

  /** Stored received routes (import: all). */
  receivedRoutes(): ReturnType<AdjRibIn['entries']> | [] {
    return this.ribIn ? this.ribIn.entries() : [];
  }

  /** Announced routes (the Adj-RIB-Out). */
  announcedRoutes(): Route[] {
    return this.state.name === 'Established' ? this.tx.routes() : [];
  }

  // ---- FSM driving ----

  private fire(e: FsmEvent): void {
    const before = this.state.name;
    const t = step(this.state, e, this.o.fsm);
    this.state = t.state;
    // A collision may switch connections and stay in OpenSent: worth its line too.
    if (t.state.name !== before || e.kind === 'ConnectionCollision') this.log.info({ from: before, to: t.state.name, event: e.kind, reason: t.reason }, `${before} -> ${t.state.name}: ${t.reason}`);
    const actions = t.actions;
    for (let i = 0; i < actions.length; i++) this.perform(actions[i]!);
  }

  private perform(a: FsmAction): void {
    switch (a.kind) {
      case 'connect':
        return this.dial();
      case 'close':
        return this.closeSocket();
      case 'send-open':
        return this.write(encodeMessage(a.open, BASE_CONTEXT));
      case 'send-keepalive':
        return this.write(KEEPALIVE);
      case 'refuse-incoming': {
        const s = this.takeIncoming();
        if (s) this.refuse(s, a, 'connection collision resolution');
        return;
      }
      case 'adopt-incoming': {
        const s = this.takeIncoming();
        if (s) this.adopt(s, 'inbound');
        return;
      }
      case 'send-notification':
        this.lastError = `sent ${describeNotification(a)}`;
        this.log.warn({ code: a.code, subcode: a.subcode }, `NOTIFICATION sent: ${describeNotification(a)}`);
        return this.write(frame(MessageType.Notification, encodeNotification(a), this.negotiated?.tx.extendedMessage ?? false));
      case 'start-timer':
        return this.timers.start(a.timer, a.ms, this.receivedAt);
      case 'stop-timer':
        return this.timers.stop(a.timer);
      case 'established':
        return this.onEstablished(a.negotiated);
      case 'down':
        if (a.notificationReceived) this.lastError = `received ${describeNotification(a.notificationReceived)}`;
        this.log.warn({ wasEstablished: a.wasEstablished }, `session down: ${a.reason}`);
        this.tx.down();
        this.negotiated = undefined;
        // What the peer sent belonged to that session.
        this.counters = { ...this.counters, received: 0, withdrawn: 0, looped: 0 };
        if (this.ribIn) {
          this.ribIn = null;
          this.o.onReceivedChange?.('down');
        }
        return;
    }
  }

  // ---- sockets ----

  private dial(): void {
    const gen = ++this.generation;
    this.o.connect().then(
      (socket) => {
        if (gen !== this.generation || this.socket || (this.state.name !== 'Connect' && this.state.name !== 'Active')) {
          socket.destroy();
          return;
        }
        this.adopt(socket, 'outbound');
        this.fire({ kind: 'TcpCrAcked' });
      },
      (e: unknown) => {
        if (gen !== this.generation) return;
        this.log.info({ err: (e as Error).message }, `connect to ${this.o.address} failed: ${(e as Error).message}`);
        this.fire({ kind: 'TcpConnectionFails' });
      },
    );
  }

  private adopt(socket: SessionSocket, direction: 'inbound' | 'outbound'): void {
    const gen = ++this.generation;
    this.socket = socket;
    this.direction = direction;
    socket.setNoDelay?.(true);
    this.framer = new Framer();
    this.framing = null;
    const queue = new SlicedQueue<Buffer>({
      step: (chunk) => this.step(chunk),
      sizeOf: (chunk) => chunk.length,
      sliceMs: this.o.sliceMs ?? SLICE_MS,
      highWater: HIGH_WATER,
      lowWater: LOW_WATER,
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      now: () => this.o.clock.now(),
      ...(this.o.schedule ? { schedule: this.o.schedule } : {}),
      onError: (e) => this.log.error({ err: String(e) }, 'received-message processing failed'),
    });
    this.queue = queue;
    // Nothing but queueing here: framing a burst of chunks at once would hold the event loop.
    socket.on('data', (chunk) => {
      if (gen === this.generation) queue.push(chunk);
    });
    socket.on('drain', () => {
      if (gen === this.generation) this.timers.drained();
    });
    socket.on('error', (e) => {
      if (gen === this.generation) this.log.info({ err: e.message }, `socket error: ${e.message}`);
    });
    socket.on('close', () => {
      if (gen !== this.generation) return;
      this.detach();
      this.fire({ kind: 'TcpConnectionFails' });
    });
  }

  /** Frames and handles one message of a received chunk; true once the chunk is used up. */
  private step(chunk: Buffer): boolean {
    const f = this.framer;
    if (this.framing !== chunk) {
      f.add(chunk);
      this.framing = chunk;
      this.framingSince = this.o.clock.now();
    }
    let found: boolean;
    try {
      found = f.next();
    } catch (e) {
      // A bad header ends the stream (RFC 4271 6.1): nothing after it can be framed.
      this.framing = null;
      this.queue?.stop();
      this.socket?.pause();
      this.fire({ kind: 'BgpHeaderErr', error: e instanceof BgpDecodeError ? e : new BgpDecodeError(ErrorCode.MessageHeader, HeaderSubcode.ConnectionNotSynchronized, String(e)) });
      return true;
    }
    if (!found) {
      this.framing = null;
      return true;
    }
    this.counters.msgIn++;
    this.receivedAt = this.framingSince;
    try {
      this.process(f.buf, f.start, f.end);
    } finally {
      this.receivedAt = undefined;
    }
    return false;
  }

  /** Forgets the current socket without firing events. */
  private detach(): void {
    this.generation++;
    this.queue?.stop();
    this.queue = null;
    this.socket?.removeAllListeners();
    this.socket = null;
    this.timers.drained();
    for (const w of this.closeWaiters.splice(0)) w();
  }

  private closeSocket(): void {
    const s = this.socket;
    if (!s) {
      this.generation++; // abandon a dial in progress
      return;
    }
    // stop() resolves once the socket is closed, so the withdraw and the NOTIFICATION have left
    // (what comes next, e.g. removing a floating address, must not overtake them).
    const waiters = this.closeWaiters.splice(0);
    const done = (): void => {
      for (const w of waiters.splice(0)) w();
    };
    this.detach();
    s.on('error', () => undefined);
    // end() lets a NOTIFICATION written just before leave; destroy if the peer never reads it.
    s.end();
    const t = this.o.clock.setTimer(CLOSE_GRACE_MS, () => {
      s.destroy();
      done();
    });
    s.on('close', () => {
      this.o.clock.clearTimer(t);
      done();
    });
  }

  private write(b: Buffer): void {
    const s = this.socket;
    if (!s) return;
    this.counters.msgOut++;
    if (!s.write(b)) this.timers.writeBlocked();
  }

  private refuse(socket: SessionSocket, n: OutgoingNotification, why: string): void {
    this.log.info(`refusing a connection from ${this.o.address}: ${why}`);
    socket.on('error', () => undefined);
    socket.write(frame(MessageType.Notification, encodeNotification(n)));
    socket.end();
    const t = this.o.clock.setTimer(CLOSE_GRACE_MS, () => socket.destroy());
    socket.on('close', () => this.o.clock.clearTimer(t));
  }

  // ---- connection collisions (RFC 4271 6.8) ----

  private park(socket: SessionSocket): void {
    const framer = new Framer();
    this.parked = { socket, framer };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.parked?.socket === socket) this.parked = null;
    });
    socket.on('data', (chunk) => {
      if (this.parked?.socket !== socket) return;
      try {
        framer.push(chunk, (m) => {
          if (this.parked?.socket !== socket) return;
          socket.pause();
          socket.removeAllListeners('data');
          if (m[18] !== MessageType.Open) return this.dropParked(UNEXPECTED_IN_OPEN_SENT);
          let open: OpenMessage;
          try {
            open = decodeOpen(m, 19, m.length);
          } catch (e) {
            const err = e as BgpDecodeError;
            return this.dropParked({ code: err.errorCode, subcode: err.errorSubcode, data: err.data });
          }
          this.parked = null;
          socket.removeAllListeners();
          this.collide(socket, open.bgpId, this.o.fsm.peer.peerAs, m);
        });
      } catch {
        this.dropParked(NOT_SYNCHRONIZED);
      }
    });
  }

  private dropParked(n: OutgoingNotification | undefined): void {
    const p = this.parked;
    this.parked = null;
    if (!p) return;
    p.socket.removeAllListeners();
    if (n) this.refuse(p.socket, n, 'collision resolution');
    else p.socket.destroy();
  }

  /**
   * Two connections to one peer: the higher BGP identifier's survives (resolveCollision), and the
   * FSM carries that out. `open` is the newcomer's OPEN, if read; it is handled once the newcomer is ours.
   */
  private collide(incoming: SessionSocket, peerRouterId: string, peerAs: number, open: Buffer | undefined): void {
    const winner = resolveCollision(this.o.fsm.local.routerId, peerRouterId, this.o.fsm.local.localAs, peerAs);
    this.incoming = incoming;
    this.fire({ kind: 'ConnectionCollision', keep: collisionSurvivor(winner, this.direction ?? 'inbound'), peerRouterId });
    this.incoming = null;
    if (open && this.socket === incoming) this.queue?.push(open);
  }

  private takeIncoming(): SessionSocket | null {
    const s = this.incoming;
    this.incoming = null;
    return s;
  }

  // ---- received messages ----

  /** One whole message: bytes [start, end) of buf, header included. */
  private process(buf: Buffer, start: number, end: number): void {
    const body = start + 19;
    switch (buf[start + 18]) {
      case MessageType.Open: {
        let open: OpenMessage;
        try {
          open = decodeOpen(buf, body, end);
        } catch (e) {
          return this.fire({ kind: 'BgpOpenMsgErr', error: e as BgpDecodeError });
        }
        this.log.info({ peerAs: open.myAs, holdTime: open.holdTime, bgpId: open.bgpId }, 'OPEN received');
        return this.fire({ kind: 'BgpOpen', open });
      }
      case MessageType.Update:
        if (this.state.name === 'Established') {
          try {
            this.receiveUpdate(buf, body, end);
          } catch (e) {
            return this.fire({ kind: 'UpdateMsgErr', error: e as BgpDecodeError });
          }
        }
        return this.fire(UPDATE_MSG);
      case MessageType.Notification: {
        const n = decodeNotification(buf, body, end);
        this.log.warn({ code: n.code, subcode: n.subcode }, `NOTIFICATION received: ${describeNotification(n)}`);
        return this.fire(notificationEvent(n));
      }
      case MessageType.Keepalive:
        return this.fire(KEEPALIVE_MSG);
      default: {
        let rr;
        try {
          rr = decodeRouteRefresh(buf, body, end);
        } catch (e) {
          return this.fire({ kind: 'UpdateMsgErr', error: e as BgpDecodeError });
        }
        // RFC 2918 4: answer a refresh of a negotiated family with everything we announce; ignore the rest.
        if (this.state.name === 'Established' && rr.subtype === RouteRefreshSubtype.Normal && this.negotiated) {
          const family = rr.afi === Afi.Ipv4 ? 'ipv4' : rr.afi === Afi.Ipv6 ? 'ipv6' : undefined;
          if (family && rr.safi === Safi.Unicast && this.negotiated.families.includes(family)) this.tx.resendFamily(rr.afi as Afi);
        }
        return this.fire(ROUTE_REFRESH_MSG);
      }
    }
  }

  private receiveUpdate(buf: Buffer, start: number, end: number): void {
    const n = this.negotiated!;
    this.counters.updIn++;
    if (!this.ribIn) {
      const c = countUpdate(buf, start, end, n.rx);
      this.counters.received += c.announced;
      this.counters.withdrawn += c.withdrawn;
      return;
    }
    const r = importUpdate(this.ribIn, buf, start, end, n.rx, this.o.fsm.local.localAs);
    if (r.action !== undefined) {
      // AFI/SAFI disable: floatd resets the session instead, as RFC 7606 3 allows.
      const worst = r.errors.find((e) => e.action === r.action)!;
      if (r.action >= ErrorAction.AfiSafiDisable) throw worst.withAction(ErrorAction.SessionReset);
      this.log.warn({ action: errorActionName(r.action), errors: r.errors.map((e) => e.message) }, `malformed UPDATE handled by ${errorActionName(r.action)} (RFC 7606)`);
    }
    this.counters.received += r.announced;
    this.counters.withdrawn += r.withdrawn;
    this.counters.looped += r.looped;
    if (r.announced + r.withdrawn + r.looped > 0) this.o.onReceivedChange?.('update');
  }

  private onEstablished(n: Negotiated): void {
    this.negotiated = n;
    this.framer.extendedMessage = n.rx.extendedMessage;
    this.establishedAt = this.o.clock.now();
    this.establishedTransitions++;
    this.lastError = undefined;
    this.counters = { ...this.counters, updIn: 0, received: 0, withdrawn: 0, looped: 0 };
    this.ribIn = this.o.importMode === 'all' ? new AdjRibIn() : null;
    this.log.info({ holdTime: n.holdTime, families: n.families, peerRouterId: n.peerRouterId }, `session established with AS ${n.peerAs}`);
    this.tx.established(n);
  }
}
