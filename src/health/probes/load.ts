// Load probe: unhealthy when CPU load per core, used memory or the number of
// established connections on a local port is over a threshold, so a busy
// instance steps out of the anycast set and its share goes elsewhere.

import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import type { LoadProbeSpec } from '../probe-spec.js';
import { abortedResult, errorText, stopwatch, type Probe, type ProbeResult } from '../probe-result.js';
import { countEstablished } from '../proc-net-tcp.js';

/** Where the figures come from; replaceable in tests. */
export interface LoadSources {
  loadavg(): readonly number[];
  cpuCount(): number;
  meminfo(): Promise<string>;
  established(port: number): Promise<number>;
}

export const systemLoadSources: LoadSources = {
  loadavg,
  cpuCount: availableParallelism,
  meminfo: () => readFile('/proc/meminfo', 'utf8'),
  established: (port) => countEstablished(port),
};

/** Used fraction 1 - MemAvailable/MemTotal from /proc/meminfo text (values in kB). */
export function usedMemoryFraction(meminfo: string): number {
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(meminfo);
    if (!m) throw new Error(`/proc/meminfo has no ${name}`);
    return Number(m[1]);
  };
  const total = field('MemTotal');
  if (total <= 0) throw new Error('/proc/meminfo: MemTotal is 0');
  return 1 - field('MemAvailable') / total;
}

/** What to measure: the probe's spec, or the source of a load-driven MED. */
export type LoadMeasure =
  | { readonly metric: 'cpu'; readonly window?: 1 | 5 | 15 }
  | { readonly metric: 'memory' }
  | { readonly metric: 'connections'; readonly port: number };

/** One reading of `m`, with words saying what it is. Rejects when the figure cannot be read. */
export async function measureLoad(m: LoadMeasure, sources: LoadSources = systemLoadSources): Promise<{ value: number; what: string }> {
  switch (m.metric) {
    case 'cpu': {
      const window = m.window ?? 1;
      const avg = sources.loadavg()[window === 1 ? 0 : window === 5 ? 1 : 2] ?? 0;
      const cpus = Math.max(1, sources.cpuCount());
      return { value: avg / cpus, what: `${window}-min load per CPU (${cpus} CPUs)` };
    }
    case 'memory':
      return { value: usedMemoryFraction(await sources.meminfo()), what: 'used memory fraction' };
    case 'connections':
      return { value: await sources.established(m.port), what: `established connections on port ${m.port}` };
  }
}

export class LoadProbe implements Probe {
  readonly kind = 'load';

  constructor(
    private readonly spec: LoadProbeSpec,
    private readonly sources: LoadSources = systemLoadSources,
  ) {}

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    const label = `load ${this.spec.metric}`;
    if (signal.aborted) return abortedResult(label, elapsed());
    try {
      const { value, what } = await measureLoad(this.spec, this.sources);
      if (signal.aborted) return abortedResult(label, elapsed());
      const shown = Number.isInteger(value) ? String(value) : value.toFixed(3);
      const ok = value <= this.spec.max;
      return {
        ok,
        detail: `${label}: ${what} ${shown} ${ok ? '<=' : '>'} ${this.spec.max}`,
        durationMs: elapsed(),
      };
    } catch (err) {
      return { ok: false, detail: `${label}: ${errorText(err)}`, durationMs: elapsed() };
    }
  }
}
