// Health defaults and why.
//
// The target is a withdraw within about 2.5 s of a polled probe's first
// failure and within a fraction of a second for event-driven probes (process,
// listener). A polled failure is seen within one interval (2 s), moves the
// service to FALLING, and the second check at the fast interval (0.5 s later)
// confirms it: fall 2. One failed check alone is too often a lost SYN or a GC
// pause. Coming back is not urgent (other instances serve meanwhile) and a
// route that flaps gets damped upstream, so rise is higher: 3 checks, 1 s at
// the fast interval. The timeout is below the interval so a hung service is
// declared down in about interval + 2 x timeout (4 s), not 2 x interval.

export const HEALTH_DEFAULTS = {
  rise: 3,
  fall: 2,
  intervalMs: 2000,
  fastIntervalMs: 500,
  timeoutMs: 1000,
  /** Process probe: a dead pid is noticed within this (plus event-loop delay). */
  processPollMs: 50,
  unitPollMs: 1000,
  listenerPollMs: 100,
  fileSwitchPollMs: 500,
  hookTimeoutMs: 10_000,
  /** Bytes of command output kept for status and logs. */
  outputTailBytes: 2048,
  /** Probe results and transitions kept for status. */
  historySize: 20,
} as const;
