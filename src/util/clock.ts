import { performance } from 'node:perf_hooks';

/** Monotonic time and one-shot timers, injected so tests can run on fake time. */
export interface Clock {
  /** Milliseconds on a monotonic clock (never jumps with the wall clock). */
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(t: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

let nextId = 1;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return Object.assign({ id: nextId++ }, { t });
  },
  clearTimer(h) {
    clearTimeout((h as unknown as { t: NodeJS.Timeout }).t);
  },
};

/** A clock that moves only when told to; due timers fire in deadline order. */
export class FakeClock implements Clock {
  private t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(h: TimerHandle): void {
    this.timers.delete(h.id);
  }

  /** Pending timers, for assertions. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!first || e[1].at < first[1].at)) first = e;
      if (!first) break;
      this.timers.delete(first[0]);
      this.t = first[1].at;
      first[1].fn();
    }
    this.t = end;
  }
}
