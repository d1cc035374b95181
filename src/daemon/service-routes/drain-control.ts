// One service's drain in progress (RFC 8326): the timer that ends it and
// the callers waiting to learn how it ended. What a drain does to the routes
// is ServiceRoutes' (route-policy/reconcile.ts gives the attributes); this only
// keeps time and promises.

import type { Clock, TimerHandle } from '../../util/clock.js';

interface Running {
  readonly until: number;
  readonly timer: TimerHandle;
  /** Told true when the drain ended in a withdraw, false when it was called off. */
  readonly waiters: ((withdrawn: boolean) => void)[];
}

export class DrainControl {
  private running: Running | undefined;

  constructor(private readonly clock: Clock) {}

  get active(): boolean {
    return this.running !== undefined;
  }

  /** While draining: the clock time (ms) of the withdraw. */
  get until(): number | undefined {
    return this.running?.until;
  }

  /**
   * Starts a drain of `timeMs`; `expire` runs when the time is up. Resolves
   * true once the drain ends in a withdraw, false when it is called off.
   */
  begin(timeMs: number, expire: () => void): Promise<boolean> {
    return new Promise((resolve) => {
      this.running = { until: this.clock.now() + timeMs, timer: this.clock.setTimer(timeMs, expire), waiters: [resolve] };
    });
  }

  /** Waits with the drain in progress (begin must have been called). */
  join(): Promise<boolean> {
    const r = this.running;
    if (!r) return Promise.resolve(false);
    return new Promise((resolve) => r.waiters.push(resolve));
  }

  /**
   * Ends the drain with the withdraw: `withdraw` runs once the drain is no
   * longer active, then the waiters learn it is done. False when none ran.
   */
  finish(withdraw: () => void): boolean {
    return this.end(true, withdraw);
  }

  /** Calls the drain off: `after` (if any) runs once it is no longer active, then the waiters learn it was called off. */
  cancel(after?: () => void): boolean {
    return this.end(false, after);
  }

  private end(withdrawn: boolean, then: (() => void) | undefined): boolean {
    const r = this.running;
    if (!r) return false;
    this.clock.clearTimer(r.timer);
    this.running = undefined;
    then?.();
    for (const w of r.waiters) w(withdrawn);
    return true;
  }
}
