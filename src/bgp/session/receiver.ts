// The receive side of a session. The socket's 'data' handler only queues
// chunks; framing, decoding and handling run in bounded slices (SlicedQueue),
// so our KEEPALIVEs and a WITHDRAW leave on time even while the peer sends a
// full table. Each message becomes its FSM event; an UPDATE's routes go into
// the Adj-RIB-In (import: all) or are only counted (import: none).

import type { Logger } from 'pino';
import { Afi, ErrorCode, HeaderSubcode, MessageType, RouteRefreshSubtype, Safi } from '../codec/constants.js';
import { BgpDecodeError, ErrorAction, errorActionName } from '../codec/errors.js';
import { Framer } from '../codec/framer.js';
import { decodeNotification, describeNotification } from '../codec/notification.js';
import { decodeOpen, type OpenMessage } from '../codec/open.js';
import { decodeRouteRefresh } from '../codec/route-refresh.js';
import { familyText } from '../codec/attributes/mp-nlri.js';
import { countUpdate } from '../codec/update.js';
import { notificationEvent, type FsmEvent, type Negotiated } from '../fsm/index.js';
import { AdjRibIn, type ImportMode } from '../rib/adj-rib-in.js';
import { importUpdate } from '../rib/import-update.js';
import { describeHit, LimitWarnings, type LimitHit, type ReceiveLimits } from '../rib/receive-limits.js';
import type { Clock } from '../../util/clock.js';
import { PEER_LOG_LIMIT, RateLimit, suppressedNote } from '../../util/rate-limit.js';
import { SlicedQueue } from './sliced-queue.js';
import type { SessionSocket } from './socket.js';

export type ReceivedChange = 'update' | 'down';

export interface ReceiverOptions {
  readonly clock: Clock;
  readonly log: Logger;
  readonly importMode: ImportMode;
  /** Our AS: a received AS_PATH holding it is a loop (RFC 4271 9.1.2). */
  readonly localAs: number;
  /** Next slice of received-message work; setImmediate by default. */
  readonly schedule?: (fn: () => void) => void;
  /** Longest slice of received-message work before yielding, ms (default 0.5). */
  readonly sliceMs?: number;
  /** See PeerSessionOptions.onReceivedChange. */
  readonly onReceivedChange?: (change: ReceivedChange) => void;
  /** Feeds one event to the FSM. */
  readonly fire: (e: FsmEvent) => void;
  /** Whether the FSM is Established: UPDATEs and ROUTE-REFRESHes are taken only then. */
  readonly established: () => boolean;
  /** Bounds on what import: all stores (none: unbounded). */
  readonly limits?: ReceiveLimits;
  /** `warn`: a bound refuses what goes past it, logged once per crossing; `teardown` (default): `exceeded` is told. */
  readonly limitAction?: 'teardown' | 'warn';
  /** A bound was hit in teardown mode; the session is to close. */
  readonly exceeded?: (hit: LimitHit) => void;
  /** Answers a ROUTE-REFRESH for a negotiated family; returns how many prefixes were sent again. */
  readonly resendFamily: (afi: Afi) => number;
}

// Shared, so a full table's UPDATEs do not each allocate their event.
const UPDATE_MSG: FsmEvent = { kind: 'UpdateMsg' };
const KEEPALIVE_MSG: FsmEvent = { kind: 'KeepAliveMsg' };
const ROUTE_REFRESH_MSG: FsmEvent = { kind: 'RouteRefreshMsg' };
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

export class Receiver {
  private socket: SessionSocket | null = null;
  private queue: SlicedQueue<Buffer> | null = null;
  private framer = new Framer();
  /** The queued chunk the framer is taking apart, and when it began: after the chunk arrived, before its messages are handled. */
  private framing: Buffer | null = null;
  private framingSince = 0;
  private at: number | undefined;
  private negotiated: Negotiated | undefined;
  private ribIn: AdjRibIn | null = null;
  private msgIn = 0;
  private updIn = 0;
  private receivedCount = 0;
  private withdrawnCount = 0;
  private loopedCount = 0;
  private refreshIn = 0;
  // A peer may send ROUTE-REFRESH as often as it likes: one log line each would let it fill the disk.
  private readonly refreshLog = new RateLimit(PEER_LOG_LIMIT);
  private readonly updateLog = new RateLimit(PEER_LOG_LIMIT);
  private readonly warnings = new LimitWarnings();
  private limitHits = 0;

  constructor(private readonly o: ReceiverOptions) {}

  /** While a received message is handled: the time it counts as received (saves a clock read per UPDATE). */
  get receivedAt(): number | undefined {
    return this.at;
  }

  /** Received bytes wait in the queue. */
  get queued(): boolean {
    return this.queue !== null && this.queue.length > 0;
  }

  get messagesIn(): number {
    return this.msgIn;
  }

  get updatesIn(): number {
    return this.updIn;
  }

  /** import all: prefixes held now; import none: announcements counted since the session came up. */
  get received(): number {
    return this.ribIn ? this.ribIn.prefixCount : this.receivedCount;
  }

  /** ROUTE-REFRESH messages received since the session came up (every subtype and family). */
  get routeRefreshes(): number {
    return this.refreshIn;
  }

  get withdrawn(): number {
    return this.withdrawnCount;
  }

  /** Times a receive limit was hit (each teardown, each crossing in warn mode), over the receiver's life. */
  get limitEvents(): number {
    return this.limitHits;
  }

  get looped(): number {
    return this.loopedCount;
  }

  /** Stored received routes (import: all). */
  routes(): ReturnType<AdjRibIn['entries']> | [] {
    return this.ribIn ? this.ribIn.entries() : [];
  }

  /** A new connection: its bytes start a new stream. */
  attach(socket: SessionSocket): void {
    this.socket = socket;
    this.framer = new Framer();
    this.framing = null;
    this.queue = new SlicedQueue<Buffer>({
      step: (chunk) => this.step(chunk),
      sizeOf: (chunk) => chunk.length,
      sliceMs: this.o.sliceMs ?? SLICE_MS,
      highWater: HIGH_WATER,
      lowWater: LOW_WATER,
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      now: () => this.o.clock.now(),
      ...(this.o.schedule ? { schedule: this.o.schedule } : {}),
      onError: (e) => this.o.log.error({ err: String(e) }, 'received-message processing failed'),
    });
  }

  /** Queues a received chunk; nothing but queueing here: framing a burst of chunks at once would hold the event loop. */
  push(chunk: Buffer): void {
    this.queue?.push(chunk);
  }

  /** The connection is gone: what is queued is dropped. */
  detach(): void {
    this.queue?.stop();
    this.queue = null;
    this.socket = null;
  }

  established(n: Negotiated): void {
    // RFC 4760 7 / 8: MP attributes of a family not negotiated are ignored by the codec, on both receive paths.
    n = { ...n, rx: { ...n.rx, unicastAfis: n.families.map((f) => (f === 'ipv4' ? Afi.Ipv4 : Afi.Ipv6)) } };
    this.negotiated = n;
    this.framer.extendedMessage = n.rx.extendedMessage;
    this.updIn = 0;
    this.refreshIn = 0;
    this.receivedCount = 0;
    this.withdrawnCount = 0;
    this.loopedCount = 0;
    this.ribIn = this.o.importMode === 'all' ? new AdjRibIn(this.o.limits) : null;
    this.warnings.clear();
  }

  /** What the peer sent belonged to the session that ended. */
  down(): void {
    // The last word on lines left out while the session was up.
    const k = this.refreshLog.flush();
    if (k > 0) this.o.log.info(`${k} ROUTE-REFRESH log line(s) suppressed`);
    const u = this.updateLog.flush();
    if (u > 0) this.o.log.info(`${u} UPDATE log line(s) suppressed`);
    this.negotiated = undefined;
    this.receivedCount = 0;
    this.withdrawnCount = 0;
    this.loopedCount = 0;
    if (this.ribIn) {
      this.ribIn = null;
      this.o.onReceivedChange?.('down');
    }
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
      this.o.fire({ kind: 'BgpHeaderErr', error: e instanceof BgpDecodeError ? e : new BgpDecodeError(ErrorCode.MessageHeader, HeaderSubcode.ConnectionNotSynchronized, String(e)) });
      return true;
    }
    if (!found) {
      this.framing = null;
      return true;
    }
    this.msgIn++;
    this.at = this.framingSince;
    try {
      this.process(f.buf, f.start, f.end);
    } finally {
      this.at = undefined;
    }
    return false;
  }

  /** One whole message: bytes [start, end) of buf, header included. */
  private process(buf: Buffer, start: number, end: number): void {
    const fire = this.o.fire;
    const body = start + 19;
    switch (buf[start + 18]) {
      case MessageType.Open: {
        let open: OpenMessage;
        try {
          open = decodeOpen(buf, body, end);
        } catch (e) {
          return fire({ kind: 'BgpOpenMsgErr', error: e as BgpDecodeError });
        }
        this.o.log.info({ peerAs: open.myAs, holdTime: open.holdTime, bgpId: open.bgpId }, 'OPEN received');
        return fire({ kind: 'BgpOpen', open });
      }
      case MessageType.Update:
        if (this.o.established()) {
          try {
            this.receiveUpdate(buf, body, end);
          } catch (e) {
            return fire({ kind: 'UpdateMsgErr', error: e as BgpDecodeError });
          }
        }
        return fire(UPDATE_MSG);
      case MessageType.Notification: {
        const n = decodeNotification(buf, body, end);
        this.o.log.warn({ code: n.code, subcode: n.subcode }, `NOTIFICATION received: ${describeNotification(n)}`);
        return fire(notificationEvent(n));
      }
      case MessageType.Keepalive:
        return fire(KEEPALIVE_MSG);
      default: {
        let rr;
        try {
          rr = decodeRouteRefresh(buf, body, end);
        } catch (e) {
          return fire({ kind: 'UpdateMsgErr', error: e as BgpDecodeError });
        }
        // RFC 2918 4: answer a refresh of a negotiated family with everything we announce; ignore the rest.
        if (this.o.established() && this.negotiated) {
          this.refreshIn++;
          const family = rr.afi === Afi.Ipv4 ? 'ipv4' : rr.afi === Afi.Ipv6 ? 'ipv6' : undefined;
          const answer = rr.subtype === RouteRefreshSubtype.Normal && family !== undefined && rr.safi === Safi.Unicast && this.negotiated.families.includes(family);
          const sent = answer ? this.o.resendFamily(rr.afi as Afi) : -1;
          const k = this.refreshLog.take(this.o.clock.now());
          if (k >= 0) {
            const what = `ROUTE-REFRESH for AFI ${rr.afi} SAFI ${rr.safi} (subtype ${rr.subtype}) received`;
            this.o.log.info({ refreshes: this.refreshIn }, `${what}${sent >= 0 ? `, answered with ${sent} prefix(es)` : ', not answered'}${suppressedNote(k)}`);
          }
        }
        return fire(ROUTE_REFRESH_MSG);
      }
    }
  }

  private receiveUpdate(buf: Buffer, start: number, end: number): void {
    const n = this.negotiated!;
    this.updIn++;
    if (!this.ribIn) {
      const c = countUpdate(buf, start, end, n.rx);
      this.receivedCount += c.announced;
      this.withdrawnCount += c.withdrawn;
      if (c.ignored !== undefined) this.ignoredFamily(c.ignored);
      return;
    }
    const r = importUpdate(this.ribIn, buf, start, end, n.rx, this.o.localAs);
    if (r.ignored !== undefined) this.ignoredFamily(r.ignored);
    if (r.action !== undefined) {
      // AFI/SAFI disable (a family the session negotiated, so not one the codec ignores): floatd resets the session instead, as RFC 7606 3 allows.
      const worst = r.errors.find((e) => e.action === r.action)!;
      if (r.action >= ErrorAction.AfiSafiDisable) throw worst.withAction(ErrorAction.SessionReset);
      const k = this.updateLog.take(this.o.clock.now());
      if (k >= 0) this.o.log.warn({ action: errorActionName(r.action), errors: r.errors.map((e) => e.message) }, `malformed UPDATE handled by ${errorActionName(r.action)} (RFC 7606)${suppressedNote(k)}`);
    }
    this.receivedCount += r.announced;
    this.withdrawnCount += r.withdrawn;
    this.loopedCount += r.looped;
    if (r.announced + r.withdrawn + r.looped > 0) this.o.onReceivedChange?.('update');
    const hit = this.ribIn.takeHit();
    if (hit) this.limitHit(hit);
    // Nothing to re-arm on most UPDATEs: no closure made for them on the receive path.
    else if (this.o.limits && this.warnings.waiting) this.warnings.rearm(this.o.limits, (k) => this.ribIn?.count(k) ?? 0);
  }

  /** RFC 4486 4: past a bound, teardown (the session's to do) or, in warn mode, one line per crossing. */
  private limitHit(hit: LimitHit): void {
    if (this.o.limitAction === 'warn') {
      if (!this.warnings.hit(hit)) return;
      this.limitHits++;
      this.o.log.warn({ limit: hit.kind, value: hit.limit }, `${describeHit(hit)}: routes past it are not stored (max-prefix action warn)`);
      return;
    }
    this.limitHits++;
    this.o.exceeded?.(hit);
  }

  /**
   * RFC 4760 7: a family the session did not negotiate is ignored, as BIRD and
   * FRR do: another speaker's End-of-RIB for flowspec, say, is no reason to reset.
   */
  private ignoredFamily(f: number): void {
    const k = this.updateLog.take(this.o.clock.now());
    if (k >= 0) this.o.log.info({ afi: f >>> 8, safi: f & 0xff }, `ignored an UPDATE's MP attribute for ${familyText(f)}, a family not negotiated (RFC 4760 7)${suppressedNote(k)}`);
  }
}
