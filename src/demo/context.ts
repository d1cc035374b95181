// What the scenarios work with: the router, the instances, the client's
// traffic log, demo time, and a timeline printer. Waiting is bounded and
// ends at once when the demo is interrupted.

import { performance } from 'node:perf_hooks';
import type { RouteServer } from '../routeserver/index.js';
import type { LoadClient } from './client.js';
import { describeChange, line, trafficLine } from './format.js';
import type { FloatdInstance } from './instance.js';
import { FLOATING_PREFIX, instanceAt, type Phase } from './story.js';
import type { TrafficLog } from './traffic.js';

export class DemoAborted extends Error {
  readonly code = 'ERR_DEMO_ABORTED';
  override readonly name = 'DemoAborted';
}

/** An instance's BFD session at the router came up or went down, in demo time. */
export interface BfdEvent {
  readonly at: number;
  readonly instance: string;
  readonly up: boolean;
  /** A Down that made the router reset the BGP session (not the instance's own AdminDown). */
  readonly failure: boolean;
}

/** An instance's BGP session at the router ended, in demo time. */
export interface SessionEnd {
  readonly at: number;
  readonly instance: string;
  readonly lastError?: string;
}

/** What one freeze measured, kept so that the next freeze can compare. */
export interface FreezeFigures {
  readonly detectMs: number | undefined;
  readonly failed: number;
}

/** One change of one instance's route at the router, in demo time. */
export interface RouteEvent {
  readonly at: number;
  readonly instance: string;
  readonly present: boolean;
  readonly gracefulShutdown: boolean;
}

export interface ContextParts {
  readonly out: NodeJS.WritableStream;
  readonly router: RouteServer;
  readonly instances: readonly FloatdInstance[];
  readonly client: LoadClient;
  readonly traffic: TrafficLog;
  readonly signal: AbortSignal;
  /** performance.now() at the start of the demo. */
  readonly t0: number;
}

const GRACEFUL_SHUTDOWN = 0xffff0000;

export class DemoContext {
  readonly routeEvents: RouteEvent[] = [];
  readonly bfdEvents: BfdEvent[] = [];
  readonly sessionEnds: SessionEnd[] = [];
  /** The freeze with the hold timer alone, once it has run. */
  holdTimerFreeze: FreezeFigures | undefined;
  private ticker: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(readonly p: ContextParts) {
    const nameOf = (a: string): string => instanceAt(a)?.name ?? a;
    this.unsubscribe.push(
      p.router.onPeerChange((c) => {
        if (c.change !== 'down') return;
        this.sessionEnds.push({ at: c.at - p.t0, instance: nameOf(c.peer), ...(c.lastError ? { lastError: c.lastError } : {}) });
        this.say('router', `session with ${nameOf(c.peer)} ended${c.lastError ? `: ${c.lastError}` : ' (connection closed)'}`, c.at - p.t0);
      }),
      p.router.onBfdChange((c) => {
        const failure = c.state === 'down' && c.failure === true;
        this.bfdEvents.push({ at: c.at - p.t0, instance: nameOf(c.peer), up: c.state === 'up', failure });
        const text =
          c.state === 'up'
            ? `BFD with ${nameOf(c.peer)} up`
            : `BFD with ${nameOf(c.peer)} down: ${c.reason ?? 'no reason given'}${!failure ? ' (stopped on purpose; BGP left alone)' : c.bgpEstablished ? '; BGP session reset at once' : '; its BGP session had ended already'}`;
        this.say('router', text, c.at - p.t0);
      }),
      p.router.onChange((c) => {
        if (c.prefix !== FLOATING_PREFIX) return;
        this.routeEvents.push({
          at: c.at - p.t0,
          instance: nameOf(c.peer),
          present: c.route !== undefined,
          gracefulShutdown: c.route?.attributes.communities?.includes(GRACEFUL_SHUTDOWN) ?? false,
        });
        this.say('router', describeChange(c, nameOf), c.at - p.t0);
      }),
    );
  }

  get router(): RouteServer {
    return this.p.router;
  }

  get traffic(): TrafficLog {
    return this.p.traffic;
  }

  get client(): LoadClient {
    return this.p.client;
  }

  get instances(): readonly FloatdInstance[] {
    return this.p.instances;
  }

  inst(name: string): FloatdInstance {
    const i = this.p.instances.find((x) => x.name === name);
    if (!i) throw new Error(`no instance ${name}`);
    return i;
  }

  /** Demo time, ms. */
  now(): number {
    return performance.now() - this.p.t0;
  }

  say(who: string, text: string, at = this.now()): void {
    this.p.out.write(`${line(at, who, text)}\n`);
  }

  write(text: string): void {
    this.p.out.write(text);
  }

  /** The router holds a route for the floating prefix from this instance. */
  hasRoute(i: FloatdInstance): boolean {
    return this.router.candidates(FLOATING_PREFIX).some((c) => c.peerAddress === i.info.address);
  }

  /** Names of the instances the router currently sends traffic to. */
  bestNames(): string[] {
    return this.router.bestPaths(FLOATING_PREFIX).map((p) => instanceAt(p.peerAddress)?.name ?? p.peerAddress);
  }

  /** The first time at or after `after` the instance's route went away at the router. */
  routeGoneAt(name: string, after: number): number | undefined {
    return this.routeEvents.find((e) => e.instance === name && !e.present && e.at >= after)?.at;
  }

  /** Traffic lines every second while the client runs. */
  startTicker(): void {
    const names = this.p.instances.map((i) => i.name);
    this.ticker = setInterval(() => {
      const to = this.now();
      const s = this.traffic.window(to - 1000, to, 'done');
      this.say('traffic', trafficLine(s, names, s.total), to);
    }, 1000);
  }

  stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  close(): void {
    this.stopTicker();
    for (const u of this.unsubscribe) u();
  }

  async sleep(ms: number): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.p.signal;
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
    this.check();
  }

  /** Polls `cond` until it holds (resolves with the demo time it did) or `timeoutMs` passes (undefined). */
  async waitFor(cond: () => boolean, timeoutMs: number): Promise<number | undefined> {
    const until = this.now() + timeoutMs;
    for (;;) {
      this.check();
      if (cond()) return this.now();
      if (this.now() > until) return undefined;
      await this.sleep(10);
    }
  }

  /** The first BFD failure of `name` the router saw at or after `after`. */
  bfdDownAt(name: string, after: number): number | undefined {
    return this.bfdEvents.find((e) => e.instance === name && e.failure && e.at >= after)?.at;
  }

  /**
   * Every instance running with `phase` configs, BFD on except for `bfdOff`,
   * and its route at the router. Services are left as they are: a scenario
   * may start from the one before.
   */
  async ensure(phase: Phase, bfdOff?: string): Promise<void> {
    for (const i of this.p.instances) {
      const bfd = i.name !== bfdOff;
      if (i.running && i.phase === phase && i.bfd === bfd) continue;
      if (i.running) await i.stop();
      await i.start(phase, bfd);
      this.say('demo', `${i.name}: floatd started (pid ${i.pid}, ${phase === 'roles' ? `role ${i.info.role}` : 'no role'}, BFD ${bfd ? 'on' : 'off'})`);
    }
    const serving = this.p.instances.filter((i) => i.service.state === 'ok');
    const ready = await this.waitFor(() => {
      const dead = this.p.instances.find((i) => !i.running);
      if (dead) throw new Error(`${dead.name}'s floatd exited (log: ${dead.logFile})`);
      return serving.every((i) => this.hasRoute(i));
    }, 20_000);
    if (ready === undefined) {
      const missing = serving.filter((i) => !this.hasRoute(i)).map((i) => `${i.name} (log: ${i.logFile})`);
      throw new Error(`no route from ${missing.join(', ')} within 20 s`);
    }
  }

  private check(): void {
    if (this.p.signal.aborted) throw new DemoAborted('interrupted');
  }
}
