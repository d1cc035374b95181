// All-of / any-of over named probes. Parts run in parallel under the same
// abort signal. Watching parts make the composite watching: a change seen by
// one part is judged against the last known results of the others.

import { stopwatch, type NamedProbeResult, type Probe, type ProbeResult } from '../probe-result.js';

export interface NamedProbe {
  readonly name: string;
  readonly probe: Probe;
}

export class CompositeProbe implements Probe {
  readonly kind = 'composite';
  private readonly last = new Map<string, boolean>();
  readonly watch?: (onChange: (r: ProbeResult) => void) => () => void;

  constructor(
    private readonly mode: 'all' | 'any',
    private readonly parts: readonly NamedProbe[],
  ) {
    if (parts.some((p) => p.probe.watch)) this.watch = (onChange) => this.watchParts(onChange);
  }

  private judge(states: readonly boolean[]): boolean {
    return this.mode === 'all' ? states.every(Boolean) : states.some(Boolean);
  }

  private summarize(results: readonly NamedProbeResult[], durationMs: number): ProbeResult {
    const ok = this.judge(results.map((p) => p.result.ok));
    const failing = results.filter((p) => !p.result.ok);
    const head = `${this.mode} of ${results.length}: ${results.length - failing.length} ok`;
    const detail = failing.length === 0 ? head : `${head}; ${failing.map((p) => `${p.name}: ${p.result.detail}`).join('; ')}`;
    const timedOut = !ok && failing.some((p) => p.result.timedOut === true);
    return { ok, detail, durationMs, parts: results, ...(timedOut ? { timedOut: true } : {}) };
  }

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    const results = await Promise.all(
      this.parts.map(async (p): Promise<NamedProbeResult> => ({ name: p.name, result: await p.probe.run(signal) })),
    );
    for (const p of results) this.last.set(p.name, p.result.ok);
    return this.summarize(results, elapsed());
  }

  private watchParts(onChange: (r: ProbeResult) => void): () => void {
    const stops: (() => void)[] = [];
    for (const part of this.parts) {
      if (!part.probe.watch) continue;
      stops.push(
        part.probe.watch((r) => {
          const known = this.parts.map((p) => (p.name === part.name ? r.ok : (this.last.get(p.name) ?? true)));
          const before = this.judge(this.parts.map((p) => this.last.get(p.name) ?? true));
          this.last.set(part.name, r.ok);
          const now = this.judge(known);
          if (now === before) return;
          const results = this.parts.map(
            (p): NamedProbeResult =>
              p.name === part.name
                ? { name: p.name, result: r }
                : { name: p.name, result: { ok: this.last.get(p.name) ?? true, detail: 'last known', durationMs: 0 } },
          );
          onChange(this.summarize(results, r.durationMs));
        }),
      );
    }
    return () => {
      for (const s of stops) s();
    };
  }
}
