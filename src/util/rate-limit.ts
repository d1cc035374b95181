// A per-source limit on repeated log lines (as BIRD's log_rl does): at most
// `max` lines per `intervalMs` window; the rest are counted, and the next line
// let through says how many were left out. Pure: the caller passes the time,
// so any clock (the injected one, a fake one in tests) drives it.

export interface RateLimitOptions {
  /** Lines let through per window. */
  readonly max: number;
  /** Window length, ms. */
  readonly intervalMs: number;
}

/** Ten lines a minute: the default for lines a peer can cause at will, one per message it sends. */
export const PEER_LOG_LIMIT: RateLimitOptions = { max: 10, intervalMs: 60_000 };

export class RateLimit {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private dropped = 0;

  constructor(private readonly o: RateLimitOptions) {}

  /**
   * One line at time `now` (ms). Returns -1 if it is to be left out; otherwise
   * how many lines were left out since the last one let through (usually 0),
   * which the caller reports with this line.
   */
  take(now: number): number {
    if (!this.allows(now)) {
      this.dropped++;
      return -1;
    }
    this.used++;
    const d = this.dropped;
    this.dropped = 0;
    return d;
  }

  /** Whether a line at `now` would be let through (starts a new window when the last is over); takes nothing. */
  allows(now: number): boolean {
    if (now - this.windowStart >= this.o.intervalMs) {
      this.windowStart = now;
      this.used = 0;
    }
    return this.used < this.o.max;
  }

  /** Counts one line left out for a reason of the caller's (a wider limit), to be reported with the next one let through. */
  leaveOut(): void {
    this.dropped++;
  }

  /** Lines left out and not reported yet. */
  get pending(): number {
    return this.dropped;
  }

  /** Whether the window that began last is over at `now`. */
  idle(now: number): boolean {
    return now - this.windowStart >= this.o.intervalMs;
  }

  /** Lines left out and not reported yet; reading clears them (say, in a last summary when the source goes away). */
  flush(): number {
    const d = this.dropped;
    this.dropped = 0;
    return d;
  }
}

/** ` (K similar lines suppressed)` for a take() result above 0, else ''. */
export const suppressedNote = (k: number): string => (k > 0 ? ` (${k} similar line${k === 1 ? '' : 's'} suppressed)` : '');
