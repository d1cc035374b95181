// Expected outcomes, pure: each check turns a measurement into a verdict a
// person can read ("traffic moved to inst-2 within 0.4 s").

import { shareOf, type WindowStats } from './traffic.js';

export interface Verdict {
  readonly ok: boolean;
  readonly text: string;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export const verdict = (ok: boolean, text: string): Verdict => ({ ok, text });

export function noFailures(s: WindowStats, what = 'requests'): Verdict {
  if (s.failed === 0) return verdict(true, `no failed ${what} (${s.total})`);
  const why = [...s.failures].map(([k, n]) => `${n} ${k}`).join(', ');
  return verdict(false, `${s.failed} of ${s.total} ${what} failed (${why})`);
}

/** Every instance served at least `min` of the successful requests. */
export function spreadAcross(s: WindowStats, instances: readonly string[], min: number): Verdict {
  const shares = instances.map((i) => `${i} ${pct(shareOf(s, i))}`).join(', ');
  const ok = s.ok > 0 && instances.every((i) => shareOf(s, i) >= min);
  return verdict(ok, ok ? `traffic spread: ${shares}` : `traffic not spread (each should serve at least ${pct(min)}): ${shares}`);
}

/** `instance` served at least `min` of the successful requests. */
export function servedBy(s: WindowStats, instance: string, min: number): Verdict {
  const share = shareOf(s, instance);
  const ok = s.ok > 0 && share >= min;
  return verdict(ok, ok ? `${instance} served ${pct(share)}` : `${instance} served ${pct(share)} of ${s.ok} (expected at least ${pct(min)})`);
}

/** Something happened, within `limitMs`. */
export function within(ms: number | undefined, limitMs: number, what: string): Verdict {
  if (ms === undefined) return verdict(false, `${what}: did not happen`);
  return verdict(ms <= limitMs, ms <= limitMs ? `${what} after ${seconds(ms)}` : `${what} after ${seconds(ms)} (expected within ${seconds(limitMs)})`);
}

export const allOk = (vs: readonly Verdict[]): boolean => vs.every((v) => v.ok);
