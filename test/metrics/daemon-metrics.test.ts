import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ServiceRoutes } from '../../src/daemon/service-routes.js';
import type { Speaker } from '../../src/daemon/speaker.js';
import { DaemonMetrics, PROBE_DURATION_BUCKETS, WITHDRAW_LATENCY_BUCKETS } from '../../src/metrics/daemon-metrics.js';
import { ProcessSampler, type ProcessSample } from '../../src/metrics/process-metrics.js';
import { realClock } from '../../src/util/clock.js';
import { scrape } from './scrape.js';

const SECRET = 'hunter2-Sup3rSecret';

const fixedProcess: ProcessSample = {
  residentMemoryBytes: 52_428_800,
  cpuSeconds: 1.25,
  startTimeSeconds: 1_700_000_000.5,
  heapBytes: 10_485_760,
  eventLoopLag: { p50: 0.0001, p99: 0.002, max: 0.0125 },
};

// Status objects as the daemon builds them, plus fields that must never be exported.
const speakerStatus = {
  routerId: '192.0.2.254',
  localAs: 65001,
  password: SECRET,
  peers: [
    {
      address: '192.0.2.1',
      peerAs: 65000,
      state: 'Established',
      direction: 'outbound',
      uptimeSeconds: 120,
      holdTime: 9,
      capabilities: { families: ['ipv4'], md5: { password: SECRET } },
      messages: { in: 1500, out: 42 },
      updates: { in: 1400, out: 3 },
      routeRefreshesIn: 4,
      receiveLimitEvents: 2,
      prefixes: { received: 2500, withdrawnReceived: 7, looped: 0, announced: 2 },
      prefixesReceived: 2500,
      prefixesAnnounced: 2,
      importMode: 'none',
      establishedTransitions: 3,
      bfd: { state: 'Up', detectionTimeMs: 300, stateChanges: 2 },
      description: 'upstream router',
      password: SECRET,
    },
    {
      address: '2001:db8::1',
      peerAs: 65000,
      state: 'Active',
      uptimeSeconds: 99, // stale: not Established, so uptime is 0
      messages: { in: 0, out: 5 },
      updates: { in: 0, out: 0 },
      prefixes: { received: 0, withdrawnReceived: 0, looped: 0, announced: 0 },
      prefixesReceived: 0,
      prefixesAnnounced: 0,
      importMode: 'all',
      establishedTransitions: 0,
      lastError: 'connection refused',
      md5Key: SECRET,
    },
  ],
};

const ODD = 'we"b\\x\nnext';

const servicesStatus = [
  {
    name: 'web',
    state: 'UP',
    since: 4_000,
    serving: true,
    announced: ['192.0.2.10/32'],
    prefixes: ['192.0.2.10/32'],
    held: [],
    demoted: false,
    settings: { rise: 2, fall: 2, intervalMs: 1000, fastIntervalMs: 200, timeoutMs: 1000 },
    check: { http: { url: 'http://192.0.2.10/', headers: { Authorization: `Bearer ${SECRET}` } } },
  },
  { name: 'db', state: 'FALLING', since: 9_500, serving: true, announced: ['192.0.2.20/32', '192.0.2.21/32'], password: SECRET },
  { name: ODD, state: 'DOWN', since: 10_000, serving: false, announced: [] },
];

function build(peers: () => unknown = () => speakerStatus, services: () => unknown = () => servicesStatus): DaemonMetrics {
  return new DaemonMetrics({
    peers: peers as () => { peers: [] },
    services: services as () => [],
    clock: { now: () => 10_000 },
    process: () => fixedProcess,
    version: '1.2.3',
    dns: () => ({ updatesSent: 3, updatesFailed: 1, lastSuccessMs: 1_700_000_000_000 }),
    vrrp: () => vrrpStatus,
  });
}

const vrrpStatus = [
  { name: 'web-vip', state: 'Active', priority: 150, transitions: 2 },
  { name: 'db-vip', state: 'Backup', priority: 0, transitions: 3 },
];

function feed(m: DaemonMetrics): void {
  m.probe({ service: 'web', ok: true, durationMs: 3, timedOut: false, atMs: 1 });
  m.probe({ service: 'web', ok: true, durationMs: 12, timedOut: false, atMs: 2 });
  m.probe({ service: 'web', ok: false, durationMs: 2000, timedOut: true, atMs: 3 });
  m.probe({ service: 'db', ok: false, durationMs: 0.4, timedOut: false, atMs: 4 });
  m.probe({ service: ODD, ok: false, durationMs: 1, timedOut: false, atMs: 5 });
  m.transition({ service: 'web', from: 'INIT', to: 'RISING', reason: 'passed', atMs: 1 });
  m.transition({ service: 'web', from: 'RISING', to: 'UP', reason: 'passed', atMs: 2 });
  m.transition({ service: 'db', from: 'UP', to: 'FALLING', reason: 'failed', atMs: 4 });
  m.transition({ service: 'db', from: 'UP', to: 'FALLING', reason: 'failed', atMs: 6 });
  m.withdraw({ service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 0.3 });
  m.withdraw({ service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 2 });
  m.withdraw({ service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 7 });
}

test('peer metrics come from the speaker snapshot, one series per peer', () => {
  const s = scrape(build().render());
  const a = { peer: '192.0.2.1' };
  const b = { peer: '2001:db8::1' };
  assert.equal(s.value('floatd_peer_up', a), 1);
  assert.equal(s.value('floatd_peer_up', b), 0);
  for (const state of ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established']) {
    assert.equal(s.value('floatd_peer_state', { ...a, state }), state === 'Established' ? 1 : 0, state);
    assert.equal(s.value('floatd_peer_state', { ...b, state }), state === 'Active' ? 1 : 0, state);
  }
  assert.equal(s.all('floatd_peer_state').length, 12);
  assert.equal(s.value('floatd_peer_uptime_seconds', a), 120);
  assert.equal(s.value('floatd_peer_uptime_seconds', b), 0);
  assert.equal(s.value('floatd_peer_messages_received_total', a), 1500);
  assert.equal(s.value('floatd_peer_messages_sent_total', a), 42);
  assert.equal(s.value('floatd_peer_messages_sent_total', b), 5);
  assert.equal(s.value('floatd_peer_updates_received_total', a), 1400);
  assert.equal(s.value('floatd_peer_updates_sent_total', a), 3);
  assert.equal(s.value('floatd_peer_route_refreshes_received_total', a), 4);
  assert.equal(s.value('floatd_peer_route_refreshes_received_total', b), 0);
  assert.equal(s.value('floatd_peer_max_prefix_events_total', a), 2);
  assert.equal(s.value('floatd_peer_max_prefix_events_total', b), 0);
  assert.equal(s.value('floatd_peer_prefixes_received', a), 2500);
  assert.equal(s.value('floatd_peer_prefixes_announced', a), 2);
  assert.equal(s.value('floatd_peer_established_total', a), 3);
  assert.equal(s.value('floatd_peer_established_total', b), 0);
  const types: Record<string, string> = {
    floatd_peer_up: 'GAUGE',
    floatd_peer_state: 'GAUGE',
    floatd_peer_uptime_seconds: 'GAUGE',
    floatd_peer_messages_received_total: 'COUNTER',
    floatd_peer_messages_sent_total: 'COUNTER',
    floatd_peer_updates_received_total: 'COUNTER',
    floatd_peer_updates_sent_total: 'COUNTER',
    floatd_peer_route_refreshes_received_total: 'COUNTER',
    floatd_peer_max_prefix_events_total: 'COUNTER',
    floatd_peer_prefixes_received: 'GAUGE',
    floatd_peer_prefixes_announced: 'GAUGE',
    floatd_peer_established_total: 'COUNTER',
  };
  for (const [name, type] of Object.entries(types)) assert.equal(s.families.get(name)?.type, type, name);
});

test('service metrics come from ServiceRoutes snapshot and the clock', () => {
  const s = scrape(build().render());
  for (const state of ['INIT', 'RISING', 'UP', 'FALLING', 'DOWN', 'DISABLED', 'STOPPING']) {
    assert.equal(s.value('floatd_service_state', { service: 'web', state }), state === 'UP' ? 1 : 0);
    assert.equal(s.value('floatd_service_state', { service: 'db', state }), state === 'FALLING' ? 1 : 0);
    assert.equal(s.value('floatd_service_state', { service: ODD, state }), state === 'DOWN' ? 1 : 0);
  }
  assert.equal(s.value('floatd_service_serving', { service: 'web' }), 1);
  assert.equal(s.value('floatd_service_serving', { service: 'db' }), 1);
  assert.equal(s.value('floatd_service_serving', { service: ODD }), 0);
  assert.equal(s.value('floatd_service_seconds_since_change', { service: 'web' }), 6);
  assert.equal(s.value('floatd_service_seconds_since_change', { service: 'db' }), 0.5);
  assert.equal(s.value('floatd_service_seconds_since_change', { service: ODD }), 0);
  assert.equal(s.value('floatd_service_prefixes_announced', { service: 'web' }), 1);
  assert.equal(s.value('floatd_service_prefixes_announced', { service: 'db' }), 2);
  assert.equal(s.value('floatd_service_prefixes_announced', { service: ODD }), 0);
});

test('probe, transition and withdraw observations are counted', () => {
  const m = build();
  feed(m);
  const s = scrape(m.render());
  assert.equal(s.value('floatd_probe_total', { service: 'web', result: 'success' }), 2);
  assert.equal(s.value('floatd_probe_total', { service: 'web', result: 'failure' }), 1);
  assert.equal(s.value('floatd_probe_total', { service: 'db', result: 'success' }), 0);
  assert.equal(s.value('floatd_probe_total', { service: 'db', result: 'failure' }), 1);
  assert.equal(s.value('floatd_probe_timeouts_total', { service: 'web' }), 1);
  assert.equal(s.value('floatd_probe_timeouts_total', { service: 'db' }), 0);
  assert.equal(s.families.get('floatd_probe_duration_seconds')?.type, 'HISTOGRAM');
  // web: 3 ms, 12 ms, 2000 ms.
  const webLe = (le: string): number => s.value('floatd_probe_duration_seconds_bucket', { service: 'web', le });
  assert.deepEqual(
    PROBE_DURATION_BUCKETS.map((b) => webLe(String(b))),
    [0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3],
  );
  assert.equal(webLe('+Inf'), 3);
  assert.equal(s.value('floatd_probe_duration_seconds_sum', { service: 'web' }), 2.015);
  assert.equal(s.value('floatd_probe_duration_seconds_count', { service: 'web' }), 3);
  assert.equal(s.value('floatd_probe_duration_seconds_bucket', { service: 'db', le: '0.001' }), 1);
  assert.equal(s.value('floatd_probe_duration_seconds_sum', { service: 'db' }), 0.0004);

  assert.equal(s.value('floatd_service_transitions_total', { service: 'web', from: 'INIT', to: 'RISING' }), 1);
  assert.equal(s.value('floatd_service_transitions_total', { service: 'web', from: 'RISING', to: 'UP' }), 1);
  assert.equal(s.value('floatd_service_transitions_total', { service: 'db', from: 'UP', to: 'FALLING' }), 2);
  assert.equal(s.all('floatd_service_transitions_total').length, 3);

  // 0.3 ms, 2 ms, 7 ms.
  const wLe = (le: string): number => s.value('floatd_withdraw_latency_seconds_bucket', { service: 'web', le });
  assert.deepEqual(
    WITHDRAW_LATENCY_BUCKETS.map((b) => wLe(String(b))),
    [0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3],
  );
  assert.equal(wLe('0.0001'), 0);
  assert.equal(wLe('0.0005'), 1);
  assert.equal(wLe('+Inf'), 3);
  assert.equal(s.value('floatd_withdraw_latency_seconds_count', { service: 'web' }), 3);
  assert.ok(Math.abs(s.value('floatd_withdraw_latency_seconds_sum', { service: 'web' }) - 0.0093) < 1e-12);
  assert.equal(s.families.get('floatd_withdraw_latency_seconds')?.type, 'HISTOGRAM');
});

test('probe counters of every known service exist at 0 before its first probe', () => {
  const s = scrape(build().render());
  for (const service of ['web', 'db', ODD]) {
    assert.equal(s.value('floatd_probe_total', { service, result: 'success' }), 0);
    assert.equal(s.value('floatd_probe_total', { service, result: 'failure' }), 0);
    assert.equal(s.value('floatd_probe_timeouts_total', { service }), 0);
  }
  assert.equal(s.families.has('floatd_probe_duration_seconds'), false);
  assert.equal(s.families.has('floatd_withdraw_latency_seconds'), false);
});

test('process metrics and build info', () => {
  const s = scrape(build().render());
  assert.equal(s.value('floatd_process_resident_memory_bytes'), 52_428_800);
  assert.equal(s.value('floatd_process_cpu_seconds_total'), 1.25);
  assert.equal(s.families.get('floatd_process_cpu_seconds_total')?.type, 'COUNTER');
  assert.equal(s.value('floatd_process_start_time_seconds'), 1_700_000_000.5);
  assert.equal(s.value('floatd_process_heap_bytes'), 10_485_760);
  assert.equal(s.value('floatd_event_loop_lag_seconds', { quantile: '0.5' }), 0.0001);
  assert.equal(s.value('floatd_event_loop_lag_seconds', { quantile: '0.99' }), 0.002);
  assert.equal(s.value('floatd_event_loop_lag_seconds', { quantile: '1' }), 0.0125);
  assert.equal(s.value('floatd_build_info', { version: '1.2.3', node: process.version }), 1);
});

test('no password or other secret from the status objects reaches the exposition', () => {
  const m = build();
  feed(m);
  const out = m.render();
  assert.ok(out.length > 1000);
  assert.equal(out.includes(SECRET), false);
  assert.doesNotMatch(out, /password|md5|authorization|bearer/i);
  // Neither do descriptions, errors or check settings: only names, addresses and states label a series.
  assert.doesNotMatch(out, /upstream router|connection refused|http:\/\//);
});

test('label values with quotes, backslashes and newlines survive a real parser', () => {
  const m = build();
  feed(m);
  const out = m.render();
  assert.ok(out.includes('service="we\\"b\\\\x\\nnext"'));
  const s = scrape(out);
  assert.equal(s.value('floatd_probe_total', { service: ODD, result: 'failure' }), 1);
  assert.equal(s.value('floatd_probe_duration_seconds_count', { service: ODD }), 1);
});

test('each scrape reads fresh snapshots: a removed peer disappears, an unknown state still shows', () => {
  let peers: unknown[] = speakerStatus.peers;
  const m = build(() => ({ peers }));
  assert.equal(scrape(m.render()).all('floatd_peer_up').length, 2);
  peers = [{ ...speakerStatus.peers[1]!, state: 'Draining' }];
  const s = scrape(m.render());
  assert.equal(s.all('floatd_peer_up').length, 1);
  assert.equal(s.value('floatd_peer_state', { peer: '2001:db8::1', state: 'Draining' }), 1);
  assert.equal(s.value('floatd_peer_state', { peer: '2001:db8::1', state: 'Active' }), 0);
  assert.equal(s.all('floatd_peer_state').length, 7);
});

test('no event-loop figures when none were measured; bad durations do not throw', () => {
  const m = new DaemonMetrics({
    peers: () => ({ peers: [] }),
    services: () => [],
    clock: realClock,
    process: () => ({ residentMemoryBytes: 1, cpuSeconds: 0, startTimeSeconds: 0, heapBytes: 1 }),
    version: '0',
  });
  m.probe({ service: 'x', ok: true, durationMs: NaN, timedOut: false, atMs: 0 });
  m.withdraw({ service: 'x', prefixes: [], latencyMs: -1 });
  const s = scrape(m.render());
  assert.equal(s.families.has('floatd_event_loop_lag_seconds'), false);
  assert.equal(s.families.has('floatd_peer_up'), false);
  assert.equal(s.value('floatd_probe_duration_seconds_sum', { service: 'x' }), 0);
  assert.equal(s.value('floatd_withdraw_latency_seconds_bucket', { service: 'x', le: '0.0001' }), 1);
});

test('the real process sampler gives plausible figures', async () => {
  const sampler = new ProcessSampler(1);
  try {
    await new Promise((r) => setTimeout(r, 30));
    const p = sampler.sample();
    assert.ok(p.residentMemoryBytes > 1_000_000);
    assert.ok(p.heapBytes > 100_000 && p.heapBytes < p.residentMemoryBytes);
    assert.ok(p.cpuSeconds > 0);
    const nowS = Date.now() / 1000;
    assert.ok(p.startTimeSeconds <= nowS && p.startTimeSeconds > nowS - 3600, String(p.startTimeSeconds));
    assert.ok(p.eventLoopLag !== undefined);
    assert.ok(p.eventLoopLag.p50 >= 0 && p.eventLoopLag.p50 <= p.eventLoopLag.p99 && p.eventLoopLag.p99 <= p.eventLoopLag.max);
    // A busy loop shows as lag in the next sample.
    const until = performance.now() + 40;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 5));
    assert.ok(sampler.sample().eventLoopLag!.max >= 0.02);
  } finally {
    sampler.close();
  }
});

test('DaemonMetrics takes the speaker and ServiceRoutes status functions as they are', () => {
  // Compiles only while the daemon's status types carry every field the metrics read.
  const wire = (speaker: Pick<Speaker, 'status'>, serviceRoutes: Pick<ServiceRoutes, 'status'>): DaemonMetrics =>
    new DaemonMetrics({ peers: () => speaker.status(), services: () => serviceRoutes.status(), clock: realClock, process: () => fixedProcess, version: '1' });
  const m = wire({ status: () => speakerStatus as unknown as ReturnType<Speaker['status']> }, { status: () => servicesStatus as unknown as ReturnType<ServiceRoutes['status']> });
  assert.equal(scrape(m.render()).value('floatd_peer_up', { peer: '192.0.2.1' }), 1);
});

test('VRRP metrics: the state one-hot per instance, the priority advertised, transitions', () => {
  const s = scrape(build().render());
  for (const state of ['Initialize', 'Backup', 'Active']) {
    assert.equal(s.value('floatd_vrrp_state', { instance: 'web-vip', state }), state === 'Active' ? 1 : 0, state);
    assert.equal(s.value('floatd_vrrp_state', { instance: 'db-vip', state }), state === 'Backup' ? 1 : 0, state);
  }
  assert.equal(s.value('floatd_vrrp_priority', { instance: 'web-vip' }), 150);
  assert.equal(s.value('floatd_vrrp_priority', { instance: 'db-vip' }), 0);
  assert.equal(s.value('floatd_vrrp_transitions_total', { instance: 'db-vip' }), 3);
  // Without VRRP: no series at all.
  const none = new DaemonMetrics({ peers: () => ({ peers: [] }), services: () => [], clock: { now: () => 0 }, process: () => fixedProcess, version: '1' });
  assert.equal(scrape(none.render()).all('floatd_vrrp_state').length, 0);
});

test('docs/metrics.md documents exactly the metrics floatd exports', () => {
  const m = build();
  feed(m);
  const exported = [...scrape(m.render()).families.keys()].sort();
  const doc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
  const documented = [...new Set([...doc.matchAll(/^\| `(floatd_[a-z_]+)`/gm)].map((x) => x[1]!))].sort();
  assert.deepEqual(documented, exported);
});

test('dns: updates sent and failed and the last success time, only with a dns section', () => {
  const base = { peers: () => ({ peers: [] }), services: () => [], clock: { now: () => 0 }, process: dnsTestProcess, version: 't' };
  const without = new DaemonMetrics(base).render();
  assert.doesNotMatch(without, /^floatd_dns_updates_sent_total /m);
  const text = new DaemonMetrics({ ...base, dns: () => ({ updatesSent: 5, updatesFailed: 2, lastSuccessMs: 1_700_000_000_500 }) }).render();
  assert.match(text, /^floatd_dns_updates_sent_total 5$/m);
  assert.match(text, /^floatd_dns_updates_failed_total 2$/m);
  assert.match(text, /^floatd_dns_last_success_timestamp_seconds 1700000000\.5$/m);
  const before = new DaemonMetrics({ ...base, dns: () => ({ updatesSent: 1, updatesFailed: 1, lastSuccessMs: undefined }) }).render();
  assert.doesNotMatch(before, /^floatd_dns_last_success_timestamp_seconds /m);
});

function dnsTestProcess(): ProcessSample {
  return { residentMemoryBytes: 1, cpuSeconds: 1, startTimeSeconds: 1, heapBytes: 1 };
}

test('connections from addresses that are no neighbor are a counter', () => {
  const s = scrape(build(() => ({ ...speakerStatus, refusedConnections: 1_001 })).render());
  assert.equal(s.value('floatd_bgp_connections_refused_total', {}), 1_001);
  assert.equal(s.families.get('floatd_bgp_connections_refused_total')?.type, 'COUNTER');
  assert.equal(scrape(build(() => ({ peers: [] })).render()).value('floatd_bgp_connections_refused_total', {}), 0);
});
