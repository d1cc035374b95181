// The status page as a person sees it, in Debian's headless Chromium: the
// rows and their state text, a hostile peer hostname shown as text, and the
// page refreshing itself when a state changes. Set FLOATD_SCREENSHOT=PATH to
// keep a screenshot (docs/status-page.png is made that way).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { startMetricsServer } from '../../src/metrics/server.js';
import { Chromium, type Page } from './chromium.js';
import { fixture, HOSTILE_HOSTNAME, HOSTILE_SHUTDOWN, service, viewsOf } from './status-fixture.js';

const log = pino({ level: 'silent' });
const st = fixture();
let server: http.Server;
let browser: Chromium;
let page: Page;
const errors: string[] = [];

const rows = (table: string): Promise<string[][]> =>
  page.evaluate<string[][]>(`[...document.querySelectorAll('#${table} tbody tr')].map((tr) => [...tr.cells].map((c) => c.innerText.trim()))`);
const headers = (table: string): Promise<string[]> => page.evaluate<string[]>(`[...document.querySelectorAll('#${table} thead th')].map((th) => th.innerText.trim())`);

before(async () => {
  server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, () => '', log, { views: viewsOf(st), wallClock: () => Date.parse('2025-01-01T10:02:00Z') });
  browser = await Chromium.launch();
  browser.on('Runtime.exceptionThrown', (p) => errors.push(JSON.stringify(p)));
  browser.on('Log.entryAdded', (p) => errors.push(JSON.stringify(p)));
  page = await browser.newPage(1360, 760);
  await page.send('Log.enable');
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

after(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

test('services show one row each with their state, reason and prefixes', async () => {
  assert.equal(await page.evaluate('document.title'), 'floatd 192.0.2.254');
  assert.deepEqual(await headers('services'), ['Service', 'State', 'Since', 'Reason', 'Role', 'Last checks', 'Announced', 'Held back']);
  const [web, db, ...rest] = await rows('services');
  assert.equal(rest.length, 0);
  assert.deepEqual(web?.slice(0, 5), ['web', 'UP', '2 m 00 s', '3 checks passed (rise 3)', 'primary']);
  assert.match(web?.[5] ?? '', /✓✓✓ 13 ms/);
  assert.equal(web?.[6], '192.0.2.10/32');
  assert.deepEqual(db?.slice(0, 4), ['db', 'DOWN', '30 s', '3 checks failed (fall 3): connect ECONNREFUSED 127.0.0.1:5432']);
  assert.equal(db?.[6], '');
  assert.equal(db?.[7], '192.0.2.20/32 (30 s)');
  // Colour follows state: the page's own classes, not the state text.
  assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('#services td.state')].map((td) => getComputedStyle(td).backgroundColor)`), [
    'rgb(199, 240, 194)',
    'rgb(246, 185, 185)',
  ]);
  assert.match(await page.evaluate<string>(`document.getElementById('summary').innerText`), /services serving: 1 of 2/);
});

test('peers show one row each; no BFD column while no peer reports BFD', async () => {
  assert.deepEqual(await headers('peers'), ['Peer', 'State', 'Uptime', 'AS', 'Router ID', 'Timers', 'Prefixes in', 'Prefixes out', 'Established', 'Last error']);
  const [v4, v6] = await rows('peers');
  assert.equal(v4?.[1], 'Established');
  assert.equal(v4?.[2], '1 h 02 m');
  assert.equal(v4?.[5], 'hold 90 s, keepalive 30 s');
  assert.equal(v6?.[0], '2001:db8::1');
  assert.equal(v6?.[1], 'Active');
  assert.equal(v6?.[2], '');
});

test('a hostile peer hostname and shutdown text are shown as text, and run nothing', async () => {
  const host = await page.evaluate<string>(`document.querySelector('#peers tr[data-peer="192.0.2.1"] .host').textContent`);
  assert.equal(host, HOSTILE_HOSTNAME);
  const lastError = await page.evaluate<string>(`document.querySelector('#peers tr[data-peer="2001:db8::1"]').cells[9].textContent`);
  assert.equal(lastError, HOSTILE_SHUTDOWN);
  assert.equal(await page.evaluate('document.querySelectorAll("img").length + document.querySelectorAll("main script, #status script").length'), 0);
  assert.equal(await page.evaluate('window.__pwned === undefined'), true);
});

test('the page refreshes itself: a changed state, a BFD column and a VRRP section appear without a reload', async () => {
  await page.evaluate('window.__sameDocument = true');
  st.now += 2000;
  st.services[0] = service('web', 'DOWN', {
    since: st.now - 100,
    role: 'primary',
    transitions: [{ reason: '3 checks failed (fall 3): HTTP 503', at: st.now - 100 }],
  });
  st.peers[0] = { ...st.peers[0]!, bfd: { state: 'Up', interval: '300 ms', multiplier: 3 } };
  st.sections.push({ title: 'VRRP', rows: [{ instance: 'vi-web', interface: 'eth0', state: 'MASTER', priority: 150 }] });
  st.events.push({ at: '2025-01-01T10:02:01.000Z', service: 'web', from: 'FALLING', to: 'DOWN', reason: '3 checks failed (fall 3): HTTP 503', kind: 'transition' });
  await page.waitFor(`document.querySelector('#services tr[data-service="web"] td.state')?.innerText === 'DOWN'`, 8000);
  assert.equal(await page.evaluate('window.__sameDocument'), true, 'refreshed in place, not reloaded');
  const [web] = await rows('services');
  assert.equal(web?.[3], '3 checks failed (fall 3): HTTP 503');
  assert.equal((await headers('peers')).at(-1), 'BFD');
  const [v4, v6] = await rows('peers');
  assert.equal(v4?.at(-1), 'Up\ninterval: 300 ms\nmultiplier: 3');
  assert.equal(v6?.at(-1), '');
  assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('section.extra h2')].map((h) => h.innerText)`), ['VRRP']);
  assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('section.extra tbody td')].map((c) => c.innerText)`), ['vi-web', 'eth0', 'MASTER', '150']);
  const [newest] = await rows('events');
  assert.deepEqual(newest, ['2025-01-01 10:02:01Z', 'web', 'FALLING → DOWN', '3 checks failed (fall 3): HTTP 503']);
  assert.match(await page.evaluate<string>(`document.getElementById('refresh').innerText`), /^updated .*, every 2 s$/);
  assert.deepEqual(errors, [], 'no script error and no blocked resource');
});

test('a stopped server marks the page stale instead of showing old figures as current', async () => {
  // web back up and a service in maintenance, for a screenshot with every colour.
  st.now += 2000;
  st.services[0] = service('web', 'UP', {
    since: st.now - 1500,
    role: 'primary',
    transitions: [{ reason: '3 checks passed (rise 3)', at: st.now - 1500 }],
    lastProbes: [0, 1, 2, 3, 4, 5].map((i) => ({ ok: i !== 2, durationMs: 3 + i, timedOut: false, detail: i === 2 ? 'HTTP 503' : 'HTTP 200', atMs: st.now - 6000 + i * 1000 })),
  });
  st.services.push(service('mail', 'DISABLED', { since: st.now - 600_000, disabledBy: ['operator'], role: 'secondary', transitions: [{ reason: 'maintenance on: operator command', at: st.now - 600_000 }] }));
  await page.waitFor(`document.querySelector('#services tr[data-service="mail"] td.state')?.innerText.startsWith('DISABLED')`, 8000);
  const shot = await page.screenshot();
  assert.deepEqual([...shot.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (process.env['FLOATD_SCREENSHOT']) writeFileSync(process.env['FLOATD_SCREENSHOT'], shot);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await page.waitFor(`document.body.classList.contains('stale')`, 8000);
  assert.match(await page.evaluate<string>(`document.getElementById('refresh').innerText`), /^not updated since /);
});
