// Runs one probe again and again on the injected clock. Runs never overlap:
// the next run is due `interval` after the previous one started, and when a
// run takes longer it starts as soon as the previous one ends. A run past its
// timeout is aborted and reported as a failure (see run-with-timeout.ts). The
// first run waits a random part of the interval (splay), so that many
// services started together do not probe in step.

import type { Clock, TimerHandle } from '../util/clock.js';
import type { Probe, ProbeResult } from './probe-result.js';
import { runWithTimeout } from './run-with-timeout.js';

export interface ProbeRunnerOptions {
  readonly probe: Probe;
  readonly clock: Clock;
  readonly intervalMs: number;
  /** Used while the service is settling (INIT, RISING, FALLING). */
  readonly fastIntervalMs: number;
  readonly timeoutMs: number;
  /** 0 <= x < 1; the first run waits x × intervalMs. Default Math.random; `() => 0` starts at once. */
  readonly random?: () => number;
  readonly graceMs?: number;
  /** Called with every result, in order, at clock time `at`. */
  readonly onResult: (r: ProbeResult, at: number) => void;
}

export class ProbeRunner {
  private timer: TimerHandle | undefined;
  private inFlight: AbortController | undefined;
  private lastStart: number | undefined;
  private fast = false;
  private started = false;
  private stopped = false;
  private due: number | undefined;

  constructor(private readonly opts: ProbeRunnerOptions) {}

  get interval(): number {
    return this.fast ? this.opts.fastIntervalMs : this.opts.intervalMs;
  }

  /** True while a run is in progress. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** Clock time the next run is due, when one is scheduled. */
  get nextRunAt(): number | undefined {
    return this.timer ? this.due : undefined;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const splay = Math.min(0.999_999, Math.max(0, (this.opts.random ?? Math.random)()));
    this.arm(this.opts.clock.now() + splay * this.opts.intervalMs);
  }

  /** Stops scheduling and cancels a run in progress; its result is dropped. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.opts.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  /** Switches between the normal and the fast interval; a pending run is moved to match. */
  setFast(fast: boolean): void {
    if (fast === this.fast) return;
    this.fast = fast;
    // Before the first run the splay stands; during a run the end of the run schedules.
    if (this.stopped || !this.started || this.inFlight || this.lastStart === undefined) return;
    this.arm(this.lastStart + this.interval);
  }

  private arm(at: number): void {
    const { clock } = this.opts;
    if (this.timer) clock.clearTimer(this.timer);
    this.due = at;
    this.timer = clock.setTimer(Math.max(0, at - clock.now()), () => {
      this.timer = undefined;
      this.runOnce();
    });
  }

  private runOnce(): void {
    if (this.stopped || this.inFlight) return;
    const { clock } = this.opts;
    const ac = new AbortController();
    this.inFlight = ac;
    this.lastStart = clock.now();
    void runWithTimeout(this.opts.probe, {
      timeoutMs: this.opts.timeoutMs,
      clock,
      signal: ac.signal,
      ...(this.opts.graceMs !== undefined ? { graceMs: this.opts.graceMs } : {}),
    }).then((r) => {
      if (this.inFlight !== ac) return;
      this.inFlight = undefined;
      if (this.stopped) return;
      try {
        this.opts.onResult(r, clock.now());
      } finally {
        // onResult may have moved to the fast interval (and armed) or stopped us.
        if (!this.stopped && !this.timer) this.arm(this.lastStart! + this.interval);
      }
    });
  }
}
