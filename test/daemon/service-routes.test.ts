import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wirePrefix } from '../../src/bgp/codec/nlri.js';
import type { Announcement } from '../../src/bgp/rib/announcement.js';
import { staticAnnouncements } from '../../src/config/announcements.js';
import { parseConfigText, type Config } from '../../src/config/index.js';
import { ServiceRoutes, type ServiceRoutesOptions } from '../../src/daemon/service-routes.js';
import { FakeClock, realClock } from '../../src/util/clock.js';
import { advance, fail, ManualProbe, ManualSwitch, pass, silent } from '../health/helpers/fakes.js';

const parse = (serviceLines: string[]): Config =>
  parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors:',
      '  - address: 192.0.2.254',
      '    peer-as: 64512',
      'announce:',
      '  - prefix: 198.51.100.0/24',
      'services:',
      '  - name: web',
      '    prefixes: [192.0.2.10/32, 192.0.2.11/32]',
      '    check: { http: { url: "http://127.0.0.1:8080/health" } }',
      '    disable-file: /etc/floatd/maintenance-web',
      ...serviceLines.map((l) => `    ${l}`),
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );

/** Check timings for the tests that count in milliseconds, fixed here so they do not follow the health defaults. */
const TIMING = ['interval: 2', 'fast-interval: 0.5', 'timeout: 1'];

interface Publication {
  readonly at: number;
  readonly entries: readonly Announcement[];
}

function setup(serviceLines: string[] = [], opts: Partial<ServiceRoutesOptions> = {}) {
  const cfg = parse(serviceLines);
  const clock = new FakeClock();
  const probe = new ManualProbe(clock);
  const sw = new ManualSwitch();
  let healthy = true;
  probe.auto = () => (healthy ? pass('200') : fail('connection refused'));
  const published: Publication[] = [];
  const serviceRoutes = new ServiceRoutes({
    announce: staticAnnouncements(cfg),
    services: cfg.services ?? [],
    sink: { setAnnouncements: (entries) => published.push({ at: clock.now(), entries }) },
    clock,
    log: silent,
    random: () => 0,
    createProbe: () => probe,
    createSwitch: () => sw,
    ...opts,
  });
  /** Service prefixes in the last list handed to the sink. */
  const announced = (): string[] => (published.at(-1)?.entries ?? []).map((e) => e.prefix).filter((p) => p !== '198.51.100.0/24');
  const entry = (prefix: string): Announcement | undefined => published.at(-1)?.entries.find((e) => e.prefix === prefix);
  const setHealthy = (h: boolean): void => {
    healthy = h;
  };
  return { cfg, clock, probe, sw, serviceRoutes, published, announced, entry, setHealthy, state: () => serviceRoutes.status()[0]!.state };
}

test('start hands over the static entries; UP announces the service prefixes with its attributes', async () => {
  const t = setup([...TIMING, 'med: 100', 'communities: ["65000:7"]']);
  t.serviceRoutes.start();
  assert.equal(t.published.length, 1);
  assert.deepEqual(
    t.published[0]!.entries.map((e) => e.prefix),
    ['198.51.100.0/24'],
  );
  await advance(t.clock, 1100);
  assert.equal(t.state(), 'UP');
  assert.equal(t.published.length, 2, 'one publication for the change');
  assert.equal(t.published[1]!.at, 1000);
  assert.deepEqual(
    t.published[1]!.entries.map((e) => e.prefix),
    ['198.51.100.0/24', '192.0.2.10/32', '192.0.2.11/32'],
  );
  assert.deepEqual(t.entry('192.0.2.10/32'), {
    prefix: '192.0.2.10/32',
    nlri: wirePrefix('192.0.2.10/32'),
    nextHop: undefined,
    med: 100,
    prepend: 0,
    communities: [65000 * 65536 + 7],
    largeCommunities: [],
    localPref: undefined,
    neighbors: ['192.0.2.254'],
  });
  const st = t.serviceRoutes.status()[0]!;
  assert.equal(st.name, 'web');
  assert.equal(st.serving, true);
  assert.deepEqual(st.announced, ['192.0.2.10/32', '192.0.2.11/32']);
  assert.deepEqual(st.held, []);
  assert.equal(st.results.length, 3);
  assert.equal(st.results[2]!.detail, '200');
  t.serviceRoutes.stop();
});

test('DOWN withdraws in the same turn as the transition; the static entry stays', async () => {
  const t = setup(TIMING);
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  t.setHealthy(false);
  await advance(t.clock, 2500);
  assert.equal(t.state(), 'DOWN');
  const last = t.published.at(-1)!;
  assert.equal(last.at, 3500, 'published at the second failure, the DOWN transition');
  assert.deepEqual(
    last.entries.map((e) => e.prefix),
    ['198.51.100.0/24'],
  );
  assert.equal(t.serviceRoutes.status()[0]!.serving, false);
  t.serviceRoutes.stop();
});

test('when-down with attributes keeps announcing with them', async () => {
  const t = setup(['med: 10', 'when-down: { med: 1000 }']);
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.entry('192.0.2.10/32')?.med, 10);
  t.setHealthy(false);
  await advance(t.clock, 2500);
  assert.equal(t.state(), 'DOWN');
  assert.equal(t.entry('192.0.2.10/32')?.med, 1000);
  assert.deepEqual(t.announced(), ['192.0.2.10/32', '192.0.2.11/32']);
  t.serviceRoutes.stop();
});

test('entries() is the list the speaker was last given, through announce, attribute change and withdraw', async () => {
  const t = setup([...TIMING, 'med: 10', 'when-down: { med: 1000 }', 'fall: 1']);
  t.serviceRoutes.start();
  assert.deepEqual(t.serviceRoutes.entries(), t.published.at(-1)!.entries);
  await advance(t.clock, 1100);
  assert.deepEqual(t.serviceRoutes.entries(), t.published.at(-1)!.entries);
  assert.equal(t.serviceRoutes.entries().length, 3);
  t.setHealthy(false);
  await advance(t.clock, 2500);
  assert.equal(t.entry('192.0.2.10/32')?.med, 1000);
  assert.deepEqual(t.serviceRoutes.entries(), t.published.at(-1)!.entries);
  t.serviceRoutes.setMaintenance(true);
  assert.deepEqual(t.announced(), []);
  assert.deepEqual(t.serviceRoutes.entries(), t.published.at(-1)!.entries);
  t.serviceRoutes.stop();
});

test('the flap guard holds a prefix that keeps coming back, never delays a withdraw, and announces when the hold ends', async () => {
  const guard = { threshold: 1, windowMs: 60_000, holdMs: 10_000, maxHoldMs: 60_000 };
  const t = setup([...TIMING, 'rise: 1', 'fall: 1'], { flapGuard: guard });
  t.serviceRoutes.start();
  await advance(t.clock, 100);
  assert.deepEqual(t.announced(), ['192.0.2.10/32', '192.0.2.11/32']);

  t.setHealthy(false);
  await advance(t.clock, 2000);
  assert.equal(t.state(), 'DOWN');
  const down = t.published.at(-1)!;
  assert.deepEqual(t.announced(), [], 'withdrawn');
  assert.equal(down.at, 2000, 'at the failing check itself');

  t.setHealthy(true);
  await advance(t.clock, 2000);
  assert.equal(t.state(), 'UP');
  assert.deepEqual(t.announced(), [], 'held down: a second announcement within the window');
  const held = t.serviceRoutes.status()[0]!.held;
  assert.deepEqual(
    held.map((h) => h.prefix),
    ['192.0.2.10/32', '192.0.2.11/32'],
  );
  const until = held[0]!.until;
  assert.equal(until, 4000 + 10_000, 'the check at 4000 brought it back');

  await advance(t.clock, until - t.clock.now() - 10);
  assert.deepEqual(t.announced(), [], 'still held just before the end');
  await advance(t.clock, 20);
  assert.deepEqual(t.announced(), ['192.0.2.10/32', '192.0.2.11/32'], 'announced when the hold-down ends');
  assert.equal(t.published.at(-1)!.at, until);
  assert.deepEqual(t.serviceRoutes.status()[0]!.held, []);

  // A failure right after is withdrawn at once, hold-down or not.
  t.setHealthy(false);
  const before = t.published.length;
  await advance(t.clock, 2000);
  assert.equal(t.state(), 'DOWN');
  assert.equal(t.published.length, before + 1);
  assert.deepEqual(t.announced(), []);
  t.serviceRoutes.stop();
});

test('a held prefix whose service goes down again is not announced when the hold ends', async () => {
  const guard = { threshold: 1, windowMs: 60_000, holdMs: 10_000, maxHoldMs: 60_000 };
  const t = setup(['rise: 1', 'fall: 1'], { flapGuard: guard });
  t.serviceRoutes.start();
  await advance(t.clock, 100);
  t.setHealthy(false);
  await advance(t.clock, 2000);
  t.setHealthy(true);
  await advance(t.clock, 2000);
  assert.equal(t.state(), 'UP');
  assert.equal(t.serviceRoutes.status()[0]!.held.length, 2);
  t.setHealthy(false);
  await advance(t.clock, 2000);
  assert.equal(t.state(), 'DOWN');
  assert.deepEqual(t.serviceRoutes.status()[0]!.held, []);
  const count = t.published.length;
  await advance(t.clock, 10_000);
  assert.equal(t.published.length, count, 'nothing published');
  assert.deepEqual(t.announced(), []);
  t.serviceRoutes.stop();
});

test('failback off: after a failure the service comes back at the lowest tier and stays there', async () => {
  const t = setup(['role: primary', 'role-style: med', 'med: 50', 'failback: false']);
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.entry('192.0.2.10/32')?.med, 50);
  assert.equal(t.serviceRoutes.status()[0]!.demoted, false);
  t.setHealthy(false);
  await advance(t.clock, 2500);
  assert.deepEqual(t.announced(), []);
  assert.equal(t.serviceRoutes.status()[0]!.demoted, true);
  t.setHealthy(true);
  await advance(t.clock, 3000);
  assert.equal(t.state(), 'UP');
  assert.equal(t.entry('192.0.2.10/32')?.med, 250, 'tertiary: 200 more MED');
  t.serviceRoutes.stop();
});

test('failback on (the default): the role returns after a failure', async () => {
  const t = setup(['role: primary', 'role-style: prepend']);
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.entry('192.0.2.10/32')?.prepend, 0);
  t.setHealthy(false);
  await advance(t.clock, 2500);
  t.setHealthy(true);
  await advance(t.clock, 3000);
  assert.equal(t.state(), 'UP');
  assert.equal(t.entry('192.0.2.10/32')?.prepend, 0);
  assert.equal(t.serviceRoutes.status()[0]!.demoted, false);
  t.serviceRoutes.stop();
});

test('maintenance: setMaintenance withdraws at once and ending it announces after the checks pass', async () => {
  const t = setup();
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  assert.equal(t.announced().length, 2);
  const at = t.clock.now();
  assert.deepEqual(t.serviceRoutes.setMaintenance(true, 'web', 'upgrade'), ['web']);
  assert.equal(t.state(), 'DISABLED');
  assert.deepEqual(t.announced(), [], 'synchronously');
  assert.equal(t.published.at(-1)!.at, at);
  assert.throws(() => t.serviceRoutes.setMaintenance(true, 'nope'), /unknown service "nope" \(known services: web\)/);
  assert.deepEqual(t.serviceRoutes.setMaintenance(false, 'web'), ['web']);
  await advance(t.clock, 3000);
  assert.equal(t.state(), 'UP');
  assert.deepEqual(t.announced(), ['192.0.2.10/32', '192.0.2.11/32']);
  t.serviceRoutes.stop();
});

test('the maintenance file withdraws like the operator command', async () => {
  const t = setup();
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  t.sw.set(true);
  assert.equal(t.state(), 'DISABLED');
  assert.deepEqual(t.announced(), []);
  t.serviceRoutes.stop();
});

test('stop ends the checks without publishing anything', async () => {
  const t = setup();
  t.serviceRoutes.start();
  await advance(t.clock, 1100);
  const count = t.published.length;
  const runs = t.probe.calls.length;
  t.serviceRoutes.stop();
  assert.equal(t.state(), 'STOPPING');
  await advance(t.clock, 10_000);
  assert.equal(t.published.length, count);
  assert.equal(t.probe.calls.length, runs);
});

test('a real HTTP check on 127.0.0.1, built from the config: announced while 200, withdrawn on 503', async () => {
  let code = 200;
  const server = createServer((_req, res) => {
    res.statusCode = code;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors: [{ address: 192.0.2.254, peer-as: 64512 }]',
      'services:',
      '  - name: api',
      '    prefixes: [192.0.2.20/32]',
      `    check: { http: { url: "http://127.0.0.1:${port}/health", expect-status: [200] } }`,
      '    rise: 1',
      '    fall: 1',
      '    interval: 0.1',
      '    fast-interval: 0.05',
      '    timeout: 0.1',
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  let last: readonly Announcement[] = [];
  const serviceRoutes = new ServiceRoutes({
    announce: staticAnnouncements(cfg),
    services: cfg.services ?? [],
    sink: { setAnnouncements: (e) => (last = e) },
    clock: realClock,
    log: silent,
    random: () => 0,
  });
  const until = async (cond: () => boolean): Promise<void> => {
    const end = Date.now() + 5000;
    while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  };
  try {
    serviceRoutes.start();
    await until(() => last.length === 1);
    assert.deepEqual(
      last.map((e) => e.prefix),
      ['192.0.2.20/32'],
    );
    code = 503;
    await until(() => last.length === 0);
    assert.deepEqual(last, []);
    const st = serviceRoutes.status()[0]!;
    assert.equal(st.state, 'DOWN');
    assert.match(st.results.at(-1)!.detail, /503/);
  } finally {
    serviceRoutes.stop();
    server.close();
  }
});
