// What one health probe reports, and the small helpers every probe shares.

import { performance } from 'node:perf_hooks';

export interface ProbeResult {
  readonly ok: boolean;
  /** One line for logs and status: what was checked and what was seen. */
  readonly detail: string;
  readonly durationMs: number;
  /** The probe ran past its timeout and was aborted; always with ok = false. */
  readonly timedOut?: boolean;
  /** The last bytes of a command's output, or the head of an HTTP body. */
  readonly output?: string;
  /** Composite probes: the result of each named part. */
  readonly parts?: readonly NamedProbeResult[];
}

export interface NamedProbeResult {
  readonly name: string;
  readonly result: ProbeResult;
}

/** A check that can be run on demand. It resolves, never rejects, and stops its I/O when `signal` aborts. */
export interface Probe {
  readonly kind: string;
  run(signal: AbortSignal): Promise<ProbeResult>;
  /**
   * Event-driven probes also watch continuously and report each change of
   * health (not the first observation) as soon as they see it. Returns a stop function.
   */
  watch?(onChange: (r: ProbeResult) => void): () => void;
}

export interface WatchingProbe extends Probe {
  watch(onChange: (r: ProbeResult) => void): () => void;
}

export const isWatching = (p: Probe): p is WatchingProbe => typeof p.watch === 'function';

/** Wall-clock milliseconds for probe durations; probes do real I/O, so they use real time. */
export function stopwatch(): () => number {
  const t0 = performance.now();
  return () => Math.round((performance.now() - t0) * 1000) / 1000;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** The result a probe gives when its signal aborted before it could finish. */
export const abortedResult = (what: string, durationMs: number, output?: string): ProbeResult => ({
  ok: false,
  timedOut: true,
  detail: `${what}: aborted after ${durationMs.toFixed(1)} ms`,
  durationMs,
  ...(output !== undefined ? { output } : {}),
});
