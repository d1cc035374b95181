import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock.js';
import type { KernelAddress } from '../../src/daemon/addresses/parse-addr-show.js';
import type { NativeEvent, NativeHandle, OpenOptions, VrrpAddon } from '../../src/vrrp/native-io.js';
import { loadVrrpAddon } from '../../src/vrrp/native-io.js';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.js';
import { VrrpConfigError, VrrpInstance, type VrrpAddressPort, type VrrpInstanceConfig } from '../../src/vrrp/vrrp-instance.js';

/** Records what the shell asks of the addon; `emit` plays the thread's events. */
class FakeAddon implements VrrpAddon {
  opened?: OpenOptions;
  emit: (e: NativeEvent) => void = () => undefined;
  readonly log: string[] = [];
  readonly sent: Buffer[][] = [];
  adverts_: { ms: number; packets: readonly Buffer[] } | undefined;
  timerArgs: [number, number, number, number] | undefined;

  open(o: OpenOptions, onEvent: (e: NativeEvent) => void): NativeHandle {
    this.opened = o;
    this.emit = onEvent;
    return {};
  }
  adverts(_h: NativeHandle, ms: number, packets: readonly Buffer[]): void {
    this.adverts_ = { ms, packets };
    this.log.push(ms > 0 ? `adverts:${packets[0]![2]}` : 'adverts:off');
  }
  send(_h: NativeHandle, packets: readonly Buffer[]): void {
    this.sent.push([...packets]);
    this.log.push(`send:${packets[0]![2]}`);
  }
  timer(_h: NativeHandle, gen: number, ms: number, local: number, min: number): void {
    this.timerArgs = [gen, ms, local, min];
  }
  announce(_h: NativeHandle, addresses: readonly string[], count: number): void {
    this.log.push(`announce:${addresses.join(',')}x${count}`);
  }
  close(): void {
    this.log.push('close');
  }
}

/** An address port whose removals finish only when told to. */
class FakePort implements VrrpAddressPort {
  readonly log: string[];
  private pending: (() => void)[] = [];
  constructor(log: string[]) {
    this.log = log;
  }
  async scan(): Promise<readonly KernelAddress[]> {
    const a = (address: string, family: 'ipv4' | 'ipv6', scope: string): KernelAddress => ({ prefix: address, interface: 'eth0', family, address, length: 24, scope, tentative: false, dadFailed: false });
    return [a('10.9.0.2', 'ipv4', 'global'), a('fe80::2', 'ipv6', 'link'), a('fd00:9::2', 'ipv6', 'global')];
  }
  async add(_i: string, p: readonly string[]): Promise<void> {
    this.log.push(`add:${p.join(',')}`);
  }
  remove(_i: string, p: readonly string[]): Promise<void> {
    return new Promise((r) => {
      this.pending.push(() => {
        this.log.push(`removed:${p.join(',')}`);
        r();
      });
    });
  }
  finish(): void {
    for (const f of this.pending.splice(0)) f();
  }
}

const CONFIG: VrrpInstanceConfig = {
  name: 'web',
  interface: 'eth0',
  vrid: 9,
  priority: 150,
  advertIntervalMs: 100,
  addresses: ['10.9.0.100/24'],
  preempt: true,
  preemptDelayMs: 0,
  accept: true,
};

async function started(config: Partial<VrrpInstanceConfig> = {}): Promise<{ v: VrrpInstance; addon: FakeAddon; port: FakePort; clock: FakeClock }> {
  const addon = new FakeAddon();
  const port = new FakePort(addon.log);
  const clock = new FakeClock();
  const v = new VrrpInstance({ ...CONFIG, ...config }, { addon, addresses: port, clock });
  await v.start();
  return { v, addon, port, clock };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('start: socket on the interface from its first IPv4 address, multicast, master-down timer armed', async () => {
  const { v, addon } = await started();
  assert.deepEqual(addon.opened, { family: 4, ifname: 'eth0', source: '10.9.0.2', group: true, peers: [], vrid: 9 });
  assert.equal(v.status().state, 'Backup');
  assert.deepEqual(addon.timerArgs, [1, 300 + (106 * 100) / 256, 150, 150]);
});

test('IPv6 adverts come from the link-local address; unicast peers replace the group', async () => {
  const { addon } = await started({ addresses: ['fd00:9::100/64'], unicastPeers: ['fe80::3'] });
  assert.deepEqual(addon.opened, { family: 6, ifname: 'eth0', source: 'fe80::2', group: false, peers: ['fe80::3'], vrid: 9 });
});

test('timer expiry: Active, addresses added, adverts with a checksum for each destination, GARP', async () => {
  const { v, addon } = await started({ unicastPeers: ['10.9.0.3', '10.9.0.4'] });
  addon.emit({ kind: 'timer', gen: 1 });
  await v.settled();
  assert.equal(v.status().state, 'Active');
  assert.deepEqual(addon.log, ['adverts:150', 'announce:10.9.0.100x3', 'add:10.9.0.100/24']);
  const packets = addon.adverts_!.packets;
  assert.equal(packets.length, 2);
  for (const [i, dst] of ['10.9.0.3', '10.9.0.4'].entries()) {
    const d = decodeAdvert(packets[i]!, { family: 'ipv4', source: '10.9.0.2', destination: dst });
    assert.ok(d.ok && d.checksum === 'rfc' && d.advert.intervalCs === 10);
  }
});

test('a stale timer expiry (re-armed since) is ignored', async () => {
  const { v, addon } = await started();
  const from = '10.9.0.3';
  addon.emit({ kind: 'advert', source: from, destination: '224.0.0.18', ttl: 255, data: encodeAdvert({ vrid: 9, priority: 200, intervalCs: 10, addresses: ['10.9.0.100'] }, { family: 'ipv4', source: from, destination: '224.0.0.18' }) });
  assert.equal(addon.timerArgs![0], 2);
  addon.emit({ kind: 'timer', gen: 1 });
  assert.equal(v.status().state, 'Backup');
  assert.deepEqual(v.status().active, { address: from, priority: 200 });
});

test('dropped: multicast adverts with TTL below 255, bad checksums, senders that are not unicast peers', async () => {
  const { v, addon } = await started();
  const pkt = (src: string) => encodeAdvert({ vrid: 9, priority: 200, intervalCs: 10, addresses: ['10.9.0.100'] }, { family: 'ipv4', source: src, destination: '224.0.0.18' });
  addon.emit({ kind: 'advert', source: '10.9.0.3', destination: '224.0.0.18', ttl: 64, data: pkt('10.9.0.3') });
  addon.emit({ kind: 'advert', source: '10.9.0.3', destination: '224.0.0.18', ttl: 255, data: pkt('10.9.0.7') });
  assert.deepEqual(v.status().dropped, { ERR_VRRP_TTL: 1, ERR_VRRP_CHECKSUM: 1 });
  assert.equal(v.status().active, undefined);
  const u = await started({ unicastPeers: ['10.9.0.4'] });
  u.addon.emit({ kind: 'advert', source: '10.9.0.3', destination: '10.9.0.2', ttl: 255, data: pkt('10.9.0.3') });
  assert.deepEqual(u.v.status().dropped, { ERR_VRRP_PEER: 1 });
});

test('release: adverts stop, the address goes, and only then the priority 0 advert', async () => {
  const { v, addon, port } = await started();
  addon.emit({ kind: 'timer', gen: 1 });
  await v.settled();
  addon.log.length = 0;
  const done = v.release();
  await flush();
  assert.deepEqual(addon.log, ['adverts:off']);
  port.finish();
  await done;
  assert.deepEqual(addon.log, ['adverts:off', 'removed:10.9.0.100/24', 'send:0', 'close']);
  assert.equal(v.status().state, 'Initialize');
  assert.equal(v.status().last?.reason, 'released');
});

test('setTracked: false gives up the role, a number lowers the advertised priority', async () => {
  const { v, addon, port } = await started();
  addon.emit({ kind: 'timer', gen: 1 });
  await v.settled();
  v.setTracked(-100);
  assert.equal(addon.adverts_!.packets[0]![2], 50);
  assert.equal(v.status().priority, 50);
  v.setTracked(false);
  await flush();
  port.finish();
  await v.settled();
  assert.equal(v.status().state, 'Backup');
  assert.match(v.status().last!.reason, /not serving/);
  assert.deepEqual(addon.log.slice(-3), ['adverts:off', 'removed:10.9.0.100/24', 'send:0']);
});

test('config errors carry ERR_VRRP_CONFIG and say what is wrong', () => {
  const addon = new FakeAddon();
  const make = (c: Partial<VrrpInstanceConfig>) => () => new VrrpInstance({ ...CONFIG, ...c }, { addon, addresses: new FakePort([]) });
  for (const [bad, text] of [
    [{ vrid: 0 }, /vrid 0/],
    [{ priority: 0 }, /priority 0/],
    [{ advertIntervalMs: 5 }, /advert interval/],
    [{ accept: false }, /accept must be on/],
    [{ addresses: ['10.9.0.100', 'fd00::1'] }, /single family/],
  ] as const) {
    assert.throws(make(bad), (e: Error) => e instanceof VrrpConfigError && (e as VrrpConfigError).code === 'ERR_VRRP_CONFIG' && text.test(e.message));
  }
});

test('the native addon loads and refuses a missing interface and bad arguments', () => {
  const addon = loadVrrpAddon();
  assert.throws(() => addon.open({ family: 4, ifname: 'nosuch-vrrp0', source: '10.9.0.2', group: true, peers: [], vrid: 9 }, () => undefined), { code: 'ENODEV' });
  assert.throws(() => addon.open({ family: 4, ifname: 'lo', source: '10.9.0.2', group: true, peers: [], vrid: 0 }, () => undefined), { code: 'EINVAL' });
  assert.throws(() => addon.open({ family: 4, ifname: 'lo', source: 'not-an-address', group: true, peers: [], vrid: 9 }, () => undefined), { code: 'EINVAL' });
});
