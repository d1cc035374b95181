// A small metrics registry: counters, gauges, histograms with fixed buckets,
// and families whose samples are read at collect time. Pure: no clock, no
// I/O; `collect()` hands the renderer plain values.
//
// Names follow the Prometheus data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*,
// label names [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (reserved);
// a histogram may not have its own "le" label.

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Label name -> value; every declared label must be given, and no other. */
export type LabelSet = Readonly<Record<string, string>>;

export interface Sample {
  /** The family name, or for a histogram the family name plus _bucket, _sum or _count. */
  readonly name: string;
  /** In the family's label order (a histogram's "le" last). */
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
}

export interface FamilySnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

/** A metric defined or used the wrong way: a programming error, never caused by input from outside. */
export class MetricsError extends Error {
  readonly code = 'ERR_METRICS';
  override readonly name = 'MetricsError';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const isMetricName = (s: string): boolean => METRIC_NAME.test(s);
export const isLabelName = (s: string): boolean => LABEL_NAME.test(s) && !s.startsWith('__');

function checkDefinition(name: string, labelNames: readonly string[], reserved: readonly string[]): void {
  if (!isMetricName(name)) throw new MetricsError(`invalid metric name ${JSON.stringify(name)}`);
  const seen = new Set<string>();
  for (const l of labelNames) {
    if (!isLabelName(l)) throw new MetricsError(`metric ${name}: invalid label name ${JSON.stringify(l)}`);
    if (reserved.includes(l)) throw new MetricsError(`metric ${name}: label name "${l}" is reserved`);
    if (seen.has(l)) throw new MetricsError(`metric ${name}: label "${l}" given twice`);
    seen.add(l);
  }
}

/** Label values in declaration order; throws on a missing, extra or non-string label. */
function valuesOf(name: string, labelNames: readonly string[], labels: LabelSet): string[] {
  const keys = Object.keys(labels);
  if (keys.length !== labelNames.length) {
    throw new MetricsError(`metric ${name}: labels {${keys.join(',')}} given, expected {${labelNames.join(',')}}`);
  }
  return labelNames.map((l) => {
    const v = labels[l];
    if (typeof v !== 'string') throw new MetricsError(`metric ${name}: label "${l}" missing or not a string`);
    return v;
  });
}

const pairs = (labelNames: readonly string[], values: readonly string[]): [string, string][] =>
  labelNames.map((l, i) => [l, values[i] ?? ''] as [string, string]);

/** Series in first-seen order, keyed by their label values. */
class SeriesMap<T> {
  private readonly map = new Map<string, { values: string[]; data: T }>();

  constructor(
    private readonly name: string,
    private readonly labelNames: readonly string[],
    private readonly create: () => T,
  ) {}

  get(labels: LabelSet): T {
    const values = valuesOf(this.name, this.labelNames, labels);
    const key = JSON.stringify(values);
    let s = this.map.get(key);
    if (!s) {
      s = { values, data: this.create() };
      this.map.set(key, s);
    }
    return s.data;
  }

  delete(labels: LabelSet): boolean {
    return this.map.delete(JSON.stringify(valuesOf(this.name, this.labelNames, labels)));
  }

  clear(): void {
    this.map.clear();
  }

  *entries(): Iterable<{ readonly labels: [string, string][]; readonly data: T }> {
    for (const s of this.map.values()) yield { labels: pairs(this.labelNames, s.values), data: s.data };
  }
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  samples(): Sample[];
}

/** One number per label set: what counters and gauges share. */
abstract class ValueFamily implements Family {
  abstract readonly type: MetricType;
  protected readonly series: SeriesMap<{ v: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {
    checkDefinition(name, labelNames, []);
    this.series = new SeriesMap(name, labelNames, () => ({ v: 0 }));
  }

  get(labels: LabelSet = {}): number {
    return this.series.get(labels).v;
  }

  samples(): Sample[] {
    return [...this.series.entries()].map((s) => ({ name: this.name, labels: s.labels, value: s.data.v }));
  }
}

/** Only goes up. */
export class Counter extends ValueFamily {
  readonly type = 'counter';

  inc(labels: LabelSet = {}, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) throw new MetricsError(`counter ${this.name}: cannot add ${by}`);
    this.series.get(labels).v += by;
  }

  /** Makes the series exist (at 0 if new), so it is exported before its first event. */
  init(labels: LabelSet = {}): void {
    this.series.get(labels);
  }
}

export class Gauge extends ValueFamily {
  readonly type = 'gauge';

  set(labels: LabelSet, value: number): void {
    this.series.get(labels).v = value;
  }

  inc(labels: LabelSet = {}, by = 1): void {
    this.series.get(labels).v += by;
  }

  dec(labels: LabelSet = {}, by = 1): void {
    this.series.get(labels).v -= by;
  }

  remove(labels: LabelSet): void {
    this.series.delete(labels);
  }

  reset(): void {
    this.series.clear();
  }
}

interface HistogramSeries {
  /** Observations per bucket (not cumulative); one more than the bounds, for +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** Cumulative buckets with fixed upper bounds; +Inf is added. */
export class Histogram implements Family {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  private readonly series: SeriesMap<HistogramSeries>;

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
    readonly labelNames: readonly string[] = [],
  ) {
    checkDefinition(name, labelNames, ['le']);
    if (buckets.length === 0) throw new MetricsError(`histogram ${name}: no buckets`);
    buckets.forEach((b, i) => {
      if (!Number.isFinite(b)) throw new MetricsError(`histogram ${name}: bucket bound ${b} is not finite (+Inf is implied)`);
      if (i > 0 && b <= buckets[i - 1]!) throw new MetricsError(`histogram ${name}: bucket bounds must increase`);
    });
    this.buckets = [...buckets];
    this.series = new SeriesMap(name, labelNames, () => ({ counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(labels: LabelSet, value: number): void {
    if (Number.isNaN(value)) throw new MetricsError(`histogram ${this.name}: cannot observe NaN`);
    const s = this.series.get(labels);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (const { labels, data } of this.series.entries()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += data.counts[i] ?? 0;
        const le = i < this.buckets.length ? this.buckets[i]! : Infinity;
        out.push({ name: `${this.name}_bucket`, labels: [...labels, ['le', formatBound(le)]], value: cumulative });
      }
      out.push({ name: `${this.name}_sum`, labels, value: data.sum });
      out.push({ name: `${this.name}_count`, labels, value: data.count });
    }
    return out;
  }
}

/** A bucket bound as the "le" label value: the same text as a sample value. */
export function formatBound(v: number): string {
  return v === Infinity ? '+Inf' : String(v);
}

/** Samples read when collected, from state that lives elsewhere (a status snapshot). */
class Collected implements Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    private readonly labelNames: readonly string[],
    private readonly read: () => Iterable<readonly [LabelSet, number]>,
  ) {
    checkDefinition(name, labelNames, []);
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (const [labels, value] of this.read()) {
      out.push({ name: this.name, labels: pairs(this.labelNames, valuesOf(this.name, this.labelNames, labels)), value });
    }
    return out;
  }
}

export class Registry {
  private readonly families: Family[] = [];
  private readonly names = new Set<string>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []): Histogram {
    return this.add(new Histogram(name, help, buckets, labelNames));
  }

  /** A family whose samples `read` returns at every collect. */
  collected(name: string, help: string, type: 'counter' | 'gauge', labelNames: readonly string[], read: () => Iterable<readonly [LabelSet, number]>): void {
    this.add(new Collected(name, help, type, labelNames, read));
  }

  /** Every family with at least one sample, in registration order. */
  collect(): FamilySnapshot[] {
    const out: FamilySnapshot[] = [];
    for (const f of this.families) {
      const samples = f.samples();
      if (samples.length > 0) out.push({ name: f.name, help: f.help, type: f.type, samples });
    }
    return out;
  }

  private add<F extends Family>(f: F): F {
    // A histogram's series names must not collide with another family either.
    const taken = f.type === 'histogram' ? [f.name, `${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name];
    for (const n of taken) if (this.names.has(n)) throw new MetricsError(`metric ${n} is already registered`);
    for (const n of taken) this.names.add(n);
    this.families.push(f);
    return f;
  }
}
