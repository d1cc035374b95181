import { z } from 'zod';
import { expecting } from './fields.js';
import type { LoadMeasure } from '../health/index.js';

/** What a load reading measures, as the load check and med-from-load both name it: source, port, window. */

export const LOAD_SOURCES = ['cpu', 'memory', 'connections'] as const;
export type LoadSource = (typeof LOAD_SOURCES)[number];

/** The 1-, 5- or 15-minute load average. */
export const loadWindow = () =>
  z.number({ errorMap: expecting('1, 5 or 15 (minutes of load average)') }).transform((n, ctx): 1 | 5 | 15 => {
    if (n === 1 || n === 5 || n === 15) return n;
    ctx.addIssue({ code: 'custom', message: `${n} is not allowed (expected 1, 5 or 15 (minutes of load average))` });
    return z.NEVER;
  });

/** What a load figure means, for messages about thresholds. */
export const LOAD_UNITS: Readonly<Record<LoadSource, string>> = {
  cpu: 'a load average per CPU, 0 or more',
  memory: 'a fraction of memory in use, 0..1',
  connections: 'a number of established connections, 0 or more',
};

/** `port` only for connections (and required there), `window` only for cpu. */
export function checkLoadSource(l: { source: LoadSource; port?: number | undefined; window?: number | undefined }, ctx: z.RefinementCtx): void {
  if (l.source === 'connections' && l.port === undefined) {
    ctx.addIssue({ code: 'custom', path: ['port'], message: 'missing (expected the local TCP port whose established connections are counted)' });
  }
  if (l.source !== 'connections' && l.port !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['port'], message: `port applies to source connections only (expected no port for source ${l.source})` });
  }
  if (l.source !== 'cpu' && l.window !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['window'], message: `window applies to source cpu only (expected no window for source ${l.source})` });
  }
}

/** A threshold in the unit of `source`; adds an issue at `key` and returns false when it does not fit. */
export function loadValueFits(source: LoadSource, key: string, n: number, ctx: z.RefinementCtx): boolean {
  const fits = n >= 0 && (source !== 'memory' || n <= 1) && (source !== 'connections' || Number.isInteger(n));
  if (!fits) ctx.addIssue({ code: 'custom', path: [key], message: `${n} does not fit source ${source} (expected ${LOAD_UNITS[source]})` });
  return fits;
}

export const measureOf = (source: LoadSource, port: number | undefined, window: 1 | 5 | 15 | undefined): LoadMeasure =>
  source === 'cpu' ? { metric: 'cpu', ...(window !== undefined ? { window } : {}) } : source === 'memory' ? { metric: 'memory' } : { metric: 'connections', port: port ?? 0 };
