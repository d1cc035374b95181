// Health defaults and why.
//
// The target is traffic off a failed instance in well under a second with
// the defaults, and within a fraction of that for event-driven probes
// (process, listener). A polled failure is seen within one interval (0.5 s,
// 0.25 s on average), moves the service to FALLING, and the second check at
// the fast interval (0.2 s later) confirms it: fall 2, so 0.45 s on average
// and 0.7 s at worst from the failure to the withdraw. One failed check alone
// is too often a lost SYN or a GC pause. Two checks a second cost a local
// service nothing. Coming back is not urgent (other instances serve
// meanwhile) and a route that flaps gets damped upstream, so rise is higher:
// 3 checks. The timeout equals the interval: a hung service is declared down
// about interval + 2 x timeout + fast interval (1.7 s) after it hangs.

export const HEALTH_DEFAULTS = {
  rise: 3,
  fall: 2,
  intervalMs: 500,
  fastIntervalMs: 200,
  timeoutMs: 500,
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
