/**
 * Milliseconds on CLOCK_MONOTONIC (process.hrtime), the one clock every
 * process on the host shares, so times taken by the feeder process and by the
 * benchmark itself can be subtracted. (performance.now() starts at each
 * process's own origin.)
 */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;
