import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InterfaceAddress } from '../../../src/net/address-port.js';
import { AddressError } from '../../../src/daemon/addresses/errors.js';
import { InterfaceWatch } from '../../../src/daemon/addresses/interface-watch.js';
import { monitorLineInterface, type StartMonitor } from '../../../src/daemon/addresses/ip-monitor.js';
import type { InterfaceScan, KernelAddress, KernelLink, LinkState } from '../../../src/daemon/addresses/parse-addr-show.js';
import { FakeClock } from '../../../src/util/clock.js';
import { flush, logCapture } from './fakes.js';

const k = (prefix: string, more: Partial<KernelAddress> = {}): KernelAddress => {
  const [address = '', len = '32'] = prefix.split('/');
  return { prefix, interface: 'lo', family: address.includes(':') ? 'ipv6' : 'ipv4', address, length: Number(len), scope: 'global', tentative: false, dadFailed: false, ...more };
};

const scanOf = (addresses: readonly KernelAddress[], links: readonly KernelLink[] = []): InterfaceScan => ({ links, addresses });

interface FakeMonitor {
  line(l: string): void;
  exit(why: string): void;
  stopped: boolean;
}

function setup(opts: { scan?: () => Promise<InterfaceScan> } = {}) {
  const clock = new FakeClock();
  const { log, lines } = logCapture();
  let kernel: KernelAddress[] = [];
  let link: LinkState = 'up';
  let scans = 0;
  const monitors: FakeMonitor[] = [];
  const startMonitor: StartMonitor = (onLine, onExit) => {
    const m: FakeMonitor = { line: onLine, exit: onExit, stopped: false };
    monitors.push(m);
    return { pid: 4242 + monitors.length, stop: () => (m.stopped = true) };
  };
  const watch = new InterfaceWatch({
    iface: 'lo',
    clock,
    log,
    startMonitor,
    scan:
      opts.scan ??
      (async () => {
        scans += 1;
        return scanOf(kernel, [{ name: 'lo', state: link }]);
      }),
  });
  const changes: (readonly InterfaceAddress[])[] = [];
  watch.onChange((a) => changes.push(a));
  return {
    clock,
    lines,
    watch,
    monitors,
    changes,
    setKernel: (l: KernelAddress[]) => (kernel = l),
    setLink: (s: LinkState) => (link = s),
    scans: () => scans,
    tick: async (ms: number) => {
      for (let i = 0; i < ms; i += 10) {
        clock.advance(Math.min(10, ms - i));
        await flush();
      }
    },
  };
}

test('monitor lines name their interface; other shapes give undefined', () => {
  assert.equal(monitorLineInterface('1: lo    inet 192.0.2.10/32 scope global lo:web\\       valid_lft forever preferred_lft forever'), 'lo');
  // Link lines of `ip -o monitor link address` (iproute2 6.1), a veth and a plain link.
  assert.equal(monitorLineInterface('2: va@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default \\    link/ether 22:e6:5e:7b:70:c1 brd ff:ff:ff:ff:ff:ff link-netns b'), 'va');
  assert.equal(monitorLineInterface('3: eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \\    link/ether 22:e6:5e:7b:70:c2 brd ff:ff:ff:ff:ff:ff'), 'eth0');
  assert.equal(monitorLineInterface('Deleted 4: vb@if5: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether 22:e6:5e:7b:70:c3 brd ff:ff:ff:ff:ff:ff'), 'vb');
  assert.equal(monitorLineInterface('Deleted 7: eth0    inet6 2001:db8::1/64 scope global \\       valid_lft forever'), 'eth0');
  assert.equal(monitorLineInterface('something else'), undefined);
});

test('start: monitor first, then the first read; sorted, unusable addresses left out', async () => {
  const t = setup();
  t.setKernel([k('192.0.2.20/32'), k('192.0.2.10/32', { label: 'lo:web' }), k('2001:db8::1/128', { tentative: true }), k('2001:db8::2/128', { dadFailed: true })]);
  await t.watch.start();
  assert.equal(t.monitors.length, 1);
  assert.equal(t.watch.monitorPid(), 4243);
  assert.deepEqual(t.watch.current().map((a) => a.prefix), ['192.0.2.10/32', '192.0.2.20/32']);
  assert.deepEqual(t.changes.length, 1);
  t.watch.stop();
});

test('events for the interface are debounced into one read; other interfaces are ignored', async () => {
  const t = setup();
  await t.watch.start();
  await t.tick(400); // the settle read
  const base = t.scans();
  t.setKernel([k('192.0.2.10/32')]);
  t.monitors[0]!.line('1: lo    inet 192.0.2.10/32 scope global lo');
  t.monitors[0]!.line('1: lo    inet 192.0.2.11/32 scope global lo');
  t.monitors[0]!.line('3: eth0    inet 10.0.0.1/24 scope global eth0');
  await t.tick(40);
  assert.equal(t.scans(), base, 'not before the debounce');
  await t.tick(20);
  assert.equal(t.scans(), base + 1, 'one read for the burst');
  assert.deepEqual(t.changes.at(-1)?.map((a) => a.prefix), ['192.0.2.10/32']);
  t.monitors[0]!.line('3: eth0    inet 10.0.0.2/24 scope global eth0');
  await t.tick(100);
  assert.equal(t.scans(), base + 1);
  t.watch.stop();
});

test('listeners hear only real changes; periodic reads catch what no event reported', async () => {
  const t = setup();
  await t.watch.start();
  await t.tick(400);
  const n = t.changes.length;
  t.monitors[0]!.line('1: lo    inet 192.0.2.10/32 scope global lo');
  await t.tick(100);
  assert.equal(t.changes.length, n, 'same list: no call');
  t.setKernel([k('192.0.2.99/32')]);
  await t.tick(29_000);
  assert.equal(t.changes.length, n);
  await t.tick(1_500);
  assert.deepEqual(t.changes.at(-1)?.map((a) => a.prefix), ['192.0.2.99/32']);
  t.watch.stop();
});

test('a dead monitor: read at once, restart with doubling back-off, reset after a steady run', async () => {
  const t = setup();
  await t.watch.start();
  await t.tick(400);
  t.setKernel([k('192.0.2.10/32')]);
  t.monitors[0]!.exit('ip monitor exited (SIGKILL)');
  assert.equal(t.watch.monitorPid(), undefined);
  await t.tick(60);
  assert.deepEqual(t.watch.current().map((a) => a.prefix), ['192.0.2.10/32'], 'read right after the exit');
  await t.tick(140);
  assert.equal(t.monitors.length, 2, 'restarted after 200 ms');
  t.monitors[1]!.exit('again');
  await t.tick(390);
  assert.equal(t.monitors.length, 2);
  await t.tick(20);
  assert.equal(t.monitors.length, 3, 'then after 400 ms');
  t.monitors[1]!.line('1: lo    inet 192.0.2.77/32 scope global lo');
  t.setKernel([k('192.0.2.77/32')]);
  await t.tick(100);
  assert.notDeepEqual(t.watch.current().map((a) => a.prefix), ['192.0.2.77/32'], 'lines from an old monitor are ignored');
  await t.tick(30_000);
  t.monitors[2]!.exit('after a long run');
  await t.tick(210);
  assert.equal(t.monitors.length, 4, 'back to 200 ms after a steady run');
  t.watch.stop();
  assert.equal(t.monitors[3]!.stopped, true);
});

test('a missing interface is an empty list with the error kept; other errors keep the last list', async () => {
  let mode: 'ok' | 'gone' | 'slow' = 'ok';
  const t = setup({
    scan: async () => {
      if (mode === 'gone') throw new AddressError('ip -j addr show dev lo failed (exit 1): Device "lo" does not exist.', 'no-such-interface');
      if (mode === 'slow') throw new AddressError('ip -j addr show dev lo did not finish within 10000 ms and was killed', 'timeout');
      return scanOf([k('192.0.2.10/32')]);
    },
  });
  await t.watch.start();
  assert.equal(t.watch.current().length, 1);
  mode = 'slow';
  t.watch.poke();
  await t.tick(60);
  assert.equal(t.watch.current().length, 1);
  assert.match(t.watch.lastError() ?? '', /did not finish/);
  mode = 'gone';
  t.watch.poke();
  await t.tick(60);
  assert.deepEqual(t.watch.current(), []);
  assert.match(t.watch.lastError() ?? '', /does not exist/);
  mode = 'ok';
  t.watch.poke();
  await t.tick(60);
  assert.equal(t.watch.lastError(), undefined);
  assert.equal(t.watch.current().length, 1);
  t.watch.stop();
});

test('start rejects when ip cannot run at all; stop ends the monitor and every timer', async () => {
  const t = setup({
    scan: async () => {
      throw new AddressError('ip -j addr show dev lo could not run: ENOENT (is iproute2 installed?)', 'not-run');
    },
  });
  await assert.rejects(t.watch.start(), /ENOENT \(is iproute2 installed\?\)/);
  t.watch.stop();
  assert.equal(t.monitors[0]!.stopped, true);
  assert.equal(t.clock.pending, 0);
});

test('onScan hears every successful read, changed or not; onChange only changes', async () => {
  const t = setup();
  const scans: number[] = [];
  const off = t.watch.onScan((l) => scans.push(l.length));
  await t.watch.start();
  t.watch.poke();
  await t.tick(60);
  t.setKernel([k('192.0.2.10/32')]);
  t.watch.poke();
  await t.tick(60);
  assert.deepEqual(scans, [0, 0, 1]);
  assert.deepEqual(t.changes.map((c) => c.length), [1], 'the first empty read is no change');
  off();
  t.watch.poke();
  await t.tick(60);
  assert.equal(scans.length, 3);
  t.watch.stop();
});

test('"*" watches every interface: addresses of any interface, and every monitor line starts a read', async () => {
  const clock = new FakeClock();
  const kernel = [k('192.0.2.10/32'), k('198.51.100.7/32', { interface: 'eth0' }), k('198.51.100.8/32', { interface: 'eth2' })];
  let scans = 0;
  const lines: ((l: string) => void)[] = [];
  const watch = new InterfaceWatch({
    iface: '*',
    clock,
    startMonitor: (onLine) => {
      lines.push(onLine);
      return { pid: 1, stop: () => undefined };
    },
    scan: async () => {
      scans += 1;
      return scanOf(kernel, [
        { name: 'lo', state: 'up' },
        { name: 'eth0', state: 'up' },
        { name: 'eth1', state: 'up' },
        { name: 'eth2', state: 'no-carrier' },
      ]);
    },
  });
  await watch.start();
  assert.deepEqual(
    watch.current().map((a) => `${a.interface} ${a.prefix}`),
    ['lo 192.0.2.10/32', 'eth0 198.51.100.7/32'],
    'eth2 has no carrier',
  );
  assert.equal(watch.linkDown('eth2'), 'no-carrier');
  assert.equal(watch.linkDown('eth0'), undefined);
  const before = scans;
  kernel.push(k('203.0.113.5/32', { interface: 'eth1' }));
  lines[0]!('5: eth1    inet 203.0.113.5/32 scope global eth1');
  for (let i = 0; i < 50 && scans === before; i++) {
    clock.advance(10);
    await flush();
  }
  assert.ok(scans > before, 'a line about another interface starts a read');
  assert.ok(watch.current().some((a) => a.interface === 'eth1'));
  watch.stop();
});

test('link events: down or without carrier, the addresses leave the list at the next read; back up, they return', async () => {
  const t = setup();
  const scans: number[] = [];
  t.watch.onScan((l) => scans.push(l.length));
  t.setKernel([k('192.0.2.10/32')]);
  await t.watch.start();
  await t.tick(400);
  assert.deepEqual(t.watch.current().map((a) => a.prefix), ['192.0.2.10/32']);
  assert.equal(t.watch.linkDown('lo'), undefined);
  const n = t.changes.length;

  // `ip link set lo down`: the kernel keeps the address; only a link line says so.
  t.setLink('down');
  t.monitors[0]!.line('1: lo: <LOOPBACK> mtu 65536 qdisc noqueue state DOWN group default \\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00');
  await t.tick(40);
  assert.equal(t.watch.current().length, 1, 'not before the debounce');
  await t.tick(20);
  assert.deepEqual(t.watch.current(), []);
  assert.equal(t.watch.linkDown('lo'), 'down');
  assert.deepEqual(t.changes.slice(n).map((c) => c.length), [0], 'listeners hear the address go');
  assert.ok(t.lines.some((l) => l.level === 'warn' && l.msg === 'link lo is administratively down: its addresses are left out until it is up with carrier'));

  // A periodic read with the link still down: no change, nothing logged again.
  const logged = t.lines.length;
  await t.tick(30_000);
  assert.equal(t.changes.length, n + 1);
  assert.equal(t.lines.length, logged);

  // Up without carrier is still unusable; the reason changes and is logged.
  t.setLink('no-carrier');
  t.monitors[0]!.line('1: lo: <NO-CARRIER,LOOPBACK,UP> mtu 65536 qdisc noqueue state DOWN group default');
  await t.tick(60);
  assert.equal(t.watch.linkDown('lo'), 'no-carrier');
  assert.deepEqual(t.watch.current(), []);
  assert.ok(t.lines.some((l) => l.level === 'warn' && /link lo has no carrier/.test(l.msg)));

  t.setLink('up');
  t.monitors[0]!.line('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default');
  await t.tick(60);
  assert.deepEqual(t.watch.current().map((a) => a.prefix), ['192.0.2.10/32']);
  assert.equal(t.watch.linkDown('lo'), undefined);
  assert.deepEqual(t.changes.slice(n).map((c) => c.length), [0, 1]);
  assert.ok(t.lines.some((l) => l.level === 'info' && l.msg === 'link lo is up again: its addresses count again'));
  assert.ok(scans.length >= 4, 'onScan heard every read');
  t.watch.stop();
});

test('a link first seen down is logged and its addresses are never listed; link lines of other interfaces start no read', async () => {
  const t = setup();
  t.setKernel([k('192.0.2.10/32')]);
  t.setLink('no-carrier');
  await t.watch.start();
  assert.deepEqual(t.watch.current(), []);
  assert.equal(t.watch.linkDown('lo'), 'no-carrier');
  assert.ok(t.lines.some((l) => /link lo has no carrier/.test(l.msg)));
  await t.tick(400);
  const base = t.scans();
  t.monitors[0]!.line('7: va@if8: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default');
  await t.tick(100);
  assert.equal(t.scans(), base);
  t.watch.stop();
});
