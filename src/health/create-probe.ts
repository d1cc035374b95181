// ProbeSpec -> Probe. Throws a TypeError for what the types cannot rule out
// (an empty argv, a bad body regex), so the config edge can report it.

import type { ProbeSpec } from './probe-spec.js';
import type { Probe } from './probe-result.js';
import { TcpProbe } from './probes/tcp.js';
import { HttpProbe } from './probes/http.js';
import { ExecProbe } from './probes/exec.js';
import { DnsProbe } from './probes/dns.js';
import { LoadProbe, type LoadSources } from './probes/load.js';
import { ProcessProbe } from './probes/process.js';
import { ListenerProbe } from './probes/listener.js';
import { CompositeProbe } from './probes/composite.js';
import { TimedProbe } from './probes/timed.js';
import { realClock, type Clock } from '../util/clock.js';

export interface ProbeDeps {
  /** Timers of the watching probes (process, listener) and of composite parts with their own timeout. */
  readonly clock?: Clock;
  readonly loadSources?: LoadSources;
  readonly systemctl?: string;
  readonly outputTailBytes?: number;
}

export function createProbe(spec: ProbeSpec, deps: ProbeDeps = {}): Probe {
  switch (spec.kind) {
    case 'tcp':
      return new TcpProbe(spec);
    case 'http':
    case 'https':
      try {
        return new HttpProbe(spec);
      } catch (err) {
        throw new TypeError(`${spec.kind} probe: bad bodyRegex: ${(err as Error).message}`);
      }
    case 'exec':
      if (spec.shell === true ? spec.command.trim() === '' : spec.command.length === 0 || spec.command[0] === '') {
        throw new TypeError('exec probe: empty command');
      }
      return new ExecProbe(spec, deps.outputTailBytes);
    case 'dns':
      return new DnsProbe(spec);
    case 'load':
      return new LoadProbe(spec, deps.loadSources);
    case 'process':
      return new ProcessProbe(spec, {
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.systemctl !== undefined ? { systemctl: deps.systemctl } : {}),
      });
    case 'listener':
      return new ListenerProbe(spec, deps.clock ? { clock: deps.clock } : {});
    case 'composite': {
      if (spec.probes.length === 0) throw new TypeError('composite probe: no parts');
      const names = new Set<string>();
      for (const p of spec.probes) {
        if (names.has(p.name)) throw new TypeError(`composite probe: part name ${JSON.stringify(p.name)} used twice`);
        names.add(p.name);
      }
      return new CompositeProbe(
        spec.mode,
        spec.probes.map((p) => {
          const probe = createProbe(p.probe, deps);
          return { name: p.name, probe: p.timeoutMs === undefined ? probe : new TimedProbe(probe, p.timeoutMs, deps.clock ?? realClock) };
        }),
      );
    }
  }
}
