// The status page's HTTP side: what each path serves, and every way an
// action request is refused (disabled, wrong method, another site, no or
// wrong token, not JSON, unknown service) before anything is changed.

import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { startMetricsServer } from '../../src/metrics/server.js';
import type { StatusPage } from '../../src/metrics/status-page/http.js';
import type { StatusDocument } from '../../src/metrics/status-page/status-document.js';
import { fixture, viewsOf } from './status-fixture.js';

const log = pino({ level: 'silent' });
const TOKEN = 'a'.repeat(20) + 'Z'.repeat(20);

async function withServer(page: StatusPage, fn: (base: string) => Promise<void>): Promise<void> {
  const server: http.Server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, () => 'm 1\n', log, page);
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    actions: {
      token: { reveal: () => TOKEN },
      maintenance: (on: boolean, service?: string) => {
        calls.push(`maintenance ${on} ${service}`);
        return { services: [service] };
      },
      drain: async (service?: string) => {
        calls.push(`drain ${service}`);
        return { services: [service] };
      },
    },
  };
}

test('GET / is the page with a strict CSP, /status.json its data, /metrics as before; other methods 405', async () => {
  const st = fixture();
  await withServer({ views: viewsOf(st), wallClock: () => 0 }, async (base) => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await page.text();
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /https?:\/\/(?!127\.)/, 'nothing fetched from elsewhere');
    assert.doesNotMatch(html, /<button/, 'no buttons without actions');

    const res = await fetch(`${base}/status.json`);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const doc = (await res.json()) as StatusDocument;
    assert.equal(doc.generatedAt, '1970-01-01T00:00:00.000Z');
    assert.equal(doc.actions, false);
    assert.deepEqual(
      doc.services.map((s) => [s.name, s.state, s.sinceSeconds, s.reason]),
      [
        ['web', 'UP', 120, '3 checks passed (rise 3)'],
        ['db', 'DOWN', 30, '3 checks failed (fall 3): connect ECONNREFUSED 127.0.0.1:5432'],
      ],
    );
    assert.deepEqual(doc.services[1]?.held, [{ prefix: '192.0.2.20/32', forSeconds: 30 }]);
    assert.deepEqual(doc.services[0]?.lastProbes.map((p) => p.agoSeconds), [6, 4, 2]);
    assert.deepEqual(doc.events.map((e) => e.service), ['db', 'web'], 'newest first');
    assert.equal(doc.peers[0]?.hostname, st.peers[0]?.capabilities?.['hostname']);
    assert.equal(doc.peers[1]?.uptimeSeconds, null);

    assert.equal(await (await fetch(`${base}/metrics`)).text(), 'm 1\n');
    assert.equal((await fetch(`${base}/nothing`)).status, 404);
    const post = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await fetch(`${base}/actions/maintenance`, { method: 'POST', body: '{}' })).status, 404, 'actions are off by default');
  });
});

test('actions: POST only, same site only, the right bearer token, a JSON body naming a known service', async () => {
  const r = recorder();
  await withServer({ views: viewsOf(fixture()), actions: r.actions }, async (base) => {
    const json = { 'Content-Type': 'application/json' };
    const auth = { ...json, Authorization: `Bearer ${TOKEN}` };
    const send = (path: string, headers: Record<string, string>, body: string, method = 'POST') => fetch(`${base}${path}`, { method, headers, ...(method === 'POST' ? { body } : {}) });
    const ok = JSON.stringify({ service: 'web', on: true });
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['GET', send('/actions/maintenance', auth, ok, 'GET'), 405, /POST only/],
      ['unknown action', send('/actions/reboot', auth, ok), 404, /no such action/],
      ['no token', send('/actions/maintenance', json, ok), 401, /bearer token/],
      ['wrong token', send('/actions/maintenance', { ...json, Authorization: `Bearer ${TOKEN}x` }, ok), 401, /bearer token/],
      ['basic auth', send('/actions/maintenance', { ...json, Authorization: `Basic ${TOKEN}` }, ok), 401, /bearer token/],
      ['another origin', send('/actions/maintenance', { ...auth, Origin: 'http://evil.example' }, ok), 403, /another site/],
      ['cross-site fetch', send('/actions/maintenance', { ...auth, 'Sec-Fetch-Site': 'cross-site' }, ok), 403, /cross-site/],
      ['a form post', send('/actions/maintenance', { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' }, 'service=web&on=true'), 415, /application\/json/],
      ['not JSON', send('/actions/maintenance', auth, '{'), 400, /not JSON/],
      ['no on', send('/actions/maintenance', auth, JSON.stringify({ service: 'web' })), 400, /"on"/],
      ['no service', send('/actions/drain', auth, JSON.stringify({})), 400, /"service"/],
      ['unknown service', send('/actions/drain', auth, JSON.stringify({ service: 'nope' })), 404, /no service "nope"/],
      ['too large', send('/actions/drain', auth, JSON.stringify({ service: 'web', pad: 'x'.repeat(5000) })), 413, /larger/],
    ];
    for (const [what, res, status, error] of cases) {
      const got = await res;
      assert.equal(got.status, status, what);
      assert.match(((await got.json()) as { error: string }).error, error, what);
    }
    assert.deepEqual(r.calls, [], 'nothing was changed by a refused request');

    const same = await send('/actions/maintenance', { ...auth, Origin: base, 'Sec-Fetch-Site': 'same-origin' }, ok);
    assert.equal(same.status, 200);
    assert.deepEqual(await same.json(), { services: ['web'] });
    const drain = await send('/actions/drain', auth, JSON.stringify({ service: 'db' }));
    assert.equal(drain.status, 202);
    assert.deepEqual(await drain.json(), { draining: 'db' });
    assert.deepEqual(r.calls, ['maintenance true web', 'drain db']);

    const html = await (await fetch(`${base}/`)).text();
    assert.match(html, /<input id="token" type="password"/);
    assert.match(html, /<button type="button" data-action="maintenance" data-service="web" data-on="true">maint<\/button>/);
    assert.doesNotMatch(html, new RegExp(TOKEN), 'the page never holds the token');
  });
});
