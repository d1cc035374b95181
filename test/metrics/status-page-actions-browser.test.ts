// The page's action buttons in headless Chromium: a click asks for
// confirmation, then sends the command with the token typed into the page;
// without the token the server refuses and the page says so.

import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { startMetricsServer } from '../../src/metrics/server.js';
import { Chromium } from './chromium.js';
import { fixture, viewsOf } from './status-fixture.js';

const TOKEN = 'f00d'.repeat(10);

test('a maintenance click is confirmed, carries the token, and is refused without it', { timeout: 60_000 }, async () => {
  const calls: string[] = [];
  const server: http.Server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, () => '', pino({ level: 'silent' }), {
    views: viewsOf(fixture()),
    actions: {
      token: { reveal: () => TOKEN },
      maintenance: (on, service) => {
        calls.push(`maintenance ${on} ${service}`);
        return { services: [service] };
      },
      drain: async (service) => {
        calls.push(`drain ${service}`);
        return { services: [service] };
      },
    },
  });
  const browser = await Chromium.launch();
  try {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    browser.on('Page.javascriptDialogOpening', (p) => {
      dialogs.push(String(p['message']));
      void page.send('Page.handleJavaScriptDialog', { accept: true });
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const click = `document.querySelector('button[data-action="maintenance"][data-service="web"]').click()`;
    const result = `document.getElementById('action-result').textContent`;

    await page.evaluate(click);
    await page.waitFor(`${result}.includes('refused')`);
    assert.equal(await page.evaluate(result), 'Maintenance for web: refused: a valid bearer token is required');
    assert.deepEqual(calls, []);

    await page.evaluate(`(() => { const t = document.getElementById('token'); t.value = '${TOKEN}'; t.dispatchEvent(new Event('change')); })()`);
    await page.evaluate(click);
    await page.waitFor(`${result}.endsWith('done')`);
    assert.deepEqual(calls, ['maintenance true web']);
    assert.deepEqual(dialogs, ['Maintenance for web?', 'Maintenance for web?']);
    assert.equal(await page.evaluate(`sessionStorage.getItem('floatd-token') === '${TOKEN}'`), true);
    assert.equal(await page.evaluate(`document.cookie`), '', 'no cookie holds the token');
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
