// ServiceRoutes' operator commands and views, on a fake clock: maintenance
// for one service, all, or an unknown one; the RFC 8326 drain in every
// state; shutdown with drain-on-stop; the event log; observers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Announcement } from '../../src/bgp/rib/announcement.js';
import { parseConfigText } from '../../src/config/index.js';
import { ServiceRoutes, EVENT_LOG_SIZE, type ServiceRoutesOptions } from '../../src/daemon/service-routes.js';
import type { ProbeObservation, TransitionObservation, WithdrawObservation } from '../../src/route-policy/observer.js';
import { FakeClock } from '../../src/util/clock.js';
import { advance, fail, flush, ManualProbe, pass, silent } from '../health/helpers/fakes.js';

/** 65535:0, written out rather than taken from the code under test. */
const GSHUT = 0xffff0000;
const WEB = ['192.0.2.10/32', '192.0.2.11/32'];
const DB = ['192.0.2.20/32'];

function setup(web: string[] = [], db: string[] = [], opts: Partial<ServiceRoutesOptions> = {}) {
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors: [{ address: 192.0.2.254, peer-as: 64512 }]',
      'services:',
      '  - name: web',
      `    prefixes: [${WEB.join(', ')}]`,
      '    check: { tcp: { host: 127.0.0.1, port: 80 } }',
      '    med: 100',
      '    communities: ["65000:7"]',
      ...web.map((l) => `    ${l}`),
      '  - name: db',
      `    prefixes: [${DB.join(', ')}]`,
      '    check: { tcp: { host: 127.0.0.1, port: 5432 } }',
      ...db.map((l) => `    ${l}`),
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  const clock = new FakeClock();
  const health = new Map<string, boolean>([
    ['web', true],
    ['db', true],
  ]);
  const probes = new Map<string, ManualProbe>();
  const published: { at: number; entries: readonly Announcement[] }[] = [];
  const serviceRoutes = new ServiceRoutes({
    announce: [],
    services: cfg.services ?? [],
    sink: { setAnnouncements: (entries) => published.push({ at: clock.now(), entries }) },
    clock,
    log: silent,
    random: () => 0,
    wallClock: () => Date.UTC(2024, 0, 2, 3, 4, 5) + clock.now(),
    createProbe: (_spec, service) => {
      const p = new ManualProbe(clock);
      p.auto = () => (health.get(service.name) ? pass('200') : fail('refused'));
      probes.set(service.name, p);
      return p;
    },
    ...opts,
  });
  const last = (): readonly Announcement[] => published.at(-1)?.entries ?? [];
  return {
    clock,
    serviceRoutes,
    published,
    probes,
    setHealthy: (name: string, h: boolean) => health.set(name, h),
    /** Prefixes of `service` in the last list handed to the sink. */
    announced: (prefixes: readonly string[]) => last().filter((e) => prefixes.includes(e.prefix)).map((e) => e.prefix),
    entry: (prefix: string) => last().find((e) => e.prefix === prefix),
    state: (name: string) => serviceRoutes.status().find((s) => s.name === name)!.state,
    svc: (name: string) => serviceRoutes.status().find((s) => s.name === name)!,
  };
}

/** Check timings for the tests that count in milliseconds, fixed here so they do not follow the health defaults. */
const TIMING = ['interval: 2', 'fast-interval: 0.5', 'timeout: 1'];

/** Start and let both services come UP (three passes at the fast interval, well within 1100 ms). */
async function upAndRunning(t: ReturnType<typeof setup>): Promise<void> {
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.state('web'), 'UP');
  assert.equal(t.state('db'), 'UP');
}

/** Resolves to the value, or 'pending' if the promise has not settled after the microtasks ran. */
async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  let v: T | 'pending' = 'pending';
  void p.then((x) => (v = x));
  await flush();
  return v;
}

test('maintenance for all services (no name) returns every name; off brings them all back after rise', async () => {
  const t = setup();
  await upAndRunning(t);
  assert.deepEqual(t.serviceRoutes.setMaintenance(true, undefined, 'rack move'), ['web', 'db']);
  assert.equal(t.state('web'), 'DISABLED');
  assert.equal(t.state('db'), 'DISABLED');
  assert.deepEqual(t.announced([...WEB, ...DB]), []);
  assert.deepEqual(t.svc('web').disabledBy, ['operator']);
  assert.match(t.svc('web').transitions.at(-1)!.reason, /disabled by operator: rack move/);
  assert.deepEqual(t.serviceRoutes.setMaintenance(false), ['web', 'db']);
  assert.equal(t.state('web'), 'INIT');
  await advance(t.clock, 2000);
  assert.deepEqual(t.announced([...WEB, ...DB]), [...WEB, ...DB]);
  t.serviceRoutes.stop();
});

test('maintenance for an unknown service throws, naming the known ones, and changes nothing', async () => {
  const t = setup();
  await upAndRunning(t);
  const count = t.published.length;
  assert.throws(() => t.serviceRoutes.setMaintenance(true, 'mail'), { message: 'unknown service "mail" (known services: web, db)' });
  await assert.rejects(t.serviceRoutes.drain('mail'), /unknown service "mail" \(known services: web, db\)/);
  assert.equal(t.published.length, count);
  assert.equal(t.state('web'), 'UP');
  t.serviceRoutes.stop();

  const none = new ServiceRoutes({ announce: [], services: [], sink: { setAnnouncements: () => undefined }, clock: new FakeClock(), log: silent });
  assert.throws(() => none.setMaintenance(true, 'web'), /known services: none configured/);
  assert.deepEqual(none.setMaintenance(true), []);
});

test('drain: GRACEFUL_SHUTDOWN and LOCAL_PREF 0 at once, kept for the default 3 s, then withdraw and DISABLED', async () => {
  const t = setup();
  await upAndRunning(t);
  const start = t.clock.now();
  const before = t.published.length;
  const done = t.serviceRoutes.drain('web');
  assert.equal(t.published.length, before + 1, 'one re-announcement, synchronously');
  for (const p of WEB) {
    const e = t.entry(p)!;
    assert.deepEqual(e.communities, [65000 * 65536 + 7, GSHUT], `${p} keeps its community and gains 65535:0`);
    assert.equal(e.localPref, 0);
    assert.equal(e.med, 100);
  }
  assert.deepEqual(t.entry(DB[0]!)!.communities, [], 'db untouched');
  assert.equal(t.state('web'), 'UP', 'the health state does not change while draining');
  assert.equal(t.svc('web').draining, start + 3000);
  assert.equal(t.svc('db').draining, null);

  await advance(t.clock, 2990);
  assert.equal(await peek(done), 'pending');
  assert.deepEqual(t.announced(WEB), WEB, 'still announced just before the drain time');
  assert.deepEqual(t.entry(WEB[0]!)!.communities, [65000 * 65536 + 7, GSHUT]);

  const n = t.published.length;
  await advance(t.clock, 20);
  assert.deepEqual(await peek(done), ['web']);
  assert.deepEqual(t.announced(WEB), []);
  assert.equal(t.published.slice(n).find((p) => !p.entries.some((e) => e.prefix === WEB[0]))!.at, start + 3000, 'withdrawn at the drain time');
  assert.equal(t.state('web'), 'DISABLED');
  assert.equal(t.svc('web').draining, null);
  assert.deepEqual(t.announced(DB), DB);

  const ev = t.serviceRoutes.events().filter((e) => e.service === 'web' && e.atMs >= start);
  assert.deepEqual(
    ev.map((e) => [e.kind, e.from, e.to, e.reason]),
    [
      ['command', 'UP', 'UP', 'drain for 3 s: operator'],
      ['transition', 'UP', 'DISABLED', 'disabled by operator: drained for 3 s (operator)'],
    ],
  );
  t.serviceRoutes.stop();
});

test('drain with time and local-pref from the config', async () => {
  const t = setup(['drain: { time: 0.5, local-pref: 20 }']);
  await upAndRunning(t);
  const done = t.serviceRoutes.drain('web');
  assert.equal(t.entry(WEB[0]!)!.localPref, 20);
  await advance(t.clock, 490);
  assert.equal(await peek(done), 'pending');
  await advance(t.clock, 20);
  assert.deepEqual(await peek(done), ['web']);
  assert.equal(t.state('web'), 'DISABLED');
  t.serviceRoutes.stop();
});

test('drain of a DOWN service goes straight to maintenance and resolves at once', async () => {
  const t = setup();
  t.setHealthy('web', false);
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.state('web'), 'DOWN');
  const count = t.published.length;
  const done = t.serviceRoutes.drain('web', 'planned');
  assert.deepEqual(await peek(done), ['web']);
  assert.equal(t.state('web'), 'DISABLED');
  assert.equal(t.published.length, count, 'nothing announced, nothing to publish');
  assert.ok(!t.published.some((p) => p.entries.some((e) => e.communities.includes(GSHUT))), 'never announced with GRACEFUL_SHUTDOWN');
  const ev = t.serviceRoutes.events().filter((e) => e.service === 'web').slice(-2);
  assert.equal(ev[0]!.reason, 'drain for 3 s: planned');
  assert.equal(ev[1]!.to, 'DISABLED');
  assert.match(ev[1]!.reason, /drained: nothing was announced \(planned\)/);
  t.serviceRoutes.stop();
});

test('drain, then maintenance off: INIT, RISING, and announced again without GRACEFUL_SHUTDOWN after rise', async () => {
  const t = setup(TIMING, TIMING);
  await upAndRunning(t);
  const done = t.serviceRoutes.drain('web');
  await advance(t.clock, 3010);
  assert.deepEqual(await done, ['web']);
  assert.equal(t.state('web'), 'DISABLED');
  assert.deepEqual(t.serviceRoutes.setMaintenance(false, 'web'), ['web']);
  assert.equal(t.state('web'), 'INIT');
  await advance(t.clock, 600);
  assert.equal(t.state('web'), 'RISING');
  assert.deepEqual(t.announced(WEB), []);
  await advance(t.clock, 500);
  assert.equal(t.state('web'), 'UP');
  assert.deepEqual(t.announced(WEB), WEB);
  assert.deepEqual(t.entry(WEB[0]!)!.communities, [65000 * 65536 + 7]);
  assert.equal(t.entry(WEB[0]!)!.localPref, undefined);
  t.serviceRoutes.stop();
});

test('maintenance off during a drain calls it off: normal attributes at once, the drain resolves without the service', async () => {
  const t = setup();
  await upAndRunning(t);
  const done = t.serviceRoutes.drain('web');
  await advance(t.clock, 1000);
  t.serviceRoutes.setMaintenance(false, 'web', 'changed my mind');
  assert.deepEqual(await peek(done), []);
  assert.deepEqual(t.entry(WEB[0]!)!.communities, [65000 * 65536 + 7]);
  assert.equal(t.svc('web').draining, null);
  await advance(t.clock, 5000);
  assert.equal(t.state('web'), 'UP');
  assert.deepEqual(t.announced(WEB), WEB, 'never withdrawn');
  t.serviceRoutes.stop();
});

test('maintenance on during a drain withdraws at once and the drain resolves', async () => {
  const t = setup();
  await upAndRunning(t);
  const done = t.serviceRoutes.drain();
  await advance(t.clock, 1000);
  assert.deepEqual(t.serviceRoutes.setMaintenance(true, 'db', 'now'), ['db']);
  assert.deepEqual(t.announced(DB), []);
  assert.deepEqual(t.announced(WEB), WEB, 'web still draining');
  await advance(t.clock, 2010);
  assert.deepEqual(await done, ['web', 'db']);
  assert.deepEqual(t.announced([...WEB, ...DB]), []);
  t.serviceRoutes.stop();
});

test('a service that fails while draining is withdrawn at once and the drain ends there', async () => {
  const t = setup();
  await upAndRunning(t);
  const done = t.serviceRoutes.drain('web');
  t.setHealthy('web', false);
  await advance(t.clock, 2600);
  assert.deepEqual(await peek(done), ['web']);
  assert.deepEqual(t.announced(WEB), []);
  assert.equal(t.state('web'), 'DISABLED');
  const tail = t.serviceRoutes.events().filter((e) => e.service === 'web' && e.kind === 'transition').slice(-3);
  assert.deepEqual(
    tail.map((e) => `${e.from}>${e.to}`),
    ['UP>FALLING', 'FALLING>DOWN', 'DOWN>DISABLED'],
  );
  t.serviceRoutes.stop();
});

test('a second drain of a draining service joins the first', async () => {
  const t = setup();
  await upAndRunning(t);
  const a = t.serviceRoutes.drain('web');
  await advance(t.clock, 1000);
  const b = t.serviceRoutes.drain('web');
  await advance(t.clock, 2010);
  assert.deepEqual(await a, ['web']);
  assert.deepEqual(await b, ['web']);
  t.serviceRoutes.stop();
});

test('shutdown drains only drain-on-stop services, in parallel, and resolves when they are withdrawn', async () => {
  const t = setup(['drain-on-stop: true', 'drain: { time: 2 }'], ['drain-on-stop: true', 'drain: { time: 1 }']);
  const other = setup(['drain-on-stop: true'], []);
  await upAndRunning(t);
  await upAndRunning(other);

  const start = t.clock.now();
  const done = t.serviceRoutes.shutdown();
  assert.ok(t.entry(WEB[0]!)!.communities.includes(GSHUT));
  assert.ok(t.entry(DB[0]!)!.communities.includes(GSHUT));
  await advance(t.clock, 1010);
  assert.equal(await peek(done), 'pending');
  assert.deepEqual(t.announced(DB), [], 'db drained for 1 s');
  assert.deepEqual(t.announced(WEB), WEB);
  await advance(t.clock, 1000);
  assert.equal(await peek(done), undefined, 'resolved');
  assert.deepEqual(t.announced([...WEB, ...DB]), []);
  assert.ok(t.clock.now() - start <= 2020);
  t.serviceRoutes.stop();

  const half = other.serviceRoutes.shutdown();
  assert.ok(!other.entry(DB[0]!)!.communities.includes(GSHUT), 'db has no drain-on-stop');
  await advance(other.clock, 3010);
  await half;
  assert.deepEqual(other.announced(WEB), []);
  assert.deepEqual(other.announced(DB), DB, 'left for the speaker to withdraw');
  other.serviceRoutes.stop();
});

test('shutdown with no drain-on-stop service resolves at once', async () => {
  const t = setup();
  await upAndRunning(t);
  const count = t.published.length;
  assert.equal(await peek(t.serviceRoutes.shutdown()), undefined);
  assert.equal(t.published.length, count);
  t.serviceRoutes.stop();
});

test('stop during a drain resolves it without the service', async () => {
  const t = setup();
  await upAndRunning(t);
  const done = t.serviceRoutes.drain('web');
  t.serviceRoutes.stop();
  assert.deepEqual(await peek(done), []);
});

test('events: wall-clock ISO time and clock ms, oldest first, the last 1000 kept, limit takes the newest', async () => {
  const t = setup(TIMING, TIMING);
  await upAndRunning(t);
  const first = t.serviceRoutes.events();
  assert.deepEqual(
    first.filter((e) => e.service === 'web').map((e) => `${e.from}>${e.to}`),
    ['INIT>RISING', 'RISING>UP'],
  );
  const up = first.find((e) => e.service === 'web' && e.to === 'UP')!;
  assert.equal(up.atMs, 1000);
  assert.equal(up.at, '2024-01-02T03:04:06.000Z');
  assert.equal(up.kind, 'transition');
  assert.match(up.reason, /3 checks passed in a row/);

  for (let i = 0; i < 300; i++) {
    t.clock.advance(1);
    t.serviceRoutes.setMaintenance(true, 'db', `round ${i}`);
    t.serviceRoutes.setMaintenance(false, 'db', `round ${i}`);
  }
  // Per round: 2 commands and 2 transitions (DISABLED, INIT).
  const all = t.serviceRoutes.events();
  assert.equal(all.length, EVENT_LOG_SIZE);
  assert.equal(EVENT_LOG_SIZE, 1000);
  for (let i = 1; i < all.length; i++) assert.ok(all[i]!.atMs >= all[i - 1]!.atMs, 'oldest first');
  assert.equal(all.at(-1)!.reason, 'enabled: operator cleared: round 299');
  assert.equal(all.at(-2)!.reason, 'maintenance off: round 299');
  assert.equal(all.at(-2)!.kind, 'command');
  assert.equal(all[0]!.reason, 'maintenance on: round 50', 'the oldest 200 are gone');
  assert.deepEqual(t.serviceRoutes.events(3), all.slice(-3));
  assert.deepEqual(t.serviceRoutes.events(0), []);
  t.serviceRoutes.stop();
});

test('observers: every probe result, every transition, and withdraws with their latency; unsubscribing stops them', async () => {
  const t = setup(TIMING, TIMING);
  const probes: ProbeObservation[] = [];
  const transitions: TransitionObservation[] = [];
  const withdraws: WithdrawObservation[] = [];
  const off = t.serviceRoutes.observe({ probe: (o) => probes.push(o), transition: (o) => transitions.push(o), withdraw: (o) => withdraws.push(o) });
  await upAndRunning(t);
  assert.equal(probes.filter((p) => p.service === 'web').length, 3);
  // The first run starts at 0; its result lands after the first 10 ms step of the fake clock.
  assert.deepEqual(probes[0], { service: 'web', ok: true, durationMs: 1, timedOut: false, atMs: 10 });
  assert.deepEqual(
    transitions.filter((o) => o.service === 'web').map((o) => [o.from, o.to, o.atMs]),
    [
      ['INIT', 'RISING', 10],
      ['RISING', 'UP', 1000],
    ],
  );

  t.setHealthy('web', false);
  await advance(t.clock, 2500);
  assert.equal(t.state('web'), 'DOWN');
  assert.equal(withdraws.length, 1);
  assert.equal(withdraws[0]!.service, 'web');
  assert.deepEqual(withdraws[0]!.prefixes, WEB);
  assert.ok(Number.isFinite(withdraws[0]!.latencyMs) && withdraws[0]!.latencyMs >= 0, `latency ${withdraws[0]!.latencyMs}`);
  const failed = probes.filter((p) => p.service === 'web' && !p.ok);
  assert.equal(failed.length, 2);

  t.serviceRoutes.setMaintenance(true, 'db');
  assert.equal(withdraws.length, 2, 'a command withdraw is observed too');
  assert.deepEqual(withdraws[1]!.prefixes, DB);

  off();
  const seen = probes.length;
  await advance(t.clock, 5000);
  assert.equal(probes.length, seen);
  t.serviceRoutes.stop();
});

test('an observer that throws is logged once and never stops ServiceRoutes or the other observers', async () => {
  const lines: string[] = [];
  const log = pino(
    { level: 'error' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  const t = setup([], [], { log });
  const good: ProbeObservation[] = [];
  t.serviceRoutes.observe({
    probe: () => {
      throw new Error('metrics broke');
    },
    withdraw: () => {
      throw new Error('metrics broke');
    },
  });
  t.serviceRoutes.observe({ probe: (o) => good.push(o) });
  await upAndRunning(t);
  t.setHealthy('web', false);
  await advance(t.clock, 2500);
  assert.equal(t.state('web'), 'DOWN');
  assert.deepEqual(t.announced(WEB), [], 'the withdraw went out');
  assert.ok(good.length >= 8);
  const failures = lines.filter((l) => l.includes('service routes observer failed'));
  assert.equal(failures.length, 1, lines.join(''));
  assert.match(failures[0]!, /metrics broke/);
  t.serviceRoutes.stop();
});

test('status: the last 10 probes with duration, timeout and detail, oldest first', async () => {
  const t = setup();
  await upAndRunning(t);
  await advance(t.clock, 20_000);
  const probe = t.probes.get('web')!;
  probe.auto = () => ({ ok: false, detail: 'timed out after 1000 ms', durationMs: 1000, timedOut: true, output: 'partial' });
  await advance(t.clock, 2000);
  const last = t.svc('web').lastProbes;
  assert.equal(last.length, 10);
  for (let i = 1; i < last.length; i++) assert.ok(last[i]!.atMs > last[i - 1]!.atMs);
  assert.deepEqual(last.at(-1), { ok: false, durationMs: 1000, timedOut: true, detail: 'timed out after 1000 ms', output: 'partial', atMs: last.at(-1)!.atMs });
  assert.deepEqual(last[0], { ok: true, durationMs: 1, timedOut: false, detail: '200', atMs: last[0]!.atMs });
  assert.equal(t.svc('web').loadMed, null);
  t.serviceRoutes.stop();
});
