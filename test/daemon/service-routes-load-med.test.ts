// ServiceRoutes with med-from-load, on a fake clock with fake load figures:
// the MED follows the load in steps, waits out min-interval, and a change is
// published only when the MED value changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Announcement } from '../../src/bgp/rib/announcement.js';
import { parseConfigText } from '../../src/config/index.js';
import { ServiceRoutes } from '../../src/daemon/service-routes.js';
import type { LoadSources } from '../../src/health/probes/load.js';
import { FakeClock } from '../../src/util/clock.js';
import { advance, fail, ManualProbe, pass, silent } from '../health/helpers/fakes.js';

const PREFIX = '192.0.2.10/32';

function setup(lines: string[], established: (port: number) => Promise<number>) {
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors: [{ address: 192.0.2.254, peer-as: 64512 }]',
      'services:',
      '  - name: web',
      `    prefixes: [${PREFIX}]`,
      '    check: { listener: { port: 443 } }',
      ...lines.map((l) => `    ${l}`),
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  const clock = new FakeClock();
  let healthy = true;
  const ports: number[] = [];
  const sources: LoadSources = {
    loadavg: () => [0, 0, 0],
    cpuCount: () => 1,
    meminfo: () => Promise.reject(new Error('not used')),
    established: (port) => {
      ports.push(port);
      return established(port);
    },
  };
  const published: { at: number; entries: readonly Announcement[] }[] = [];
  const serviceRoutes = new ServiceRoutes({
    announce: [],
    services: cfg.services ?? [],
    sink: { setAnnouncements: (entries) => published.push({ at: clock.now(), entries }) },
    clock,
    log: silent,
    random: () => 0,
    loadSources: sources,
    createProbe: () => {
      const p = new ManualProbe(clock);
      p.auto = () => (healthy ? pass() : fail());
      return p;
    },
  });
  return {
    clock,
    serviceRoutes,
    published,
    ports,
    setHealthy: (h: boolean) => (healthy = h),
    med: () => published.at(-1)?.entries.find((e) => e.prefix === PREFIX)?.med,
    announced: () => published.at(-1)?.entries.some((e) => e.prefix === PREFIX) ?? false,
  };
}

const LOAD_MED = 'med-from-load: { source: connections, port: 443, low: 0, high: 90, min: 100, max: 1000, step: 100, interval: 1, min-interval: 10 }';

test('the MED follows the load in steps, waits for min-interval, and only a new value is published', async () => {
  let conns = 10;
  const t = setup([LOAD_MED], () => Promise.resolve(conns));
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.announced(), true);
  assert.equal(t.med(), 200, '10 connections: one step above min');
  assert.deepEqual([...new Set(t.ports)], [443]);
  assert.deepEqual(t.serviceRoutes.status()[0]!.loadMed, { load: 10, med: 200 });

  const count = t.published.length;
  for (const c of [14, 16, 12, 15, 6]) {
    conns = c;
    await advance(t.clock, 1000);
  }
  assert.equal(t.published.length, count, 'wobbling within the step publishes nothing');

  conns = 50;
  await advance(t.clock, 10_000 - t.clock.now() - 10);
  assert.equal(t.published.length, count, 'min-interval: not before 10 s after the first value');
  await advance(t.clock, 20);
  assert.equal(t.published.length, count + 1);
  assert.equal(t.published.at(-1)!.at, 10_000);
  assert.equal(t.med(), 600, '50 connections: level 5');
  assert.deepEqual(t.serviceRoutes.status()[0]!.loadMed, { load: 50, med: 600 });

  await advance(t.clock, 30_000);
  assert.equal(t.published.length, count + 1, 'a steady load: nothing more');
  t.serviceRoutes.stop();
});

test('a service that is not serving publishes no MED change; it comes back with the current MED', async () => {
  let conns = 0;
  const t = setup([LOAD_MED, 'rise: 1', 'fall: 1'], () => Promise.resolve(conns));
  t.serviceRoutes.start();
  await advance(t.clock, 100);
  assert.equal(t.med(), 100);
  t.setHealthy(false);
  await advance(t.clock, 2000);
  assert.equal(t.announced(), false);
  const count = t.published.length;
  conns = 90;
  await advance(t.clock, 12_000);
  assert.equal(t.published.length, count, 'MED changed while withdrawn: nothing to send');
  assert.equal(t.serviceRoutes.status()[0]!.loadMed?.med, 1000);
  t.setHealthy(true);
  await advance(t.clock, 2000);
  assert.equal(t.announced(), true);
  assert.equal(t.med(), 1000);
  t.serviceRoutes.stop();
});

test('before the first reading the MED is max; a failing reading keeps the last MED', async () => {
  let answer: (n: number) => void = () => undefined;
  let failNext = false;
  const t = setup([LOAD_MED, 'rise: 1'], () =>
    failNext ? Promise.reject(new Error('EACCES: /proc/net/tcp')) : new Promise<number>((r) => (answer = r)),
  );
  t.serviceRoutes.start();
  await advance(t.clock, 100);
  assert.equal(t.med(), 1000, 'no reading yet: the highest MED, so an unmeasured instance attracts nothing extra');
  assert.deepEqual(t.serviceRoutes.status()[0]!.loadMed, { load: null, med: null });
  answer(0);
  await advance(t.clock, 10);
  assert.equal(t.med(), 100);
  failNext = true;
  const count = t.published.length;
  await advance(t.clock, 15_000);
  assert.equal(t.published.length, count);
  assert.equal(t.med(), 100);
  t.serviceRoutes.stop();
});

test('med-from-load with role-style med: the tier is added on top of the load MED', async () => {
  const t = setup([LOAD_MED, 'rise: 1', 'role: secondary', 'role-style: med'], () => Promise.resolve(30));
  t.serviceRoutes.start();
  await advance(t.clock, 100);
  assert.equal(t.med(), 400 + 100);
  t.serviceRoutes.stop();
});
