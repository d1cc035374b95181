// IprouteAddressSystem against the kernel, in a private network namespace.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressError } from '../../../src/daemon/addresses/errors.js';
import { IprouteAddressSystem } from '../../../src/daemon/addresses/iproute.js';
import { leftoverScope } from '../../../src/daemon/addresses/from-config.js';
import { FileAddressLedger } from '../../../src/daemon/addresses/ledger.js';
import { parseAddrShow } from '../../../src/daemon/addresses/parse-addr-show.js';
import { check, Lab, requireLab, sleep, waitFor } from '../../../lab/netns.js';

async function world(t: TestContext, tag: string) {
  requireLab([]);
  const lab = new Lab(tag);
  t.after(() => lab.cleanup());
  const ns = await lab.namespace('a');
  const sys = new IprouteAddressSystem({ netns: ns });
  /** What the kernel holds on lo, read independently of the port. */
  const onLo = async (): Promise<{ prefix: string; label?: string; flags: string }[]> =>
    parseAddrShow(await check('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'lo']), 'lo').map((a) => ({
      prefix: a.prefix,
      ...(a.label !== undefined ? { label: a.label } : {}),
      flags: a.tentative ? 'tentative' : '',
    }));
  return { lab, ns, sys, onLo };
}

test('add puts IPv4 (with label) and IPv6 (usable at once) on lo; remove takes them away', async (t) => {
  const { sys, onLo, ns, lab } = await world(t, 'addr1');
  await sys.port.add('lo', ['192.0.2.10/32', '2001:db8::10/128'], 'lo:web');
  const have = await onLo();
  assert.deepEqual(have.find((a) => a.prefix === '192.0.2.10/32'), { prefix: '192.0.2.10/32', label: 'lo:web', flags: '' });
  assert.deepEqual(have.find((a) => a.prefix === '2001:db8::10/128'), { prefix: '2001:db8::10/128', flags: '' }, 'no DAD: not tentative');
  // Usable at once: a socket binds to the IPv6 address right after add resolved.
  const bind = await lab.exec(ns, 'python3', ['-c', 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("2001:db8::10", 0)); print("bound")']);
  assert.equal(bind.stdout.trim(), 'bound', bind.stderr);
  assert.deepEqual(sys.port.added().map((a) => a.address).sort(), ['192.0.2.10', '2001:db8::10']);

  await sys.port.remove('lo', ['192.0.2.10/32', '2001:db8::10/128']);
  const after = (await onLo()).map((a) => a.prefix);
  assert.ok(!after.includes('192.0.2.10/32') && !after.includes('2001:db8::10/128'), after.join(' '));
  assert.deepEqual(sys.port.added(), []);
});

test('add is idempotent; an address found present is not ours and remove leaves it', async (t) => {
  const { sys, onLo, ns } = await world(t, 'addr2');
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.20/32', 'dev', 'lo']);
  await sys.port.add('lo', ['192.0.2.20/32', '192.0.2.21']);
  await sys.port.add('lo', ['192.0.2.20/32', '192.0.2.21/32']);
  assert.equal(sys.port.foundPresent('lo', '192.0.2.20/32'), true);
  assert.equal(sys.port.foundPresent('lo', '192.0.2.21/32'), false);
  assert.equal((await onLo()).filter((a) => a.prefix === '192.0.2.21/32').length, 1);
  await sys.port.remove('lo', ['192.0.2.20/32', '192.0.2.21/32']);
  const after = (await onLo()).map((a) => a.prefix);
  assert.ok(after.includes('192.0.2.20/32'), 'the operator\'s address stays');
  assert.ok(!after.includes('192.0.2.21/32'), 'ours is gone');
  // An address already gone when removed is not an error.
  await sys.port.add('lo', ['192.0.2.22/32']);
  await check('ip', ['-n', ns, 'addr', 'del', '192.0.2.22/32', 'dev', 'lo']);
  await sys.port.remove('lo', ['192.0.2.22/32']);
  assert.deepEqual(sys.port.added(), []);
});

test('a present address with another length counts as present', async (t) => {
  const { sys, ns, onLo } = await world(t, 'addr3');
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.30/24', 'dev', 'lo']);
  await sys.port.add('lo', ['192.0.2.30/32']);
  assert.equal(sys.port.foundPresent('lo', '192.0.2.30/32'), true);
  assert.deepEqual((await onLo()).filter((a) => a.prefix.startsWith('192.0.2.30/')).map((a) => a.prefix), ['192.0.2.30/24']);
});

test('after a crash, a new run takes back what the old one recorded, removes leftovers nobody wants, and leaves the operator\'s addresses', async (t) => {
  const { ns, onLo, lab } = await world(t, 'addr5');
  const ledger = new FileAddressLedger(join(lab.dir, 'floatd.addresses.json'));
  const first = new IprouteAddressSystem({ netns: ns, ledger });
  await first.port.add('lo', ['192.0.2.40/32', '2001:db8::40/128', '192.0.2.41/32']);
  assert.deepEqual(ledger.load().map((e) => e.address).sort(), ['192.0.2.40', '192.0.2.41', '2001:db8::40']);
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.42/32', 'dev', 'lo']);
  // The first run is gone without removing anything (SIGKILL); the next one starts from the record.
  const second = new IprouteAddressSystem({ netns: ns, ledger });
  const scope = leftoverScope({ services: [{ prefixes: ['192.0.2.32/27', '2001:db8::/64'], address: { interface: 'lo', add: true } as never }], announce: [] });
  const released = await second.port.releaseLeftovers(new Set(['lo 192.0.2.40', 'lo 192.0.2.42']), scope);
  assert.deepEqual(released.removed.map((e) => e.address).sort(), ['192.0.2.41', '2001:db8::40']);
  assert.deepEqual(released.refused, []);
  await second.port.add('lo', ['192.0.2.40/32', '192.0.2.42/32']);
  assert.equal(second.port.foundPresent('lo', '192.0.2.40/32'), false, 'recorded by the earlier run: ours');
  assert.equal(second.port.foundPresent('lo', '192.0.2.42/32'), true, 'never recorded: the operator\'s');
  assert.deepEqual(ledger.load().map((e) => e.address), ['192.0.2.40']);
  await second.port.remove('lo', ['192.0.2.40/32', '192.0.2.42/32']);
  const after = (await onLo()).map((a) => a.prefix);
  assert.deepEqual(after.filter((p) => p.startsWith('192.0.2.') || p.startsWith('2001:db8:')), ['192.0.2.42/32']);
  assert.equal(existsSync(ledger.path), false, 'nothing of ours left: no record');
});

test('a tampered address record cannot make floatd delete the host\'s own addresses: only managed interfaces, only configured or allowed prefixes', async (t) => {
  const { ns, onLo, lab } = await world(t, 'addr6');
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.2/24', 'dev', 'lo']);
  await check('ip', ['-n', ns, 'addr', 'add', '198.51.100.7/32', 'dev', 'lo']);
  const ledger = new FileAddressLedger(join(lab.dir, 'floatd.addresses.json'));
  // Seeded by someone else: the host's own addresses, one on an interface this config does not manage.
  ledger.save([
    { interface: 'eth0', address: '192.0.2.2' },
    { interface: 'lo', address: '127.0.0.1' },
    { interface: 'lo', address: '198.51.100.7' },
  ]);
  const sys = new IprouteAddressSystem({ netns: ns, ledger });
  const released = await sys.port.releaseLeftovers(new Set(), leftoverScope({ services: [{ prefixes: ['203.0.113.10/32'], address: { interface: 'lo', add: true } as never }], announce: [], allow: ['198.51.100.0/24'] }));
  assert.deepEqual(released.removed, [{ interface: 'lo', address: '198.51.100.7' }], 'inside the allow list, on a managed interface: a real leftover');
  assert.deepEqual(
    released.refused.map((r) => `${r.interface} ${r.address}: ${r.why}`).sort(),
    ['eth0 192.0.2.2: eth0 is not an interface this config puts addresses on', 'lo 127.0.0.1: it is inside no configured or allowed prefix'],
  );
  const left = (await onLo()).map((a) => a.prefix);
  assert.ok(left.includes('127.0.0.1/8') && left.includes('192.0.2.2/24'), left.join(' '));
  assert.equal(existsSync(ledger.path), false, 'the refused entries are dropped from the record');
});

test('bad labels and names are refused before ip runs, with clear messages; kernel errors quote ip', async (t) => {
  const { sys } = await world(t, 'addr4');
  await assert.rejects(sys.port.add('lo', ['192.0.2.10/32'], 'web'), (e: unknown) => e instanceof AddressError && e.reason === 'invalid' && /does not start with the interface name "lo"/.test(e.message));
  await assert.rejects(sys.port.add('lo', ['192.0.2.10/32'], 'lo:averylongname'), /is 16 characters long \(expected at most 15/);
  await assert.rejects(sys.port.add('-lo', ['192.0.2.10/32']), /is not an interface name/);
  await assert.rejects(sys.port.add('lo', ['192.0.2.300']), /is not an IP address/);
  await assert.rejects(
    sys.port.add('nosuch0', ['192.0.2.10/32']),
    (e: unknown) => e instanceof AddressError && e.reason === 'no-such-interface' && /^ip -n \S+ -j addr show dev nosuch0 failed \(exit 1\): Device "nosuch0" does not exist\.$/.test(e.message),
  );
  // The kernel refuses an IPv6 multicast address as a local one: its words reach the message.
  await assert.rejects(
    sys.port.add('lo', ['ff02::1/128']),
    (e: unknown) =>
      e instanceof AddressError &&
      /^cannot add an address to lo: ip -n \S+ -6 addr add ff02::1\/128 dev lo nodad failed \(exit 2\): Error: ipv6: Cannot assign multicast address/.test(e.message),
  );
});

test('a command that outlives its timeout is killed and reported; a missing program is named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-ip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hang = join(dir, 'ip');
  writeFileSync(hang, '#!/bin/sh\nexec sleep 5\n', { mode: 0o755 });
  const sys = new IprouteAddressSystem({ ip: hang, timeoutMs: 200 });
  await assert.rejects(sys.port.scan('lo'), (e: unknown) => e instanceof AddressError && e.reason === 'timeout' && /^\S+\/ip -j addr show dev lo did not finish within 200 ms and was killed$/.test(e.message));
  const missing = new IprouteAddressSystem({ ip: join(dir, 'nothing') });
  await assert.rejects(missing.port.scan('lo'), (e: unknown) => e instanceof AddressError && e.reason === 'not-run' && /could not run: ENOENT \(is iproute2 installed\?\)/.test(e.message));
});

test('watch: sees an `ip addr add` and an `ip addr del` in the namespace within a second', async (t) => {
  const { sys, ns } = await world(t, 'watch1');
  const watch = sys.watch('lo');
  t.after(() => watch.stop());
  await watch.start();
  assert.ok(watch.current().some((a) => a.prefix === '127.0.0.1/8'));
  await sleep(400); // past the settle read, so what follows is seen through events alone
  const seen = new Promise<number>((resolve) => {
    const off = watch.onChange((list) => {
      if (list.some((a) => a.prefix === '192.0.2.40/32' && a.label === 'lo:w')) {
        off();
        resolve(performance.now());
      }
    });
  });
  const t0 = performance.now();
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.40/32', 'dev', 'lo', 'label', 'lo:w']);
  const ms = (await seen) - t0;
  assert.ok(ms < 1000, `added address seen after ${ms.toFixed(0)} ms`);
  const gone = new Promise<number>((resolve) => {
    const off = watch.onChange((list) => {
      if (!list.some((a) => a.prefix === '192.0.2.40/32')) {
        off();
        resolve(performance.now());
      }
    });
  });
  const t1 = performance.now();
  await check('ip', ['-n', ns, 'addr', 'del', '192.0.2.40/32', 'dev', 'lo']);
  const ms2 = (await gone) - t1;
  assert.ok(ms2 < 1000, `removed address seen after ${ms2.toFixed(0)} ms`);
  console.log(`watch saw add after ${ms.toFixed(1)} ms, del after ${ms2.toFixed(1)} ms`);
});

test('watch: a killed monitor is restarted and events are seen again', async (t) => {
  const { sys, ns } = await world(t, 'watch2');
  const watch = sys.watch('lo');
  t.after(() => watch.stop());
  await watch.start();
  const first = watch.monitorPid();
  assert.ok(first !== undefined);
  process.kill(first, 'SIGKILL');
  const second = await waitFor('a new monitor', () => {
    const pid = watch.monitorPid();
    return pid !== undefined && pid !== first ? pid : undefined;
  }, { timeoutMs: 5000, intervalMs: 20 });
  assert.ok(watch.monitorStarts >= 2);
  await sleep(400);
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.41/32', 'dev', 'lo']);
  await waitFor('the address through the new monitor', () => watch.current().some((a) => a.prefix === '192.0.2.41/32'), { timeoutMs: 1000, intervalMs: 10 });
  watch.stop();
  await waitFor('the monitor to end', () => {
    try {
      process.kill(second, 0);
      return false;
    } catch {
      return true;
    }
  }, { timeoutMs: 3000, intervalMs: 20 });
});
