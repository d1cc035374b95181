// Reads exposition text with the npm Prometheus text parser, into values
// that tests look up by name and labels. That parser folds the series of a
// labelled histogram into one, so the sample values are read a second time
// with every TYPE line made "untyped": then each _bucket, _sum and _count
// line comes back as a sample of its own, with all its labels.

import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Scrape {
  /** Families as the parser typed them, by name. */
  readonly families: ReadonlyMap<string, ParsedFamily>;
  readonly series: readonly Series[];
  /** The one series with exactly these labels; throws if there is none. */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
  /** Every series of a sample name. */
  all(name: string): readonly Series[];
}

const number = (s: string): number => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

export function scrape(text: string): Scrape {
  const families = new Map<string, ParsedFamily>();
  for (const f of parsePrometheusTextFormat(text)) {
    if (families.has(f.name)) throw new Error(`family ${f.name} appears twice`);
    families.set(f.name, f);
  }
  const series: Series[] = [];
  for (const f of parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) \S+$/gm, '# TYPE $1 untyped'))) {
    for (const m of f.metrics) {
      if (m.value === undefined) throw new Error(`${f.name}: a sample without a value`);
      series.push({ name: f.name, labels: m.labels ?? {}, value: number(m.value) });
    }
  }
  // The parser merges a sample into the one before it when their labels are equal: a duplicate would vanish.
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  if (lines !== series.length) throw new Error(`${lines} sample lines but ${series.length} distinct series`);
  const all = (name: string): Series[] => series.filter((s) => s.name === name);
  return {
    families,
    series,
    all,
    value(name, labels = {}) {
      const found = all(name).filter((s) => sameLabels(s.labels, labels));
      if (found.length !== 1) throw new Error(`${found.length} series ${name}${JSON.stringify(labels)}`);
      return found[0]!.value;
    },
  };
}
