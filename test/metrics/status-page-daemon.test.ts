// The status page of a real Daemon: its views passed through, the new
// metrics beside the old, and the page's maintenance action withdrawing a
// service at a real receiver, only with the configured token.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StatusDocument } from '../../src/metrics/status-page/status-document.js';
import { Cleanup, FLOATD_AS, freePort, neighbor, Receiver, tcpService, tcpServiceEntry, tempDir, TestDaemon, waitFor } from '../daemon/helpers/harness.js';
import { scrape } from './scrape.js';

const TOKEN = 'c0ffee'.repeat(8);

test('a running daemon serves its status page, status.json and token-protected maintenance on the metrics listener', { timeout: 40_000 }, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.9.1';
    const WEB = '198.51.100.40/32';
    const svc = await tcpService(c);
    const a = await Receiver.start(c, '127.77.9.2', [local]);
    const port = await freePort('127.0.0.1');
    writeFileSync(join(dir, 'status-token'), `${TOKEN}\n`);
    await TestDaemon.start(c, dir, {
      'router-id': local,
      'local-as': FLOATD_AS,
      metrics: { listen: `127.0.0.1:${port}`, actions: { 'token-file': 'status-token' } },
      neighbors: [neighbor({ receiver: a, local })],
      services: [tcpServiceEntry('web', [WEB], svc.port, { role: 'secondary' })],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the receiver to hold the service prefix', () => a.has(WEB));

    const doc = (await (await fetch(`${base}/status.json`)).json()) as StatusDocument;
    assert.equal(doc.routerId, local);
    assert.equal(doc.actions, true);
    assert.deepEqual(
      doc.services.map((s) => [s.name, s.state, s.role, s.announced]),
      [['web', 'UP', 'secondary', [WEB]]],
    );
    assert.ok((doc.services[0]?.lastProbes.length ?? 0) >= 2);
    assert.deepEqual(
      doc.peers.map((p) => [p.address, p.state, p.prefixesAnnounced]),
      [[a.address, 'Established', 1]],
    );
    assert.deepEqual(
      doc.events.map((e) => `${e.from}->${e.to}`),
      ['RISING->UP', 'INIT->RISING'],
    );

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'sha256-/);
    assert.match(await page.text(), /<tr class="service" data-service="web">/);

    const m = scrape(await (await fetch(`${base}/metrics`)).text());
    assert.equal(m.value('floatd_service_withdraws_total', { service: 'web' }), 0);
    assert.ok(m.value('floatd_service_seconds_since_last_success', { service: 'web' }) < 5);

    const post = (token: string, body: unknown) =>
      fetch(`${base}/actions/maintenance`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const refused = await post('not-the-token', { service: 'web', on: true });
    assert.equal(refused.status, 401);
    assert.ok(a.has(WEB), 'a refused action changes nothing');

    const done = await post(TOKEN, { service: 'web', on: true });
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { services: ['web'] });
    await waitFor('the withdraw at the receiver', () => !a.has(WEB));
    const after = (await (await fetch(`${base}/status.json`)).json()) as StatusDocument;
    assert.equal(after.services[0]?.state, 'DISABLED');
    assert.deepEqual(after.services[0]?.disabledBy, ['operator']);
    assert.equal(scrape(await (await fetch(`${base}/metrics`)).text()).value('floatd_service_withdraws_total', { service: 'web' }), 1);

    assert.equal((await post(TOKEN, { service: 'web', on: false })).status, 200);
    await waitFor('the service back at the receiver', () => a.has(WEB));
  } finally {
    await c.run();
  }
});
