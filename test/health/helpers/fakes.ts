// Test doubles for the health module: a probe the test answers by hand, a
// switch the test flips, and helpers to let promises settle between fake ticks.

import pino from 'pino';
import type { FakeClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import type { Probe, ProbeResult } from '../../../src/health/probe-result.js';
import type { DisableSwitch } from '../../../src/health/probes/file.js';

export const silent: Logger = pino({ level: 'silent' });

/** Lets every pending promise callback run (one macrotask turn). */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Advances fake time in steps, settling promises between steps, so chained timers and runs proceed. */
export async function advance(clock: FakeClock, ms: number, step = 10): Promise<void> {
  await flush();
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await flush();
  }
}

export const pass = (detail = 'fine'): ProbeResult => ({ ok: true, detail, durationMs: 1 });
export const fail = (detail = 'broken'): ProbeResult => ({ ok: false, detail, durationMs: 1 });

interface Call {
  readonly at: number;
  readonly signal: AbortSignal;
  resolve(r: ProbeResult): void;
  settled: boolean;
}

/**
 * A probe whose runs the test answers. `auto` answers each run at once (or
 * after `delayMs` of fake time); without it runs stay pending until answered.
 */
export class ManualProbe implements Probe {
  readonly kind = 'manual';
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  auto: (() => ProbeResult) | undefined;
  delayMs = 0;
  /** When set, an aborted run resolves with this instead of hanging. */
  onAbort: ((signal: AbortSignal) => ProbeResult) | undefined;
  watch?: (onChange: (r: ProbeResult) => void) => () => void;
  private watchers = new Set<(r: ProbeResult) => void>();

  constructor(
    private readonly clock: FakeClock,
    opts: { watching?: boolean } = {},
  ) {
    if (opts.watching) {
      this.watch = (onChange) => {
        this.watchers.add(onChange);
        return () => this.watchers.delete(onChange);
      };
    }
  }

  /** A watching probe reports a change. */
  emit(r: ProbeResult): void {
    for (const w of this.watchers) w(r);
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  run(signal: AbortSignal): Promise<ProbeResult> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => {
      const call: Call = {
        at: this.clock.now(),
        signal,
        settled: false,
        resolve: (r) => {
          if (call.settled) return;
          call.settled = true;
          this.inFlight--;
          resolve(r);
        },
      };
      this.calls.push(call);
      signal.addEventListener('abort', () => {
        if (this.onAbort) call.resolve(this.onAbort(signal));
      });
      if (this.auto) {
        const r = this.auto();
        if (this.delayMs > 0) this.clock.setTimer(this.delayMs, () => call.resolve(r));
        else call.resolve(r);
      }
    });
  }

  /** Answers the oldest unanswered run. */
  answer(r: ProbeResult): void {
    const c = this.calls.find((x) => !x.settled);
    if (!c) throw new Error('no pending probe run');
    c.resolve(r);
  }

  get starts(): number[] {
    return this.calls.map((c) => c.at);
  }
}

export class ManualSwitch implements DisableSwitch {
  readonly source = 'file /test/maintenance';
  private on = false;
  private listeners = new Set<(on: boolean) => void>();

  read(): Promise<boolean> {
    return Promise.resolve(this.on);
  }

  watch(onChange: (disabled: boolean) => void): () => void {
    this.listeners.add(onChange);
    onChange(this.on);
    return () => this.listeners.delete(onChange);
  }

  set(on: boolean): void {
    this.on = on;
    for (const l of this.listeners) l(on);
  }
}

/**
 * True once `kill(target, 0)` fails with ESRCH (target < 0: a process group).
 * Killed processes die and are reaped asynchronously (an orphan by pid 1), so this polls briefly.
 */
export async function goneWithin(target: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      process.kill(target, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw err;
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}
