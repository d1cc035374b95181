import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { DaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { MetricsListenError, startMetricsServer } from '../../src/metrics/server.js';
import { scrape } from './scrape.js';

const log = pino({ level: 'silent' });
const close = (s: http.Server): Promise<void> => new Promise((r) => s.close(() => r()));
const base = (s: http.Server): string => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

test('GET /metrics serves the exposition with the 0.0.4 content type', async () => {
  const metrics = new DaemonMetrics({
    peers: () => ({
      peers: [
        {
          address: '127.0.0.2',
          state: 'Established',
          uptimeSeconds: 5,
          messages: { in: 4, out: 6 },
          updates: { in: 1, out: 2 },
          prefixesReceived: 10,
          prefixesAnnounced: 1,
          establishedTransitions: 1,
        },
      ],
    }),
    services: () => [{ name: 'web', state: 'UP', since: 0, serving: true, announced: ['192.0.2.10/32'] }],
    clock: { now: () => 2500 },
    process: () => ({ residentMemoryBytes: 100, cpuSeconds: 2, startTimeSeconds: 3, heapBytes: 50 }),
    version: '0.1.0',
  });
  metrics.probe({ service: 'web', ok: false, durationMs: 5, timedOut: true, atMs: 1 });
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, () => metrics.render(), log);
  try {
    const res = await fetch(`${base(server)}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(body)));
    const s = scrape(body);
    assert.equal(s.value('floatd_peer_up', { peer: '127.0.0.2' }), 1);
    assert.equal(s.value('floatd_peer_messages_sent_total', { peer: '127.0.0.2' }), 6);
    assert.equal(s.value('floatd_service_seconds_since_change', { service: 'web' }), 2.5);
    assert.equal(s.value('floatd_probe_timeouts_total', { service: 'web' }), 1);
    assert.equal(s.value('floatd_probe_duration_seconds_bucket', { service: 'web', le: '0.005' }), 1);
    assert.equal(s.value('floatd_process_cpu_seconds_total'), 2);

    // Prometheus may add query parameters.
    assert.equal((await fetch(`${base(server)}/metrics?x=1`)).status, 200);
    const head = await fetch(`${base(server)}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  } finally {
    await close(server);
  }
});

test('other paths are 404, other methods 405 with Allow, a failing render 500', async () => {
  let fail = false;
  const server = await startMetricsServer(
    { host: '127.0.0.1', port: 0 },
    () => {
      if (fail) throw new Error('boom');
      return '';
    },
    log,
  );
  try {
    for (const path of ['/', '/metric', '/metrics/', '/status']) {
      const res = await fetch(`${base(server)}${path}`);
      assert.equal(res.status, 404, path);
      await res.text();
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(`${base(server)}/metrics`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      await res.text();
    }
    fail = true;
    const res = await fetch(`${base(server)}/metrics`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /boom/);
  } finally {
    await close(server);
  }
});

test('an address in use is a clear error', async () => {
  const first = await startMetricsServer({ host: '127.0.0.1', port: 0 }, () => '', log);
  const port = (first.address() as AddressInfo).port;
  try {
    await assert.rejects(startMetricsServer({ host: '127.0.0.1', port }, () => '', log), (e: unknown) => {
      assert.ok(e instanceof MetricsListenError);
      assert.equal(e.code, 'ERR_METRICS_ADDRESS_IN_USE');
      assert.match(e.message, new RegExp(`^metrics address 127\\.0\\.0\\.1:${port} is in use`));
      return true;
    });
    // 192.0.2.0/24 is documentation space, on no interface of a test machine.
    await assert.rejects(startMetricsServer({ host: '192.0.2.77', port: 0 }, () => '', log), /192\.0\.2\.77:0 is not an address of this host/);
  } finally {
    await close(first);
  }
});
