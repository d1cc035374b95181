// Rate limit for log lines about events a remote host can cause at will (a
// TCP connection from an address that is no neighbor), in the manner of
// BIRD's `log_rl`: at most `burst` lines per key in each `intervalMs`, and at
// most `totalBurst` over all keys, so many addresses cannot flood the log
// either. What is held back is counted, and the next line let through for the
// key carries that count. Pure: the caller passes the time; no timers. Each
// window is a RateLimit (rate-limit.ts).

import { RateLimit } from './rate-limit.js';

export interface LogRateLimitOptions {
  /** Lines per key in one interval. */
  readonly burst: number;
  /** Lines over all keys in one interval. */
  readonly totalBurst: number;
  readonly intervalMs: number;
  /** Keys remembered at most; the oldest is forgotten first (its held-back count with it). */
  readonly maxKeys: number;
}

export const LOG_RATE_LIMIT_DEFAULTS: LogRateLimitOptions = { burst: 1, totalBurst: 10, intervalMs: 60_000, maxKeys: 1024 };

/** Log the line (`suppressed` lines for the key were held back since its last one), or not. */
export type LogDecision = { readonly log: true; readonly suppressed: number } | { readonly log: false };

export class LogRateLimit {
  /** Most recently seen last, so the first key in the map is the one to forget. */
  private readonly keys = new Map<string, RateLimit>();
  private readonly total: RateLimit;

  constructor(private readonly o: LogRateLimitOptions = LOG_RATE_LIMIT_DEFAULTS) {
    this.total = new RateLimit({ max: o.totalBurst, intervalMs: o.intervalMs });
  }

  /** One event for `key` at monotonic time `now` (ms). */
  hit(key: string, now: number): LogDecision {
    let k = this.keys.get(key);
    if (k === undefined) {
      if (this.keys.size >= this.o.maxKeys) this.forgetOne(now);
      k = new RateLimit({ max: this.o.burst, intervalMs: this.o.intervalMs });
    } else {
      this.keys.delete(key);
    }
    this.keys.set(key, k);
    if (k.allows(now) && !this.total.allows(now)) {
      k.leaveOut();
      return { log: false };
    }
    const suppressed = k.take(now);
    if (suppressed < 0) return { log: false };
    this.total.take(now);
    return { log: true, suppressed };
  }

  /** Keys remembered now (bounded by maxKeys). */
  get size(): number {
    return this.keys.size;
  }

  /** Forgets a key with nothing held back whose interval is over, else the least recently seen one. */
  private forgetOne(now: number): void {
    for (const [key, k] of this.keys) {
      if (k.pending === 0 && k.idle(now)) {
        this.keys.delete(key);
        return;
      }
    }
    const oldest = this.keys.keys().next();
    if (oldest.done !== true) this.keys.delete(oldest.value);
  }
}
