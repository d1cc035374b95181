import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../src/config/index.js';
import { staticAnnouncements } from '../../src/config/announcements.js';
import { ServiceRoutes } from '../../src/daemon/service-routes.js';
import { DaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { FakeClock } from '../../src/util/clock.js';
import { advance, fail, ManualProbe, pass, silent } from '../health/helpers/fakes.js';
import { scrape } from './scrape.js';

test('a real ServiceRoutes feeds DaemonMetrics: probes, the UP -> DOWN transition and its withdraw', async () => {
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors:',
      '  - address: 192.0.2.254',
      '    peer-as: 64512',
      'services:',
      '  - name: web',
      '    prefixes: [192.0.2.10/32]',
      '    check: { tcp: { host: 127.0.0.1, port: 8080 } }',
      '    rise: 1',
      '    fall: 1',
      '    interval: 1',
      '    fast-interval: 0.5',
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  const clock = new FakeClock();
  const probe = new ManualProbe(clock);
  let healthy = true;
  probe.auto = () => (healthy ? pass('open') : fail('refused'));
  const serviceRoutes = new ServiceRoutes({
    announce: staticAnnouncements(cfg),
    services: cfg.services ?? [],
    sink: { setAnnouncements: () => undefined },
    clock,
    log: silent,
    random: () => 0,
    createProbe: () => probe,
  });
  const metrics = new DaemonMetrics({
    peers: () => ({ peers: [] }),
    services: () => serviceRoutes.status(),
    clock,
    process: () => ({ residentMemoryBytes: 1, cpuSeconds: 0, startTimeSeconds: 0, heapBytes: 1 }),
    version: 'test',
  });
  const unsubscribe = serviceRoutes.observe(metrics);
  serviceRoutes.start();
  try {
    await advance(clock, 500);
    let s = scrape(metrics.render());
    assert.equal(s.value('floatd_service_state', { service: 'web', state: 'UP' }), 1);
    assert.equal(s.value('floatd_service_prefixes_announced', { service: 'web' }), 1);
    const passes = probe.calls.length;
    assert.ok(passes >= 1);
    healthy = false;
    await advance(clock, 1000);
    s = scrape(metrics.render());
    const failures = probe.calls.length - passes;
    assert.ok(failures >= 1);
    assert.equal(s.value('floatd_service_state', { service: 'web', state: 'DOWN' }), 1);
    assert.equal(s.value('floatd_service_serving', { service: 'web' }), 0);
    assert.equal(s.value('floatd_service_prefixes_announced', { service: 'web' }), 0);
    assert.equal(s.value('floatd_probe_total', { service: 'web', result: 'success' }), passes);
    assert.equal(s.value('floatd_probe_total', { service: 'web', result: 'failure' }), failures);
    assert.equal(s.value('floatd_probe_duration_seconds_count', { service: 'web' }), passes + failures);
    assert.equal(s.value('floatd_service_transitions_total', { service: 'web', from: 'UP', to: 'DOWN' }), 1);
    assert.equal(s.value('floatd_withdraw_latency_seconds_count', { service: 'web' }), 1);
    const since = serviceRoutes.status()[0]!.since;
    assert.equal(s.value('floatd_service_seconds_since_change', { service: 'web' }), (clock.now() - since) / 1000);
  } finally {
    unsubscribe();
    serviceRoutes.stop();
  }
});
