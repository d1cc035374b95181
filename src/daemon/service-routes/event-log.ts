// ServiceRoutes' event log for the control socket's `events`: state
// transitions and operator commands, and the BFD state changes of the
// neighbors beside them, the newest EVENT_LOG_SIZE kept. Each
// entry has the wall-clock time (for people) and the clock time (to compare
// with status times).

import type { Clock } from '../../util/clock.js';

/** One entry of the event log: a state transition, an operator command with its reason, a BFD change or a DNS update. */
export interface ServiceRoutesEvent {
  /** Wall-clock time, ISO 8601. */
  readonly at: string;
  /** Clock time (ms), comparable with status times. */
  readonly atMs: number;
  readonly service: string;
  readonly from: string;
  /** For a command, the state the service was in (commands change it through the transitions that follow). */
  readonly to: string;
  readonly reason: string;
  readonly kind: 'transition' | 'command' | 'bfd' | 'dns';
  /** BFD only: the neighbor, and the diagnostic of the new state (RFC 5880 4.1). */
  readonly neighbor?: string;
  readonly diag?: number;
}

/** Transitions and commands kept for `events`. */
export const EVENT_LOG_SIZE = 1000;

export class EventLog {
  private readonly log: ServiceRoutesEvent[] = [];

  constructor(
    private readonly clock: Clock,
    /** Wall-clock milliseconds; default Date.now. */
    private readonly wallClock: () => number = Date.now,
  ) {}

  /** A state transition at clock time `atMs`. */
  transition(service: string, from: string, to: string, reason: string, atMs: number): void {
    this.push({ kind: 'transition', at: this.wallTime(), atMs, service, from, to, reason });
  }

  /** A command, now, for a service in `state`. */
  record(service: string, state: string, reason: string): void {
    this.push({ kind: 'command', at: this.wallTime(), atMs: this.clock.now(), service, from: state, to: state, reason });
  }

  /** A DNS update for a service's record, now, with the service in `state`. */
  dns(service: string, state: string, reason: string): void {
    this.push({ kind: 'dns', at: this.wallTime(), atMs: this.clock.now(), service, from: state, to: state, reason });
  }

  /** A BFD session's state change, now; `service` reads `bfd NEIGHBOR` for readers that know only services. */
  bfd(neighbor: string, from: string, to: string, diag: number, reason: string): void {
    this.push({ kind: 'bfd', at: this.wallTime(), atMs: this.clock.now(), service: `bfd ${neighbor}`, neighbor, from, to, diag, reason });
  }

  /** The last `limit` (default all kept, at most EVENT_LOG_SIZE) events, oldest first. */
  events(limit?: number): ServiceRoutesEvent[] {
    const n = limit === undefined ? this.log.length : Math.max(0, Math.floor(limit));
    return n === 0 ? [] : this.log.slice(-n);
  }

  private push(e: ServiceRoutesEvent): void {
    this.log.push(e);
    if (this.log.length > EVENT_LOG_SIZE) this.log.splice(0, this.log.length - EVENT_LOG_SIZE);
  }

  private wallTime(): string {
    return new Date(this.wallClock()).toISOString();
  }
}
