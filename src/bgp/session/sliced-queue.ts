/**
 * Runs queued work in slices of bounded time, yielding to the event loop in
 * between, so timers (KEEPALIVE) and writes (a WITHDRAW) never wait behind
 * bulk work such as a full table arriving. An item may take many steps (a
 * received chunk holds hundreds of messages); the slice ends between steps.
 * When more than `highWater` bytes wait, the producer is paused (TCP
 * back-pressure) until they fall below `lowWater`.
 */
export interface SlicedQueueOptions<T> {
  /** Does the next small piece of the item's work; true once the item is finished. */
  readonly step: (item: T) => boolean;
  readonly sizeOf: (item: T) => number;
  /** Longest slice before yielding, in ms. */
  readonly sliceMs: number;
  readonly highWater: number;
  readonly lowWater: number;
  readonly pause: () => void;
  readonly resume: () => void;
  readonly now: () => number;
  /** Schedules the next slice; setImmediate in production. */
  readonly schedule?: (fn: () => void) => void;
  readonly onError: (e: unknown) => void;
}

/** Steps between two looks at the clock, which costs more than a step of cheap work. */
const STEPS_PER_CLOCK_READ = 16;

export class SlicedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private bytes = 0;
  private scheduled = false;
  private paused = false;
  private stopped = false;
  private readonly schedule: (fn: () => void) => void;

  constructor(private readonly o: SlicedQueueOptions<T>) {
    this.schedule = o.schedule ?? ((fn) => setImmediate(fn));
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.stopped) return;
    this.items.push(item);
    this.bytes += this.o.sizeOf(item);
    if (!this.paused && this.bytes > this.o.highWater) {
      this.paused = true;
      this.o.pause();
    }
    this.kick();
  }

  /** Drops everything queued and ignores further pushes (the session closed). */
  stop(): void {
    this.stopped = true;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }

  private kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.schedule(() => this.runSlice());
  }

  private runSlice(): void {
    this.scheduled = false;
    const deadline = this.o.now() + this.o.sliceMs;
    let n = 0;
    try {
      while (this.head < this.items.length && !this.stopped) {
        const item = this.items[this.head]!;
        if (this.o.step(item) && !this.stopped) {
          this.items[this.head++] = undefined as T;
          this.bytes -= this.o.sizeOf(item);
        }
        if (++n % STEPS_PER_CLOCK_READ === 0 && this.o.now() >= deadline) break;
      }
    } catch (e) {
      this.stop();
      this.o.onError(e);
      return;
    }
    if (this.stopped) return;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.bytes < this.o.lowWater) {
      this.paused = false;
      this.o.resume();
    }
    if (this.head < this.items.length) this.kick();
  }
}
