// ServiceRoutes' observers (metrics): called synchronously, each in turn.
// One that throws must not stop ServiceRoutes or the others; it is logged
// the first time, then silently skipped over when it throws again.

import type { ServiceRoutesObserver, ProbeObservation, TransitionObservation, WithdrawObservation } from '../../route-policy/observer.js';
import type { Logger } from '../../util/log.js';

export class ObserverSet {
  private readonly all = new Set<ServiceRoutesObserver>();
  /** Observers that threw once: logged then, silent after. */
  private readonly failed = new WeakSet<ServiceRoutesObserver>();

  constructor(private readonly log: Logger) {}

  /** Adds an observer; returns the function that removes it. */
  add(o: ServiceRoutesObserver): () => void {
    this.all.add(o);
    return () => {
      this.all.delete(o);
    };
  }

  probe(p: ProbeObservation): void {
    for (const o of this.all) {
      try {
        o.probe?.(p);
      } catch (err) {
        this.failure(o, err, 'probe');
      }
    }
  }

  transition(t: TransitionObservation): void {
    for (const o of this.all) {
      try {
        o.transition?.(t);
      } catch (err) {
        this.failure(o, err, 'transition');
      }
    }
  }

  withdraw(w: WithdrawObservation): void {
    for (const o of this.all) {
      try {
        o.withdraw?.(w);
      } catch (err) {
        this.failure(o, err, 'withdraw');
      }
    }
  }

  private failure(o: ServiceRoutesObserver, err: unknown, call: string): void {
    if (this.failed.has(o)) return;
    this.failed.add(o);
    this.log.error({ err, call }, 'service routes observer failed; further failures of this observer are not logged');
  }
}
