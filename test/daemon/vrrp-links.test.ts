import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { call } from '../../src/control/client.js';
import { loadConfig } from '../../src/config/index.js';
import { Daemon } from '../../src/daemon/daemon.js';
import type { ServiceRoutesEvent } from '../../src/daemon/service-routes.js';
import { trackingOf, type TrackedService, type VrrpLinkStatus } from '../../src/daemon/vrrp-links.js';
import { realClock } from '../../src/util/clock.js';
import { FakeVrrpIo } from './helpers/fake-vrrp.js';
import { Cleanup, FLOATD_AS, tempDir, testLog, waitFor } from './helpers/harness.js';

// The daemon with VRRP and no BGP at all: a service checked over TCP on
// loopback drives one VRRP instance whose raw socket and address changes are
// a fake (test/daemon/helpers/fake-vrrp.ts); the master-down timer running
// out is played by the test.

const T = { timeout: 40_000 };
const ADDR = '10.9.0.100/24';

/** A TCP listener that can be closed and opened again on the same port. */
class Listener {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  async open(): Promise<void> {
    const server = net.createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
      s.end();
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

async function start(c: Cleanup, vrrp: Record<string, unknown> = {}): Promise<{ d: Daemon; io: FakeVrrpIo; svc: Listener; sock: string }> {
  const dir = tempDir(c);
  const svc = new Listener();
  await svc.open();
  c.add(() => svc.close());
  const sock = join(dir, 'floatd.sock');
  const path = join(dir, 'floatd.yaml');
  writeFileSync(
    path,
    stringify({
      'control-socket': sock,
      'router-id': '192.0.2.1',
      'local-as': FLOATD_AS,
      services: [{ name: 'web', check: { tcp: { host: '127.0.0.1', port: svc.port } }, rise: 1, fall: 1, interval: 0.1, 'fast-interval': 0.1, timeout: 0.1 }],
      vrrp: [{ name: 'web-vip', interface: 'eth0', vrid: 9, priority: 150, 'advert-interval': 0.1, addresses: [ADDR], track: ['web'], ...vrrp }],
    }),
  );
  const io = new FakeVrrpIo();
  const d = await Daemon.start(loadConfig(path), { configPath: path, clock: realClock, log: testLog, version: 'test', vrrpIo: { addon: io, addresses: io } });
  c.add(() => d.stop());
  return { d, io, svc, sock };
}

const vrrpOf = async (sock: string): Promise<VrrpLinkStatus> => ((await call(sock, 'vrrp', {})) as VrrpLinkStatus[])[0]!;
const serviceState = (d: Daemon): string => ((d.control().services() as { state: string }[])[0]?.state ?? '');

test('trackingOf: give up while not serving; weight per service down; maintenance and drain always give up', () => {
  const svc = (name: string, state: string, serving: boolean, draining: number | null = null): [string, TrackedService] => [name, { name, state, serving, draining }];
  const all = new Map([svc('web', 'UP', true), svc('db', 'DOWN', false)]);
  assert.deepEqual(trackingOf({ track: ['web'], weight: undefined }, all), { tracked: true, reason: 'tracked services serving' });
  assert.deepEqual(trackingOf({ track: ['web', 'db'], weight: undefined }, all), { tracked: false, reason: 'db not serving' });
  assert.deepEqual(trackingOf({ track: ['web', 'db'], weight: -30 }, all), { tracked: -30, reason: 'db not serving: priority -30' });
  assert.equal(trackingOf({ track: [], weight: undefined }, all).tracked, true);
  assert.deepEqual(trackingOf({ track: ['web'], weight: -30 }, new Map([svc('web', 'DISABLED', false)])), { tracked: false, reason: 'web in maintenance' });
  assert.deepEqual(trackingOf({ track: ['web'], weight: -30 }, new Map([svc('web', 'UP', true, 5000)])), { tracked: false, reason: 'web draining' });
});

test('VRRP without BGP: Active while the service serves; its failure gives up at once (addresses, then priority 0); back after the timer', T, async () => {
  const c = new Cleanup();
  try {
    const { d, io, svc, sock } = await start(c);
    await waitFor('the service UP', () => serviceState(d) === 'UP');
    assert.deepEqual(io.opened, { family: 4, ifname: 'eth0', source: '10.9.0.2', group: true, peers: [], vrid: 9 });
    // Just started: listening for an Active first, even though the service serves.
    assert.equal((await vrrpOf(sock)).state, 'Backup');
    io.expire();
    await waitFor('Active with the address', () => io.held.has(ADDR));
    let v = await vrrpOf(sock);
    assert.equal(v.state, 'Active');
    assert.deepEqual(v.active, { address: '10.9.0.2', priority: 150 });
    assert.equal(v.last?.reason, 'no Active router heard');
    assert.ok(io.log.includes('adverts:150'));

    const mark = io.log.length;
    await svc.close();
    await waitFor('the address released', () => !io.held.has(ADDR));
    await waitFor('the priority 0 advert', () => io.log.includes('send:0'));
    // RFC 9568 6.4.3 as floatd orders it: adverts stop, the address goes, then priority 0.
    assert.deepEqual(io.log.slice(mark), ['adverts:off', `remove:${ADDR}`, 'send:0']);
    v = await vrrpOf(sock);
    assert.equal(v.state, 'Backup');
    assert.equal(v.priority, 0);
    assert.match(v.last?.reason ?? '', /tracked service not serving/);
    assert.deepEqual(v.tracking, { tracked: false, reason: 'web not serving' });

    // The service returns; nobody else holds the address, so the next expiry hands it back.
    await svc.open();
    await waitFor('the service UP again', () => serviceState(d) === 'UP');
    await waitFor('priority 150 again', () => d.control().vrrp!() !== undefined && ((d.control().vrrp!() as VrrpLinkStatus[])[0]?.priority ?? 0) === 150);
    io.expire();
    await waitFor('Active again', () => io.held.has(ADDR));

    const events = (await call(sock, 'events', {})) as ServiceRoutesEvent[];
    const vrrpEvents = events.filter((e) => e.service === 'vrrp web-vip').map((e) => `${e.from}->${e.to}`);
    assert.deepEqual(vrrpEvents, ['Initialize->Backup', 'Backup->Active', 'Active->Backup', 'Backup->Active']);
    const status = (await call(sock, 'status', {})) as { vrrp: VrrpLinkStatus[]; peers: unknown[] };
    assert.deepEqual(status.peers, []);
    assert.equal(status.vrrp[0]?.state, 'Active');
    assert.equal(status.vrrp[0]?.transitions, 4);

    // Stop: the address goes and a priority 0 advert tells the Backup to take over now.
    const before = io.log.length;
    await d.stop();
    assert.deepEqual(io.log.slice(before), ['adverts:off', `remove:${ADDR}`, 'send:0', 'close']);
  } finally {
    await c.run();
  }
});

test('VRRP with a weight: a failed service lowers the priority and keeps the role; maintenance and drain give it up', T, async () => {
  const c = new Cleanup();
  try {
    const { d, io, svc, sock } = await start(c, { weight: -60 });
    await waitFor('the service UP', () => serviceState(d) === 'UP');
    io.expire();
    await waitFor('Active', () => io.held.has(ADDR));

    await svc.close();
    await waitFor('adverts at priority 90', () => io.log.includes('adverts:90'));
    assert.ok(io.held.has(ADDR), 'still Active, only lower');
    assert.equal((await vrrpOf(sock)).priority, 90);

    await svc.open();
    await waitFor('adverts at priority 150 again', () => io.log.lastIndexOf('adverts:150') > io.log.indexOf('adverts:90'));

    assert.deepEqual(await call(sock, 'maintenance', { on: true, service: 'web' }), { services: ['web'] });
    await waitFor('released for maintenance', () => !io.held.has(ADDR) && io.log.includes('send:0'));
    let v = await vrrpOf(sock);
    assert.equal(v.state, 'Backup');
    assert.deepEqual(v.tracking, { tracked: false, reason: 'web in maintenance' });

    await call(sock, 'maintenance', { on: false, service: 'web' });
    await waitFor('the service UP again', () => serviceState(d) === 'UP');
    io.expire();
    await waitFor('Active again', () => io.held.has(ADDR));

    // A drain (nothing announced over BGP: straight to maintenance) gives up too.
    const sends = io.log.filter((l) => l === 'send:0').length;
    await call(sock, 'drain', { service: 'web' });
    await waitFor('released for the drain', () => !io.held.has(ADDR) && io.log.filter((l) => l === 'send:0').length > sends);
    v = await vrrpOf(sock);
    assert.equal(v.state, 'Backup');
  } finally {
    await c.run();
  }
});

test('a config with vrrp and no addon to run it is a start-up error, not a silent no-op', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const path = join(dir, 'floatd.yaml');
    writeFileSync(
      path,
      stringify({
        'control-socket': join(dir, 'floatd.sock'),
        'router-id': '192.0.2.1',
        'local-as': FLOATD_AS,
        vrrp: [{ name: 'v', interface: 'eth0', vrid: 1, addresses: ['10.9.0.100/24'] }],
      }),
    );
    const missing = {
      open: () => {
        throw Object.assign(new Error('VRRP needs the native addon floatd_vrrp.node, which could not be loaded'), { code: 'ERR_VRRP_IO' });
      },
    };
    await assert.rejects(
      Daemon.start(loadConfig(path), { configPath: path, clock: realClock, log: testLog, version: 'test', vrrpIo: { addon: missing as never, addresses: new FakeVrrpIo() } }),
      /VRRP needs the native addon/,
    );
  } finally {
    await c.run();
  }
});
