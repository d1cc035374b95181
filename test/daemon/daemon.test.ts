import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { call, ControlError, ControlRefusedError } from '../../src/control/client.js';
import type { ServiceRoutesEvent, ServiceRoutesServiceStatus } from '../../src/daemon/service-routes.js';
import type { ReloadResult } from '../../src/control/daemon-control.js';
import type { SpeakerStatus } from '../../src/daemon/speaker.js';
import { FakeAddressSystem } from './helpers/fake-addresses.js';
import { Cleanup, FLOATD_AS, GRACEFUL_SHUTDOWN, neighbor, Receiver, tcpService, tcpServiceEntry, tempDir, TestDaemon, waitFor, type SeenChange } from './helpers/harness.js';

// A real Daemon in-process: its control socket in a temporary folder, its
// sessions over loopback to route servers on 127.77.x.y, and (for floating
// addresses) a fake host whose every call is recorded with what floatd
// announced and what the receiver held at that moment.

const T = { timeout: 40_000 };
const STATIC = '203.0.113.1/32';

const carries = (c: SeenChange | undefined, community: number): boolean => c?.route?.attributes.communities?.includes(community) === true;

/** The changes of one prefix as "GS" (re-announced with GRACEFUL_SHUTDOWN), "withdraw" or "announce". */
function story(changes: readonly SeenChange[]): string[] {
  return changes.map((c) => (c.route === undefined ? `withdraw (${c.change})` : carries(c, GRACEFUL_SHUTDOWN) ? 'GS' : 'announce'));
}

test('control commands through the real socket: status, peers, services, events, maintenance, drain, reload', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.5.1';
    const WEB = '198.51.100.30/32';
    const svc = await tcpService(c);
    const a = await Receiver.start(c, '127.77.5.2', [local]);
    const config = (med: number) => ({
      'router-id': local,
      'local-as': FLOATD_AS,
      neighbors: [neighbor({ receiver: a, local })],
      announce: [{ prefix: STATIC, med }],
      services: [tcpServiceEntry('web', [WEB], svc.port, { drain: { time: 0.5 } })],
    });
    const d = await TestDaemon.start(c, dir, config(10));
    const sock = d.controlSocket;
    await waitFor('A to hold the static route and the service', () => a.has(STATIC) && a.has(WEB));

    const status = (await call(sock, 'status', {})) as SpeakerStatus & { services: ServiceRoutesServiceStatus[] };
    assert.equal(status.routerId, local);
    assert.equal(status.localAs, FLOATD_AS);
    assert.deepEqual(
      status.peers.map((p) => [p.address, p.state, p.prefixesAnnounced]),
      [[a.address, 'Established', 2]],
    );
    assert.deepEqual(
      status.services.map((s) => [s.name, s.state, s.announced]),
      [['web', 'UP', [WEB]]],
    );

    const peers = (await call(sock, 'peers', {})) as SpeakerStatus;
    assert.equal(peers.peers.length, 1);
    assert.equal(peers.peers[0]?.holdTime, 9);
    assert.equal(peers.peers[0]?.peerRouterId, a.address);

    const services = (await call(sock, 'services', {})) as ServiceRoutesServiceStatus[];
    assert.deepEqual(services.map((s) => s.name), ['web']);
    assert.ok((services[0]?.lastProbes.length ?? 0) >= 2, 'the last probe results are there');
    assert.equal(services[0]?.lastProbes.at(-1)?.ok, true);

    const events = (await call(sock, 'events', { limit: 2 })) as ServiceRoutesEvent[];
    assert.deepEqual(
      events.map((e) => `${e.service} ${e.from}->${e.to}`),
      ['web INIT->RISING', 'web RISING->UP'],
    );

    // Maintenance on: withdrawn at once; off: back after the checks rise again.
    let mark = a.changes.length;
    assert.deepEqual(await call(sock, 'maintenance', { on: true, service: 'web' }), { services: ['web'] });
    await waitFor('A to lose the service', () => !a.has(WEB));
    assert.equal(d.state('web'), 'DISABLED');
    assert.deepEqual(await call(sock, 'maintenance', { on: false, service: 'web' }), { services: ['web'] });
    await waitFor('A to get the service back', () => a.has(WEB));
    assert.deepEqual(story(a.changesOf(WEB, mark)), ['withdraw (update)', 'announce']);
    await assert.rejects(call(sock, 'maintenance', { on: true, service: 'nope' }), (e: Error) => {
      assert.ok(e instanceof ControlRefusedError);
      assert.match(e.message, /unknown service "nope" \(known services: web\)/);
      return true;
    });

    // Drain: GRACEFUL_SHUTDOWN reaches the receiver, then the withdraw; the answer comes once withdrawn.
    mark = a.changes.length;
    assert.deepEqual(await call(sock, 'drain', { service: 'web' }), { services: ['web'] });
    await waitFor('A to lose the drained service', () => !a.has(WEB));
    assert.deepEqual(story(a.changesOf(WEB, mark)), ['GS', 'withdraw (update)']);
    assert.equal(a.changesOf(WEB, mark)[0]!.before?.attributes.communities, undefined, 'the community came with the drain');
    assert.deepEqual(a.changesOf(STATIC, mark), [], 'the static route is not drained');
    assert.equal(d.state('web'), 'DISABLED');

    // Reload through the socket: applied, and refused.
    d.rewrite(config(20));
    assert.deepEqual(await call(sock, 'reload', {}), { ok: true, changes: [`announce ${STATIC}: med 10 -> 20`] });
    await waitFor('A to see MED 20', () => a.route(STATIC)?.attributes.med === 20);
    d.rewrite({ ...config(30), 'local-as': 65002 });
    const refused = (await call(sock, 'reload', {})) as ReloadResult;
    assert.equal(refused.ok, false);
    assert.match(refused.error ?? '', /^reload refused, the running config stays: local-as 65001 -> 65002/);
    assert.equal(a.route(STATIC)?.attributes.med, 20);

    // Bad requests are refused at the edge.
    await assert.rejects(call(sock, 'events', { limit: 0 }), ControlRefusedError);
    assert.equal(a.downs(local).length, 0, 'no command reset the session');
  } finally {
    await c.run();
  }
});

test('floating addresses: added before the receiver sees the announce, removed only once the withdraw is sent; a missing required address forces the service down', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.6.1';
    const WEB = '198.51.100.40/32';
    const EXT = '198.51.100.41/32';
    const svc = await tcpService(c);
    const a = await Receiver.start(c, '127.77.6.2', [local]);
    // Each call records, for its prefixes, whether floatd still announced them and whether the receiver held them.
    let d: TestDaemon | undefined;
    const floatdAnnounces = (p: string): boolean =>
      ((d?.daemon.control().routes() ?? []) as { announced: { prefix: string }[] }[]).some((n) => n.announced.some((r) => r.prefix === p));
    const addresses = new FakeAddressSystem((_op, prefixes) => ({ floatd: prefixes.map(floatdAnnounces), receiver: prefixes.map((p) => a.has(p)) }));
    addresses.delayMs = 150;
    // EXT's address is someone else's: floatd only requires it.
    addresses.put('fl0', EXT);
    d = await TestDaemon.start(
      c,
      dir,
      {
        'router-id': local,
        'local-as': FLOATD_AS,
        neighbors: [neighbor({ receiver: a, local })],
        services: [
          tcpServiceEntry('web', [WEB], svc.port, { address: { interface: 'fl0', label: 'fl0:web', 'remove-when-down': true } }),
          tcpServiceEntry('ext', [EXT], svc.port, { address: { interface: 'fl0', add: false } }),
        ],
      },
      { addressSystem: addresses },
    );
    await waitFor('A to hold both services', () => a.has(WEB) && a.has(EXT));

    // Add, then announce: nothing was announced when the add began, and the receiver saw WEB only once it was done.
    const none = { floatd: [false], receiver: [false] };
    assert.deepEqual(
      addresses.calls.map((x) => [x.op, x.iface, x.prefixes, x.label, x.seen]),
      [['add', 'fl0', [WEB], 'fl0:web', none]],
    );
    const firstAdd = addresses.calls[0]!;
    assert.ok(firstAdd.doneAt !== undefined && a.changesOf(WEB)[0]!.at >= firstAdd.doneAt, 'the receiver saw WEB only after its address was in place');

    // EXT's address disappears: the service is forced down and withdrawn; WEB stays.
    addresses.take('fl0', EXT);
    await waitFor('A to lose EXT', () => !a.has(EXT));
    assert.equal(d.state('ext'), 'DOWN');
    assert.match(d.service('ext')!.lastProbes.at(-1)?.detail ?? '', /198\.51\.100\.41.* missing/);
    assert.equal(a.withdrawalsOf(EXT)[0]?.change, 'update');
    assert.ok(a.has(WEB));
    assert.equal(addresses.calls.length, 1, 'floatd does not add an address it only requires');
    // It comes back with its address.
    addresses.put('fl0', EXT);
    await waitFor('A to get EXT back', () => a.has(EXT));

    // Maintenance with remove-when-down: withdraw, then remove; off: add, then announce.
    let mark = a.changes.length;
    d.daemon.control().maintenance(true, 'web');
    await waitFor('the address to be removed', () => addresses.calls.length === 2 && addresses.calls[1]!.doneAt !== undefined);
    assert.equal(addresses.calls[1]!.op, 'remove');
    assert.deepEqual((addresses.calls[1]!.seen as typeof none).floatd, [false], 'floatd had sent the withdraw');
    await waitFor('A to lose WEB', () => !a.has(WEB));
    assert.deepEqual(story(a.changesOf(WEB, mark)), ['withdraw (update)']);
    mark = a.changes.length;
    d.daemon.control().maintenance(false, 'web');
    await waitFor('A to get WEB back', () => a.has(WEB));
    const secondAdd = addresses.calls[2]!;
    assert.deepEqual([secondAdd.op, secondAdd.seen], ['add', none]);
    assert.ok(secondAdd.doneAt !== undefined && a.changesOf(WEB, mark)[0]!.at >= secondAdd.doneAt, 'announced again only after the address was back');

    // Stop: withdraw and Cease written, then the address floatd added removed, and nothing else.
    // (Whether the receiver had read the withdraw by then is not floatd's to know: a session's
    // stop resolves once the bytes are handed to the socket, not when the peer closes.)
    mark = a.changes.length;
    await d.daemon.stop();
    const removes = addresses.calls.slice(3);
    assert.deepEqual(
      removes.map((x) => [x.op, x.iface, x.prefixes, (x.seen as typeof none).floatd]),
      [['remove', 'fl0', [WEB], [false]]],
      'one remove, made once floatd had sent the withdraw',
    );
    await waitFor('A to see the session end', () => a.downs(local).length === 1);
    assert.deepEqual(story(a.changesOf(WEB, mark)), ['withdraw (update)'], 'withdrawn by UPDATE before the session closed');
    await waitFor('the remove to complete', () => removes[0]!.doneAt !== undefined);
    assert.equal(addresses.has('fl0', WEB), false);
    assert.equal(addresses.has('fl0', EXT), true, 'an address floatd did not add stays');
    assert.equal(addresses.watches.get('fl0')?.stopped, true);
  } finally {
    await c.run();
  }
});

test('stop drains drain-on-stop services (GRACEFUL_SHUTDOWN at the receiver) before withdrawing, closes cleanly, and is idempotent', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = '127.77.7.1';
    const WEB = '198.51.100.50/32';
    const PLAIN = '198.51.100.51/32';
    const svc = await tcpService(c);
    const a = await Receiver.start(c, '127.77.7.2', [local]);
    const d = await TestDaemon.start(c, dir, {
      'router-id': local,
      'local-as': FLOATD_AS,
      neighbors: [neighbor({ receiver: a, local })],
      announce: [{ prefix: STATIC }],
      services: [tcpServiceEntry('web', [WEB], svc.port, { 'drain-on-stop': true, drain: { time: 0.5 } }), tcpServiceEntry('plain', [PLAIN], svc.port)],
    });
    await waitFor('A to hold everything', () => a.has(STATIC) && a.has(WEB) && a.has(PLAIN));
    assert.equal(d.daemon.stopDrainMs(), 500);
    const mark = a.changes.length;

    const first = d.daemon.stop();
    const second = d.daemon.stop();
    assert.equal(first, second, 'a second stop joins the first');
    assert.deepEqual(await d.daemon.reload(), { ok: false, changes: [], error: 'floatd is stopping' });
    await first;
    await waitFor('A to see the session end', () => a.downs(local).length === 1);

    assert.deepEqual(story(a.changesOf(WEB, mark)), ['GS', 'withdraw (update)'], 'WEB drained, then withdrawn');
    assert.deepEqual(story(a.changesOf(PLAIN, mark)), ['withdraw (update)'], 'PLAIN withdrawn without a drain');
    assert.deepEqual(story(a.changesOf(STATIC, mark)), ['withdraw (update)']);
    const drained = a.changesOf(WEB, mark)[0]!;
    const plainGone = a.changesOf(PLAIN, mark)[0]!;
    assert.ok(drained.at <= plainGone.at, 'the drain came first; the rest was withdrawn when it ended');
    assert.deepEqual(a.prefixes(), []);
    assert.equal(a.downs(local).length, 1);
    assert.match(a.downs(local)[0]!.lastError ?? '', /floatd stopping/);
    assert.ok(
      d.events().some((e) => e.service === 'web' && e.kind === 'command' && e.reason === 'drain for 0.5 s: floatd stopping'),
      'the drain is in the event log',
    );

    // Stopped for good: the control socket is gone, another stop changes nothing.
    assert.equal(existsSync(d.controlSocket), false);
    await assert.rejects(call(d.controlSocket, 'status', {}), ControlError);
    const after = a.changes.length;
    await d.daemon.stop();
    assert.equal(a.changes.length, after);
    assert.equal(a.downs(local).length, 1);
  } finally {
    await c.run();
  }
});
