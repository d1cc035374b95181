// The metric names floatd exports, read from its own registry: a DaemonMetrics
// with one peer and one service, fed one event of each kind so that every
// family (the histograms included) has series, rendered and parsed.

import { DaemonMetrics } from '../../src/metrics/index.js';

export function exportedMetricNames(): Set<string> {
  const m = new DaemonMetrics({
    peers: () => ({
      peers: [
        {
          address: '192.0.2.1',
          state: 'Established',
          uptimeSeconds: 1,
          messages: { in: 1, out: 1 },
          updates: { in: 1, out: 1 },
          prefixesReceived: 0,
          prefixesAnnounced: 1,
          establishedTransitions: 1,
        },
      ],
    }),
    services: () => [{ name: 'web', state: 'UP', since: 0, serving: true, announced: ['192.0.2.10/32'] }],
    clock: { now: () => 1_000 },
    process: () => ({ residentMemoryBytes: 1, cpuSeconds: 1, startTimeSeconds: 1, heapBytes: 1, eventLoopLag: { p50: 0, p99: 0, max: 0 } }),
    version: '0.0.0',
    vrrp: () => [{ name: 'web-vip', state: 'Active', priority: 100, transitions: 1 }],
  });
  m.probe({ service: 'web', ok: false, durationMs: 1, timedOut: true, atMs: 1 });
  m.transition({ service: 'web', from: 'UP', to: 'FALLING', reason: 'failed', atMs: 1 });
  m.withdraw({ service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 1 });

  const names = new Set<string>();
  const types = new Map<string, string>();
  for (const line of m.render().split('\n')) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) types.set(t[1]!, t[2]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  // A histogram's family name is not a series of its own; its _bucket, _sum and _count are.
  for (const [name, type] of types) if (type !== 'histogram' && type !== 'summary') names.add(name);
  return names;
}
