// BFD timing rules as pure arithmetic, in microseconds like the packet
// fields. native/bfd.c applies the same formulas to the packets it receives,
// so the thread keeps correct deadlines while the event loop is busy.

/** 6.8.3: while a session is not Up, packets go no faster than one per second. */
export const SLOW_TX_US = 1_000_000;

/** Timers a system asks for (RFC 5880 6.8.1: DesiredMinTxInterval, RequiredMinRxInterval, DetectMult). */
export interface BfdTimers {
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly detectMult: number;
}

/**
 * 6.8.7: the periodic transmit interval is the larger of our desired min TX
 * and the peer's required min RX; 0 means "send no periodic packets" (the
 * peer's required min RX is zero).
 */
export function transmitIntervalUs(desiredMinTxUs: number, remoteMinRxUs: number): number {
  if (remoteMinRxUs === 0) return 0;
  return Math.max(desiredMinTxUs, remoteMinRxUs);
}

/**
 * 6.8.4 (asynchronous mode): the peer's detect mult times the larger of our
 * required min RX and the peer's last desired min TX. 0 before the first packet.
 */
export function detectionTimeUs(requiredMinRxUs: number, remoteDesiredMinTxUs: number, remoteDetectMult: number): number {
  if (remoteDetectMult === 0) return 0;
  return remoteDetectMult * Math.max(requiredMinRxUs, remoteDesiredMinTxUs);
}

/**
 * 6.8.7: each interval is reduced by a random 0-25 %, so it lies in 75-100 %
 * of the interval; with a detect mult of 1 it must not exceed 90 %.
 * `random` returns a number in [0, 1).
 */
export function jitteredUs(intervalUs: number, detectMult: number, random: () => number): number {
  const span = detectMult === 1 ? 0.15 : 0.25;
  return Math.floor(intervalUs * (0.75 + span * random()));
}

export const msToUs = (ms: number): number => Math.round(ms * 1000);
export const usToMs = (us: number): number => us / 1000;
