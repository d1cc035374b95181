import { med, port } from './bgp-fields.js';
import { decimal, defined, integer, oneOf, seconds, section } from './fields.js';
import { checkLoadSource, LOAD_SOURCES, LOAD_UNITS, loadValueFits, loadWindow, measureOf } from './load-fields.js';
import type { LoadSource } from './load-fields.js';
import type { LoadMeasure } from '../health/index.js';
import type { LoadMedSettings } from '../route-policy/load-med.js';

/** A load-driven MED: what is measured, how often, and how load maps onto MED. */
export interface LoadMedConfig extends LoadMedSettings {
  readonly measure: LoadMeasure;
  /** Time between two readings. */
  readonly intervalMs: number;
}

/** Defaults of low and high where the unit allows one; connections need both given. */
const LOAD_RANGE: Readonly<Partial<Record<LoadSource, { low: number; high: number }>>> = {
  cpu: { low: 0.2, high: 1 },
  memory: { low: 0.5, high: 0.95 },
};

/** `med-from-load`: the source measured, how often, and the range of load mapped onto the range of MED. */
export const medFromLoadSchema = () =>
  section(
    {
      source: oneOf(LOAD_SOURCES),
      port: port().optional(),
      window: loadWindow().optional(),
      low: decimal(0, Number.MAX_SAFE_INTEGER, 'the load at which the MED is min').optional(),
      high: decimal(0, Number.MAX_SAFE_INTEGER, 'the load at which the MED is max').optional(),
      min: med().default(0),
      max: med(),
      step: integer(1, 0xffffffff, 'a MED step 1..4294967295').optional(),
      hysteresis: decimal(0, 0.5, 'a part of a step 0..0.5').default(0.5),
      interval: seconds(0.1, 3600).default(5),
      'min-interval': seconds(0, 86400).default(30),
    },
    'a mapping with at least source and max',
  ).transform((m, ctx): LoadMedConfig => {
    checkLoadSource(m, ctx);
    const range = LOAD_RANGE[m.source];
    const low = m.low ?? range?.low;
    const high = m.high ?? range?.high;
    for (const [key, v] of [['low', low], ['high', high]] as const) {
      if (v === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `missing (expected ${LOAD_UNITS[m.source]}: source ${m.source} has no default)` });
    }
    const fits = low !== undefined && high !== undefined && loadValueFits(m.source, 'low', low, ctx) && loadValueFits(m.source, 'high', high, ctx);
    if (fits && high <= low) ctx.addIssue({ code: 'custom', path: ['high'], message: `${high} is not above low ${low} (expected more than ${low})` });
    if (m.max <= m.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `${m.max} is not above min ${m.min} (expected more than ${m.min})` });
    return {
      measure: measureOf(m.source, m.port, m.window),
      intervalMs: m.interval,
      low: low ?? 0,
      high: high ?? 0,
      minMed: m.min,
      maxMed: m.max,
      // Ten steps by default: fine enough to rank instances, coarse enough that a step is a real change in load.
      step: m.step ?? Math.max(1, Math.ceil((m.max - m.min) / 10)),
      hysteresis: m.hysteresis,
      minIntervalMs: m.minInterval,
    };
  });

/** Parsed med-from-load settings back in the file's form. */
export const medFromLoadToFile = (m: LoadMedConfig): Record<string, unknown> =>
  defined({
    source: m.measure.metric,
    port: m.measure.metric === 'connections' ? m.measure.port : undefined,
    window: m.measure.metric === 'cpu' ? m.measure.window : undefined,
    low: m.low,
    high: m.high,
    min: m.minMed,
    max: m.maxMed,
    step: m.step,
    hysteresis: m.hysteresis,
    interval: m.intervalMs / 1000,
    'min-interval': m.minIntervalMs / 1000,
  });
