// The metrics operators asked for beyond the first set: time since a
// service's last passed check, withdraws per service, and the withdraw
// latency histogram that answers "how long does a failover take", read back
// with the real Prometheus text parser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaemonMetrics, type ServiceSnapshot } from '../../src/metrics/daemon-metrics.js';
import { scrape } from './scrape.js';

function setup(start = 1_000) {
  const clock = { t: start, now: () => clock.t };
  let services: ServiceSnapshot[] = [
    { name: 'web', state: 'UP', since: 0, serving: true, announced: ['192.0.2.10/32'] },
    { name: 'db', state: 'INIT', since: 0, serving: false, announced: [] },
  ];
  const m = new DaemonMetrics({
    peers: () => ({ peers: [] }),
    services: () => services,
    clock,
    process: () => ({ residentMemoryBytes: 1, cpuSeconds: 1, startTimeSeconds: 1, heapBytes: 1 }),
    version: 't',
  });
  return { m, clock, setServices: (s: ServiceSnapshot[]) => (services = s) };
}

test('seconds since the last passed check: from the probe time, from start while none passed, from a reload for a new service', () => {
  const { m, clock, setServices } = setup();
  clock.t = 4_000;
  m.probe({ service: 'web', ok: true, durationMs: 2, timedOut: false, atMs: 2_500 });
  m.probe({ service: 'web', ok: false, durationMs: 2, timedOut: false, atMs: 3_500 });
  m.probe({ service: 'db', ok: false, durationMs: 2, timedOut: false, atMs: 3_600 });
  let s = scrape(m.render());
  const name = 'floatd_service_seconds_since_last_success';
  assert.equal(s.families.get(name)?.type, 'GAUGE');
  // A failure does not reset it.
  assert.equal(s.value(name, { service: 'web' }), 1.5);
  // Never passed: counted from floatd's start (clock 1000).
  assert.equal(s.value(name, { service: 'db' }), 3);

  clock.t = 10_000;
  setServices([
    { name: 'web', state: 'FALLING', since: 3_500, serving: true, announced: ['192.0.2.10/32'] },
    { name: 'mail', state: 'INIT', since: 10_000, serving: false, announced: [] },
  ]);
  s = scrape(m.render());
  assert.equal(s.value(name, { service: 'web' }), 7.5);
  // Added by a reload after the first scrape: counted from when it appeared; db is gone.
  assert.equal(s.value(name, { service: 'mail' }), 0);
  assert.equal(s.all(name).length, 2);
  clock.t = 12_000;
  assert.equal(scrape(m.render()).value(name, { service: 'mail' }), 2);
});

test('withdraws are counted per service, at 0 before the first; the latency histogram answers time to fail over', () => {
  const { m } = setup();
  let s = scrape(m.render());
  assert.equal(s.families.get('floatd_service_withdraws_total')?.type, 'COUNTER');
  assert.equal(s.value('floatd_service_withdraws_total', { service: 'web' }), 0);
  assert.equal(s.value('floatd_service_withdraws_total', { service: 'db' }), 0);
  m.withdraw({ service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 0.4 });
  m.withdraw({ service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 1.7 });
  s = scrape(m.render());
  assert.equal(s.value('floatd_service_withdraws_total', { service: 'web' }), 2);
  assert.equal(s.value('floatd_service_withdraws_total', { service: 'db' }), 0);
  assert.equal(s.families.get('floatd_withdraw_latency_seconds')?.type, 'HISTOGRAM');
  assert.equal(s.value('floatd_withdraw_latency_seconds_bucket', { service: 'web', le: '0.0005' }), 1);
  assert.equal(s.value('floatd_withdraw_latency_seconds_bucket', { service: 'web', le: '0.0025' }), 2);
  assert.equal(s.value('floatd_withdraw_latency_seconds_count', { service: 'web' }), 2);
  assert.ok(Math.abs(s.value('floatd_withdraw_latency_seconds_sum', { service: 'web' }) - 0.0021) < 1e-12);
});
