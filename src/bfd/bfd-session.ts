// One BFD session: the thin shell between the pure state machine and the
// native thread. The thread sends and keeps the detection deadline; this
// class turns what it reports into events, runs the machine, and hands the
// thread the new packet template and timers.
//
// Events: 'up'; 'down' (BfdDown), once per Up -> not Up, which is the signal
// RFC 5882 4.3 asks a client protocol (BGP) to act on at once; 'state' for logs.

import { EventEmitter } from 'node:events';
import { AUTH_TYPE_CODES } from './auth-section.js';
import { checkAuthConfig, verifyAuth, type AuthConfig } from './auth.js';
import type { BfdNative, NativeEvent } from './native.js';
import { decodeControl, diagText, encodeControl, type BfdStateName } from './packet.js';
import { initialSession, packetOf, remoteDetectionTimeUs, stepSession, type SessionAction, type SessionEvent, type SessionState } from './session-state.js';
import { msToUs, type BfdTimers } from './timing.js';

export interface BfdTimersMs {
  /** Desired min TX interval (ms). */
  readonly minTxMs: number;
  /** Required min RX interval (ms). */
  readonly minRxMs: number;
  readonly multiplier: number;
}

/** 100 ms x 3: a silent peer is declared down within 300 ms. */
export const DEFAULT_BFD_TIMERS: BfdTimersMs = { minTxMs: 100, minRxMs: 100, multiplier: 3 };

export interface BfdSessionOptions {
  readonly peer: string;
  readonly local?: string | undefined;
  /** RFC 5883: UDP 4784, TTL checked against minTtl instead of 255. */
  readonly multihop?: boolean | undefined;
  /** Lowest TTL accepted on a multihop session; default 1, no check (BIRD sends multihop packets with TTL 64; RFC 5883 5 leaves the check to configuration). */
  readonly minTtl?: number | undefined;
  readonly timers?: BfdTimersMs | undefined;
  readonly auth?: AuthConfig | undefined;
  readonly localDiscr: number;
}

export interface BfdDown {
  readonly diag: number;
  readonly reason: string;
  /** CLOCK_MONOTONIC ms when the native thread saw the cause (expiry or packet). */
  readonly at: number;
  /** From the thread seeing the cause to this event (ms): the event loop's share. */
  readonly delayMs: number;
}

/** What the native thread reports of its sending, worst since the session started. */
export interface BfdTransmitStats {
  readonly packets: number;
  /** Worst gap between two packets sent while Up (ms); compare with the transmit interval. */
  readonly worstGapMs: number;
  /** Worst lateness of a periodic packet against its jittered schedule (ms). */
  readonly worstLateMs: number;
  /** The thread runs with real-time priority. */
  readonly realtime: boolean;
}

export class BfdError extends Error {
  override readonly name = 'BfdError';
  constructor(
    readonly code: 'ERR_BFD_TIMERS' | 'ERR_BFD_ADDRESS' | 'ERR_BFD_STOPPED',
    message: string,
  ) {
    super(message);
  }
}

export function timersUs(t: BfdTimersMs): BfdTimers {
  const ok = (v: number, min: number, max: number) => Number.isFinite(v) && v >= min && v <= max;
  if (!ok(t.minTxMs, 1, 60_000) || !ok(t.minRxMs, 0, 60_000)) throw new BfdError('ERR_BFD_TIMERS', `BFD intervals must be 1-60000 ms (min-tx) and 0-60000 ms (min-rx); got ${t.minTxMs} and ${t.minRxMs}`);
  if (!Number.isInteger(t.multiplier) || t.multiplier < 1 || t.multiplier > 255) throw new BfdError('ERR_BFD_TIMERS', `BFD multiplier must be 1-255; got ${t.multiplier}`);
  return { desiredMinTxUs: msToUs(t.minTxMs), requiredMinRxUs: msToUs(t.minRxMs), detectMult: t.multiplier };
}

export class BfdSession extends EventEmitter<{ up: []; down: [BfdDown]; state: [SessionAction & { kind: 'state' }]; discard: [string] }> {
  private s: SessionState;
  private id: number | undefined;
  private expiriesSeen = 0;
  private stopping: Promise<void> | undefined;
  private tx: BfdTransmitStats = { packets: 0, worstGapMs: 0, worstLateMs: 0, realtime: false };
  /** Packets received and dropped by the shell's own checks, by code. */
  readonly discards = new Map<string, number>();

  constructor(
    readonly options: BfdSessionOptions,
    private readonly native: BfdNative,
  ) {
    super();
    if (options.auth !== undefined) checkAuthConfig(options.auth);
    this.s = initialSession(options.localDiscr, timersUs(options.timers ?? DEFAULT_BFD_TIMERS), options.auth?.type);
  }

  get state(): BfdStateName {
    return this.s.state;
  }

  /** The machine's whole state, for status output and tests. */
  get snapshot(): SessionState {
    return this.s;
  }

  get nativeId(): number | undefined {
    return this.id;
  }

  /** The thread's counters (it clears its maxima on each read), folded into worst-since-start figures. */
  transmitStats(): BfdTransmitStats {
    if (this.id === undefined) return this.tx;
    const n = this.native.stats(this.id);
    this.tx = { packets: n.txCount, worstGapMs: Math.max(this.tx.worstGapMs, n.maxGapMs), worstLateMs: Math.max(this.tx.worstLateMs, n.maxLateMs), realtime: n.realtime };
    return this.tx;
  }

  /** Opens the sockets and starts sending Down. Throws when the addon or a socket is unavailable. */
  start(): void {
    if (this.id !== undefined) return;
    if (this.stopping) throw new BfdError('ERR_BFD_STOPPED', 'a stopped BFD session cannot start again');
    const o = this.options;
    const family = o.peer.includes(':') ? 6 : 4;
    if (o.local !== undefined && o.local.includes(':') !== (family === 6)) throw new BfdError('ERR_BFD_ADDRESS', `BFD local address ${o.local} is not of the family of ${o.peer}`);
    this.id = this.native.open({ family, peer: o.peer, local: o.local, multihop: o.multihop === true, minTtl: o.minTtl ?? 1 }, (e) => this.onNative(e));
    if (o.auth !== undefined) this.native.setAuth(this.id, AUTH_TYPE_CODES[o.auth.type], o.auth.keyId, Buffer.from(o.auth.key));
    this.step({ kind: 'enable' }, this.native.now());
  }

  /** New timers; while Up they take effect through a Poll Sequence, without a drop. */
  setTimers(t: BfdTimersMs): void {
    this.step({ kind: 'set-timers', timers: timersUs(t) }, this.native.now());
  }

  /**
   * Clean stop: AdminDown (diag 7) goes out at once and stays for the time
   * the peer takes to detect us, so it sees AdminDown rather than a failure;
   * then the sockets close.
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const id = this.id;
    if (id === undefined) return (this.stopping = Promise.resolve());
    const holdMs = this.s.state === 'AdminDown' ? 0 : remoteDetectionTimeUs(this.s) / 1000;
    this.step({ kind: 'disable' }, this.native.now());
    this.stopping = new Promise((resolve) => {
      setTimeout(() => {
        this.native.close(id);
        this.id = undefined;
        resolve();
      }, holdMs);
    });
    return this.stopping;
  }

  private onNative(e: NativeEvent): void {
    if (this.id === undefined) return;
    if (e.type === 'expire') {
      this.expiriesSeen = e.expiries;
      this.step({ kind: 'expire' }, e.at, e.at);
      return;
    }
    const r = decodeControl(e.packet);
    if (!r.ok) return this.discard(r.code, r.reason);
    const v = verifyAuth(e.packet, r.packet, this.options.auth);
    if (!v.ok) return this.discard(v.code, v.reason);
    this.step({ kind: 'rx', packet: r.packet }, e.at, e.at);
  }

  private discard(code: string, reason: string): void {
    this.discards.set(code, (this.discards.get(code) ?? 0) + 1);
    this.emit('discard', `${code}: ${reason}`);
  }

  private step(e: SessionEvent, now: number, causeAt = now): void {
    const r = stepSession(this.s, e, now);
    this.s = r.state;
    let sendNow = 0;
    for (const a of r.actions) if (a.kind === 'send-now') sendNow |= a.final ? 2 : 1;
    if (this.id !== undefined) {
      const template = encodeControl(packetOf(this.s));
      this.native.update(this.id, template, this.s.txBaseUs, this.s.rxBaseUs, sendNow, this.expiriesSeen);
    }
    for (const a of r.actions) {
      if (a.kind === 'state') this.emit('state', a);
      else if (a.kind === 'up') this.emit('up');
      else if (a.kind === 'down') this.emit('down', { diag: a.diag, reason: a.reason || diagText(a.diag), at: causeAt, delayMs: this.native.now() - causeAt });
      else if (a.kind === 'discard' && a.code !== 'admin-down') this.discard(a.code, a.reason);
    }
  }
}
