import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Announcement } from '../../src/bgp/rib/announcement.js';
import { staticAnnouncements } from '../../src/config/announcements.js';
import { parseConfigText, type Config } from '../../src/config/index.js';
import { ServiceRoutes, type ServiceRoutesEvent } from '../../src/daemon/service-routes.js';
import { diffConfig } from '../../src/daemon/config-diff.js';
import type { LoadSources } from '../../src/health/probes/load.js';
import { FakeClock } from '../../src/util/clock.js';
import { advance, ManualProbe, pass, silent } from '../health/helpers/fakes.js';
import { FakeAddressSystem } from './helpers/fake-addresses.js';
import { Cleanup, FLOATD_AS, neighbor, Receiver, sampler, sleep, tcpService, tcpServiceEntry, tempDir, TestDaemon, waitFor } from './helpers/harness.js';

// Live reload of a real Daemon, started from a file in a temporary folder,
// with its BGP sessions over loopback to route servers on 127.77.x.y that
// stand in for the upstream routers. What the receivers saw (their own
// session state and route changes) is the evidence, not floatd's view.
// The last tests are regressions for reload bugs found while writing these.

const T = { timeout: 40_000 };
const STATIC = '203.0.113.1/32';

/** `text` as a literal in a regular expression. */
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An event as "kind from->to", with the reason for commands (transition reasons are the checks' own words). */
const eventLine = (e: ServiceRoutesEvent): string => `${e.kind} ${e.from}->${e.to}${e.kind === 'command' ? `: ${e.reason}` : ''}`;

test('a reload resets only the neighbor whose session settings changed; the other keeps its session and gets the new MED in place', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.1.1';
    const a = await Receiver.start(c, '127.77.1.2', [local]);
    const b = await Receiver.start(c, '127.77.1.3', [local]);
    const config = (holdB: number, med: number) => ({
      'router-id': local,
      'local-as': FLOATD_AS,
      neighbors: [neighbor({ receiver: a, local }), neighbor({ receiver: b, local, holdTime: holdB })],
      announce: [{ prefix: STATIC, med }],
    });
    const d = await TestDaemon.start(c, dir, config(9, 10));
    await waitFor('both receivers to hold the static route with MED 10', () => a.route(STATIC)?.attributes.med === 10 && b.route(STATIC)?.attributes.med === 10);
    // An uptime of at least a second, so a reset would show as a smaller one.
    await waitFor('a second of uptime at A', () => (a.peer(local)?.uptimeSeconds ?? 0) >= 1);
    const aBefore = a.peer(local)!;
    assert.equal(aBefore.establishedTransitions, 1);
    assert.equal(b.peer(local)?.establishedTransitions, 1);
    assert.equal(b.peer(local)?.holdTime, 9);
    const aMark = a.changes.length;

    d.rewrite(config(12, 20));
    const r = await d.daemon.reload();
    assert.deepEqual(r, { ok: true, changes: ['neighbor 127.77.1.3 reset: hold-time 9 -> 12', `announce ${STATIC}: med 10 -> 20`] });

    await waitFor('A to see MED 20', () => a.route(STATIC)?.attributes.med === 20);
    await waitFor("B's session to come back with hold time 12", () => b.established(local) && b.peer(local)?.establishedTransitions === 2);
    await waitFor('B to see MED 20', () => b.route(STATIC)?.attributes.med === 20);

    // B: one session end, with the reason floatd gave, then a new session with the new hold time.
    assert.equal(b.downs(local).length, 1);
    assert.match(b.downs(local)[0]!.lastError ?? '', /configuration changed: hold-time 9 -> 12/);
    assert.equal(b.peer(local)?.holdTime, 12);

    // A: the same session throughout; the route replaced in place, never withdrawn.
    const bUptime = b.peer(local)?.uptimeSeconds ?? 0;
    const aAfter = a.peer(local)!;
    assert.equal(a.downs(local).length, 0, 'A never saw its session end');
    assert.equal(aAfter.establishedTransitions, 1);
    assert.equal(aAfter.state, 'Established');
    assert.ok((aAfter.uptimeSeconds ?? 0) >= (aBefore.uptimeSeconds ?? 0), `A's uptime went on (${aBefore.uptimeSeconds} -> ${aAfter.uptimeSeconds})`);
    assert.ok((aAfter.uptimeSeconds ?? 0) > bUptime, "A's session is older than B's new one");
    const seen = a.changesOf(STATIC, aMark);
    assert.equal(seen.length, 1, 'one UPDATE for the new MED');
    assert.equal(seen[0]!.change, 'update');
    assert.equal(seen[0]!.before?.attributes.med, 10);
    assert.equal(seen[0]!.route?.attributes.med, 20);

    // The same file again: nothing to do.
    assert.deepEqual(await d.daemon.reload(), { ok: true, changes: [] });
  } finally {
    await c.run();
  }
});

test('a reload adds and removes a neighbor and a service; the unchanged service keeps its checks and its route', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.2.1';
    const KEEP = '198.51.100.1/32';
    const GONE = '198.51.100.2/32';
    const FRESH = '198.51.100.3/32';
    const svc = await tcpService(c);
    const a = await Receiver.start(c, '127.77.2.2', [local]);
    const b = await Receiver.start(c, '127.77.2.3', [local]);
    const cr = await Receiver.start(c, '127.77.2.4', [local]);
    const base = { 'router-id': local, 'local-as': FLOATD_AS, announce: [{ prefix: STATIC }] };
    const d = await TestDaemon.start(c, dir, {
      ...base,
      neighbors: [neighbor({ receiver: a, local }), neighbor({ receiver: b, local })],
      services: [tcpServiceEntry('keep', [KEEP], svc.port), tcpServiceEntry('gone', [GONE], svc.port)],
    });
    await waitFor('A and B to hold the static route and both services', () => [a, b].every((x) => x.has(STATIC) && x.has(KEEP) && x.has(GONE)));
    const keepBefore = d.service('keep')!;
    assert.equal(keepBefore.state, 'UP');
    const keepState = sampler(c, () => d.state('keep'));
    const eventsMark = d.events().length;
    const aMark = a.changes.length;
    const bMark = b.changes.length;

    d.rewrite({
      ...base,
      neighbors: [neighbor({ receiver: a, local }), neighbor({ receiver: cr, local })],
      services: [tcpServiceEntry('keep', [KEEP], svc.port), tcpServiceEntry('fresh', [FRESH], svc.port)],
    });
    const r = await d.daemon.reload();
    // keep and the static entry are the same in the file; who receives them follows the neighbors (no check restart).
    assert.deepEqual(r, {
      ok: true,
      changes: [
        'neighbor 127.77.2.3 removed',
        'neighbor 127.77.2.4 added',
        'service gone removed',
        `service keep policy updated: ${KEEP} sent to [127.77.2.2, 127.77.2.3] -> [127.77.2.2, 127.77.2.4]`,
        'service fresh added',
        `announce ${STATIC}: neighbors [127.77.2.2, 127.77.2.3] -> [127.77.2.2, 127.77.2.4]`,
      ],
    });

    // The removed neighbor: its routes withdrawn by UPDATE, then the session closed.
    await waitFor('B to lose its session', () => b.downs(local).length === 1);
    assert.match(b.downs(local)[0]!.lastError ?? '', /neighbor removed from the config/);
    for (const p of [STATIC, KEEP, GONE]) assert.equal(b.withdrawalsOf(p, bMark)[0]?.change, 'update', `${p} withdrawn at B before the session closed`);
    assert.deepEqual(b.prefixes(), []);

    // The removed service: withdrawn at A.
    await waitFor('A to lose the removed service', () => !a.has(GONE));
    assert.equal(a.withdrawalsOf(GONE, aMark)[0]?.change, 'update');

    // The added service: announced once its checks rose.
    await waitFor('A to get the added service', () => a.has(FRESH));
    const up = d.events().find((e) => e.service === 'fresh' && e.kind === 'transition' && e.to === 'UP');
    assert.ok(up, 'fresh went UP');
    const firstSeen = a.changesOf(FRESH, aMark)[0]!;
    assert.ok(firstSeen.at >= up.atMs, 'announced only after the service was UP');
    assert.deepEqual(
      d.events().filter((e) => e.service === 'fresh').slice(0, 3).map(eventLine),
      ['command INIT->INIT: reload: service added', 'transition INIT->RISING', 'transition RISING->UP'],
    );

    // The added neighbor: the static route and the services' routes, never the removed service's.
    await waitFor('C to hold the static route and both services', () => cr.established(local) && cr.has(STATIC) && cr.has(KEEP) && cr.has(FRESH));
    assert.equal(cr.changesOf(GONE).length, 0, 'C never heard of the removed service');

    // The unchanged service: UP throughout, same checks (their count goes on), nothing re-sent or withdrawn at A.
    await waitFor('keep to be checked again', () => d.service('keep')!.counters.checks > keepBefore.counters.checks);
    const states = keepState.stop();
    assert.ok(states.every((s) => s === 'UP'), `keep stayed UP (saw ${[...new Set(states)].join(', ')})`);
    const keepAfter = d.service('keep')!;
    assert.equal(keepAfter.since, keepBefore.since, 'keep did not change state');
    assert.equal(keepAfter.transitions.length, keepBefore.transitions.length);
    assert.deepEqual(
      d.events().slice(eventsMark).filter((e) => e.service === 'keep'),
      [],
      'no command or transition for keep',
    );
    assert.equal(a.changesOf(KEEP, aMark).length, 0, 'KEEP was not re-sent to A');
    assert.equal(a.withdrawalsOf(KEEP).length, 0);
    assert.equal(a.downs(local).length, 0);
    assert.deepEqual(
      d.services().map((s) => s.name),
      ['keep', 'fresh'],
    );
  } finally {
    await c.run();
  }
});

test('a changed check restarts the checks but keeps the prefix announced until they decide (no withdraw at the receiver)', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.3.1';
    const WEB = '198.51.100.10/32';
    const first = await tcpService(c);
    const second = await tcpService(c);
    const a = await Receiver.start(c, '127.77.3.2', [local]);
    const config = (port: number) => ({
      'router-id': local,
      'local-as': FLOATD_AS,
      neighbors: [neighbor({ receiver: a, local })],
      services: [tcpServiceEntry('web', [WEB], port)],
    });
    const d = await TestDaemon.start(c, dir, config(first.port));
    await waitFor('A to hold the service', () => a.has(WEB));
    const held = sampler(c, () => a.has(WEB));
    const aMark = a.changes.length;
    const eventsMark = d.events().length;

    d.rewrite(config(second.port));
    const r = await d.daemon.reload();
    assert.deepEqual(r, { ok: true, changes: [`service web checks restarted: check.port ${first.port} -> ${second.port}`] });
    await waitFor('the restarted checks to decide', () => d.events().slice(eventsMark).some((e) => e.service === 'web' && e.to === 'UP'));
    // Two more rounds of the new check with the route in place.
    const checks = d.service('web')!.counters.checks;
    await waitFor('two more checks', () => d.service('web')!.counters.checks >= checks + 2);

    const samples = held.stop();
    assert.ok(samples.every(Boolean), 'A held the route at every sample');
    assert.deepEqual(a.changesOf(WEB, aMark), [], 'nothing withdrawn or re-sent at A');
    assert.deepEqual(
      d.events().slice(eventsMark).map((e) => `${e.service} ${eventLine(e)}`),
      ['web command INIT->INIT: reload: checks restarted', 'web transition INIT->RISING', 'web transition RISING->UP'],
      'the new checks started from INIT and rose while the route stayed',
    );
    assert.ok(second.connections > 0, 'the new check probes the new port');
    const oldCount = first.connections;
    await sleep(600);
    assert.equal(first.connections, oldCount, 'the old check stopped (no connection for more than an interval)');
    assert.equal(d.state('web'), 'UP');
  } finally {
    await c.run();
  }
});

test('refused reloads change nothing: syntax error, invalid value, router-id change, moved floating address', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.4.1';
    const WEB = '198.51.100.20/32';
    const svc = await tcpService(c);
    const a = await Receiver.start(c, '127.77.4.2', [local]);
    const addresses = new FakeAddressSystem();
    addresses.delayMs = 10;
    const config = (o: { routerId?: string; hold?: number; med?: number; address?: Record<string, unknown> } = {}) => ({
      'router-id': o.routerId ?? local,
      'local-as': FLOATD_AS,
      neighbors: [neighbor({ receiver: a, local, holdTime: o.hold ?? 9 })],
      announce: [{ prefix: STATIC, med: o.med ?? 10 }],
      services: [tcpServiceEntry('web', [WEB], svc.port, { address: o.address ?? { interface: 'fl0' } })],
    });
    const d = await TestDaemon.start(c, dir, config(), { addressSystem: addresses });
    await waitFor('A to hold the static route and the service', () => a.has(STATIC) && a.has(WEB));
    assert.ok(addresses.has('fl0', WEB), 'the service address is on the (fake) interface');
    const aMark = a.changes.length;
    const callsMark = addresses.calls.length;
    const eventsMark = d.events().length;

    const refused = async (why: string, error: RegExp, changes?: readonly string[]): Promise<void> => {
      const r = await d.daemon.reload();
      assert.equal(r.ok, false, why);
      assert.match(r.error ?? '', error, why);
      if (changes) assert.deepEqual(r.changes, changes, why);
    };

    d.rewriteText(`router-id: ${local}\nlocal-as: ${FLOATD_AS}\nneighbors: [\n`);
    await refused('syntax error', new RegExp(`^the new config is refused, the running one stays: ${escape(d.configPath)}:\\d+:\\d+: .*expected valid YAML`), []);

    d.rewrite(config({ hold: 2 }));
    await refused('invalid value', new RegExp(`^the new config is refused, the running one stays: ${escape(d.configPath)}:\\d+:\\d+: neighbors\\[0\\]\\.hold-time: 2 is refused by RFC 4271`), []);

    // With changes a reload could apply: none of them is.
    d.rewrite(config({ routerId: '127.77.4.9', hold: 12, med: 20 }));
    await refused('router-id', /^reload refused, the running config stays: router-id 127\.77\.4\.1 -> 127\.77\.4\.9 \(the BGP identifier of every session; restart floatd to change it\)$/, [
      'router-id 127.77.4.1 -> 127.77.4.9 (the BGP identifier of every session; restart floatd to change it)',
      'neighbor 127.77.4.2 reset: hold-time 9 -> 12',
      `announce ${STATIC}: med 10 -> 20`,
    ]);

    d.rewrite(config({ med: 20, address: { interface: 'fl1' } }));
    await refused('address section', /^reload refused, the running config stays: floating addresses changed for web: restart floatd to change them$/);

    // Everything as it was: session, routes, addresses, service.
    assert.equal(a.downs(local).length, 0);
    assert.equal(a.peer(local)?.establishedTransitions, 1);
    assert.equal(a.peer(local)?.holdTime, 9);
    assert.deepEqual(a.changes.slice(aMark), [], 'A saw no route change');
    assert.equal(a.route(STATIC)?.attributes.med, 10);
    assert.deepEqual(addresses.calls.slice(callsMark), [], 'no address added or removed');
    assert.deepEqual(d.events().slice(eventsMark), []);
    assert.equal(d.state('web'), 'UP');
    assert.equal((d.daemon.control().status() as { routerId: string }).routerId, local);

    // The running config is still the first one: reloading it changes nothing.
    d.rewrite(config());
    assert.deepEqual(await d.daemon.reload(), { ok: true, changes: [] });
    // And a good change after the refusals applies.
    d.rewrite(config({ med: 30 }));
    assert.deepEqual(await d.daemon.reload(), { ok: true, changes: [`announce ${STATIC}: med 10 -> 30`] });
    await waitFor('A to see MED 30', () => a.route(STATIC)?.attributes.med === 30);
    assert.equal(a.peer(local)?.establishedTransitions, 1);
  } finally {
    await c.run();
  }
});

test('regression: a reload that restarts a service in maintenance keeps it in maintenance (it was announced again)', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.8.1';
    const WEB = '198.51.100.60/32';
    const first = await tcpService(c);
    const second = await tcpService(c);
    const a = await Receiver.start(c, '127.77.8.2', [local]);
    const config = (port: number) => ({
      'router-id': local,
      'local-as': FLOATD_AS,
      neighbors: [neighbor({ receiver: a, local })],
      services: [tcpServiceEntry('web', [WEB], port)],
    });
    const d = await TestDaemon.start(c, dir, config(first.port));
    await waitFor('A to hold the service', () => a.has(WEB));
    assert.deepEqual(d.daemon.control().maintenance(true, 'web'), { services: ['web'] });
    await waitFor('A to lose the service', () => !a.has(WEB));
    const mark = a.changes.length;

    d.rewrite(config(second.port));
    assert.deepEqual(await d.daemon.reload(), { ok: true, changes: [`service web checks restarted: check.port ${first.port} -> ${second.port}`] });
    // More good checks of the new port than rise needs: without maintenance it would be UP by now.
    await waitFor('the new checks to pass three times', () => second.connections >= 3);
    const web = d.service('web')!;
    assert.equal(web.state, 'DISABLED');
    assert.deepEqual(web.disabledBy, ['operator']);
    assert.deepEqual(a.changesOf(WEB, mark), [], 'A was not given the service back');

    // Maintenance off ends it as usual.
    d.daemon.control().maintenance(false, 'web');
    await waitFor('A to get the service back', () => a.has(WEB));
  } finally {
    await c.run();
  }
});

const LOAD_SERVICE = (port: number): string[] => [
  'services:',
  '  - name: web',
  '    prefixes: [192.0.2.10/32]',
  `    check: { listener: { port: ${port} } }`,
  '    rise: 1',
  '    med-from-load: { source: connections, port: 443, low: 0, high: 90, min: 100, max: 1000, step: 100, interval: 1, min-interval: 0 }',
];

const loadConfigText = (lines: readonly string[]): Config =>
  parseConfigText(['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors: [{ address: 192.0.2.254, peer-as: 64512 }]', ...lines, ''].join('\n'), 'floatd.yaml', {
    env: {},
    hostname: 'h',
  });

for (const change of ['removes', 'restarts'] as const) {
  test(`regression: a reload that ${change} a service with med-from-load while a load reading is under way stops the old readings (they went on forever)`, async () => {
    const clock = new FakeClock();
    const answers: ((n: number) => void)[] = [];
    let reads = 0;
    const sources: LoadSources = {
      loadavg: () => [0, 0, 0],
      cpuCount: () => 1,
      meminfo: () => Promise.reject(new Error('not used')),
      established: () => {
        reads++;
        return new Promise<number>((r) => answers.push(r));
      },
    };
    const published: (readonly Announcement[])[] = [];
    const before = loadConfigText(LOAD_SERVICE(443));
    const serviceRoutes = new ServiceRoutes({
      announce: [],
      services: before.services ?? [],
      sink: { setAnnouncements: (e) => published.push(e) },
      clock,
      log: silent,
      random: () => 0,
      loadSources: sources,
      createProbe: () => {
        const p = new ManualProbe(clock);
        p.auto = () => pass();
        return p;
      },
    });
    const answerAll = (n: number): void => {
      for (const r of answers.splice(0)) r(n);
    };
    try {
      serviceRoutes.start();
      await advance(clock, 1000);
      answerAll(10);
      await advance(clock, 1000);
      assert.equal(published.at(-1)?.[0]?.med, 200, 'UP with the MED of 10 connections');
      assert.equal(answers.length, 1, 'a reading is under way');

      const after = loadConfigText(change === 'removes' ? [] : LOAD_SERVICE(444));
      serviceRoutes.reconfigure(staticAnnouncements(after), after.services ?? [], diffConfig(before, after));
      // The old reading answers after the reload, with a load that would change the MED.
      answerAll(80);
      const readsAfter = reads;
      for (let i = 0; i < 10; i++) {
        await advance(clock, 1000);
        answerAll(10);
      }
      // One reading per second for the restarted service's own loop; none for the old one.
      assert.equal(reads - readsAfter, change === 'removes' ? 0 : 10, 'readings after the reload');
      if (change === 'restarts') {
        assert.deepEqual(serviceRoutes.status()[0]?.loadMed, { load: 10, med: 200 }, 'the new loop is the only one');
        assert.equal(published.at(-1)?.[0]?.med, 200);
      } else {
        assert.deepEqual(published.at(-1), []);
      }
    } finally {
      serviceRoutes.stop();
    }
  });
}
