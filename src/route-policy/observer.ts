// What ServiceRoutes reports as it works, for metrics and the event log.
// Observers are called synchronously and must not throw or block.

export interface ProbeObservation {
  readonly service: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly timedOut: boolean;
  /** Clock time (ms) the probe finished. */
  readonly atMs: number;
}

export interface TransitionObservation {
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  /** Clock time (ms) of the transition. */
  readonly atMs: number;
}

export interface WithdrawObservation {
  readonly service: string;
  readonly prefixes: readonly string[];
  /** From the probe result that caused it to the speaker having written the WITHDRAW to every socket. */
  readonly latencyMs: number;
}

export interface ServiceRoutesObserver {
  probe?(o: ProbeObservation): void;
  transition?(o: TransitionObservation): void;
  withdraw?(o: WithdrawObservation): void;
}
