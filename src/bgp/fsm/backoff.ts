// Exponential back-off for the IdleHoldTimer and ConnectRetryTimer, so a
// peer that keeps failing is retried less and less often (RFC 4271 8.1.1,
// DampPeerOscillations).

/** Doubling stops here; 2^30 times any sane base is far past every cap. */
const MAX_EXPONENT = 30;

/** base × 2^exponent, capped at max. A negative exponent counts as 0. */
export function backoffMs(baseMs: number, maxMs: number, exponent: number): number {
  const n = Math.min(Math.max(0, Math.floor(exponent)), MAX_EXPONENT);
  return Math.min(baseMs * 2 ** n, maxMs);
}
