// The address gate with the real iproute2 port in a private namespace, and a
// sink that, at the moment it is handed a list, asks the kernel (ip, run
// synchronously) whether each address is on lo. This shows floatd's order as
// it happens: add, then announce; withdraw, then remove. Watch mode is run
// against the same kernel. (With a BIRD peer, the same order would show as
// the address appearing before the route; that needs `floatd run` wiring.)

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import pino from 'pino';
import { toAnnouncement, type Announcement } from '../../src/bgp/rib/announcement.js';
import { DesiredRoutes } from '../../src/daemon/desired-routes.js';
import type { AddressPort } from '../../src/net/address-port.js';
import { AddressGate } from '../../src/daemon/addresses/gate.js';
import type { AddressNeed } from '../../src/daemon/addresses/gate-plan.js';
import { IprouteAddressSystem } from '../../src/daemon/addresses/iproute.js';
import { parseAddrShow } from '../../src/daemon/addresses/parse-addr-show.js';
import { WatchEntries } from '../../src/daemon/addresses/watch-entries.js';
import { check, Lab, requireLab, waitFor } from '../../lab/netns.js';
import { realClock } from '../../src/util/clock.js';

const P4 = '192.0.2.10/32';
const P6 = '2001:db8::10/128';
const silent = pino({ level: process.env['DBG'] ? 'debug' : 'silent' });

const entry = (prefix: string): Announcement =>
  toAnnouncement({
  prefix,
  nextHop: undefined,
  med: undefined,
  prepend: 0,
  communities: [],
  largeCommunities: [],
  localPref: undefined,
  neighbors: ['10.0.0.1'],
  });

interface Mark {
  readonly at: number;
  readonly what: string;
  /** For sink marks: the addresses on lo at that moment. */
  readonly onLo?: readonly string[];
}

async function world(t: TestContext, tag: string) {
  requireLab([]);
  const lab = new Lab(tag);
  t.after(() => lab.cleanup());
  const ns = await lab.namespace('a');
  const sys = new IprouteAddressSystem({ netns: ns });
  const marks: Mark[] = [];
  const onLoNow = (): string[] => {
    const r = spawnSync('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8', timeout: 10_000 });
    return parseAddrShow(r.stdout, 'lo').map((a) => a.prefix);
  };
  const port: AddressPort = {
    async add(iface, prefixes, label) {
      marks.push({ at: performance.now(), what: `add ${prefixes.join(',')}` });
      await sys.port.add(iface, prefixes, label);
      marks.push({ at: performance.now(), what: `added ${prefixes.join(',')}` });
    },
    async remove(iface, prefixes) {
      marks.push({ at: performance.now(), what: `remove ${prefixes.join(',')}` });
      await sys.port.remove(iface, prefixes);
      marks.push({ at: performance.now(), what: `removed ${prefixes.join(',')}` });
    },
  };
  const sink = {
    setAnnouncements(entries: readonly Announcement[]) {
      marks.push({ at: performance.now(), what: `sink [${entries.map((e) => e.prefix).join(',')}]`, onLo: onLoNow() });
    },
  };
  // The gate as the daemon uses it: ServiceRoutes' part of the desired routes, filtered by it.
  const gate = (needs: [string, AddressNeed][]) => {
    const desired = new DesiredRoutes(sink);
    const g = new AddressGate({ changed: () => desired.publish(), port, needs: new Map(needs), clock: realClock, log: silent, retryMs: 200 });
    return Object.assign(g, { setAnnouncements: desired.part(g).setAnnouncements });
  };
  return { lab, ns, sys, marks, gate, onLoNow };
}

const need = (addr: string, removeWhenWithdrawn: boolean, label?: string): AddressNeed => ({ interface: 'lo', addresses: [addr], removeWhenWithdrawn, ...(label ? { label } : {}) });

test('add before announce, withdraw before remove, timed against the kernel', async (t) => {
  const { marks, gate, onLoNow } = await world(t, 'gate1');
  const g = gate([
    [P4, need(P4, true, 'lo:web')],
    [P6, need(P6, true)],
  ]);
  g.setAnnouncements([entry(P4), entry(P6)]);
  await g.idle();
  const announce = marks.find((m) => m.what === `sink [${P4},${P6}]`);
  assert.ok(announce, marks.map((m) => m.what).join(' | '));
  assert.ok(announce.onLo!.includes(P4) && announce.onLo!.includes(P6), `at the announce lo held ${announce.onLo!.join(' ')}`);
  for (const p of [P4, P6]) {
    const added = marks.find((m) => m.what === `added ${p}`)!;
    assert.ok(added.at <= announce.at, `${p} added at ${added.at.toFixed(1)}, announced at ${announce.at.toFixed(1)}`);
  }
  // Each prefix goes out as soon as its own address is there: every list handed over holds only prefixes whose address lo had then.
  for (const m of marks.filter((x) => x.what.startsWith('sink'))) {
    for (const p of [P4, P6]) if (m.what.includes(p)) assert.ok(m.onLo!.includes(p), `${m.what} while lo held ${m.onLo!.join(' ')}`);
  }

  const before = marks.length;
  g.setAnnouncements([]);
  const withdraw = marks[before]!;
  assert.equal(withdraw.what, 'sink []', 'the withdraw is handed on synchronously, first');
  assert.ok(withdraw.onLo!.includes(P4) && withdraw.onLo!.includes(P6), 'the addresses are still there when the withdraw goes out');
  await g.idle();
  for (const p of [P4, P6]) {
    const removed = marks.find((m) => m.what === `removed ${p}`)!;
    assert.ok(removed.at >= withdraw.at);
    assert.ok(!onLoNow().includes(p), `${p} removed`);
  }
  const span = (a: string, b: string) => (marks.find((m) => m.what === b)!.at - marks.find((m) => m.what === a)!.at).toFixed(1);
  console.log(`add -> announce ${span(`add ${P4}`, `sink [${P4},${P6}]`)} ms; withdraw -> removed ${span('sink []', `removed ${P6}`)} ms`);
});

test('rapid up/down/up against the kernel: announced once, only with the address present, never removed at the end', async (t) => {
  const { marks, gate, onLoNow } = await world(t, 'gate2');
  const g = gate([[P4, need(P4, true)]]);
  g.setAnnouncements([entry(P4)]);
  g.setAnnouncements([]);
  g.setAnnouncements([entry(P4)]);
  g.setAnnouncements([]);
  g.setAnnouncements([entry(P4)]);
  await g.idle();
  const announced = marks.filter((m) => m.what === `sink [${P4}]`);
  assert.equal(announced.length, 1, marks.map((m) => m.what).join(' | '));
  assert.ok(announced[0]!.onLo!.includes(P4));
  assert.ok(onLoNow().includes(P4), 'the last state asked for: up, with its address');
  // Every list that carried the prefix was handed over while the address was on lo.
  for (const m of marks) if (m.what.includes(P4) && m.what.startsWith('sink')) assert.ok(m.onLo!.includes(P4));
  g.setAnnouncements([]);
  await g.idle();
  assert.ok(!onLoNow().includes(P4));
});

test('a failing add never announces; an operator address survives close; close removes ours after the withdraw', async (t) => {
  const { marks, gate, onLoNow, ns } = await world(t, 'gate3');
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.20/32', 'dev', 'lo']);
  const g = gate([
    [P4, need(P4, false)],
    ['192.0.2.20/32', need('192.0.2.20/32', false)],
    ['192.0.2.30/32', need('192.0.2.30/32', true, 'eth0:bad')],
  ]);
  await g.prepare();
  assert.ok(onLoNow().includes(P4), 'prepare put the held address in place');
  g.setAnnouncements([entry(P4), entry('192.0.2.20/32'), entry('192.0.2.30/32')]);
  await g.idle();
  assert.deepEqual(marks.filter((m) => m.what.startsWith('sink')).at(-1)?.what, `sink [${P4},192.0.2.20/32]`);
  const bad = g.status().find((s) => s.prefix === '192.0.2.30/32')!;
  assert.equal(bad.announced, false);
  assert.match(bad.error ?? '', /label "eth0:bad" does not start with the interface name "lo"/);
  // The speaker's final withdraw happened elsewhere; now close.
  await g.close();
  const lo = onLoNow();
  assert.ok(!lo.includes(P4), 'ours removed');
  assert.ok(lo.includes('192.0.2.20/32'), 'the operator\'s stays');
});

test('watch mode against the kernel: a labelled address added in the namespace becomes an entry within a second', async (t) => {
  const { sys, ns } = await world(t, 'watch3');
  const watch = sys.watch('lo');
  t.after(() => watch.stop());
  await watch.start();
  const entries = new WatchEntries({
    watch,
    filter: { label: 'lo:bgp*', allow: ['192.0.2.0/24', '2001:db8::/32'], ipv6Length: 64 },
    attributes: { nextHop: undefined, med: 100, prepend: 0, communities: [], largeCommunities: [], localPref: undefined },
    neighbors: { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] },
    log: silent,
  });
  entries.start();
  t.after(() => entries.stop());
  const t0 = performance.now();
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.50/32', 'dev', 'lo', 'label', 'lo:bgp1']);
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.51/32', 'dev', 'lo', 'label', 'lo:other']);
  await check('ip', ['-n', ns, 'addr', 'add', '198.51.100.1/32', 'dev', 'lo', 'label', 'lo:bgp2']);
  await check('ip', ['-n', ns, '-6', 'addr', 'add', '2001:db8:7::1/128', 'dev', 'lo', 'nodad']);
  await waitFor('the watch entries', () => entries.entries().length === 2, { timeoutMs: 1000, intervalMs: 10 });
  console.log(`watch entries after ${(performance.now() - t0).toFixed(1)} ms (4 ip commands included)`);
  assert.deepEqual(entries.entries().map((e) => [e.prefix, e.neighbors, e.med]), [
    ['192.0.2.50/32', ['10.0.0.1'], 100],
    ['2001:db8:7::/64', ['fd00::1'], 100],
  ]);
  await check('ip', ['-n', ns, 'addr', 'del', '192.0.2.50/32', 'dev', 'lo']);
  await waitFor('the withdrawn entry', () => entries.entries().length === 1, { timeoutMs: 1000, intervalMs: 10 });
});

test('an address deleted behind floatd\'s back is put back within a second, without a withdraw', async (t) => {
  const { marks, gate, onLoNow, ns, sys } = await world(t, 'gate4');
  const g = gate([[P4, need(P4, false, 'lo:web')]]);
  const watch = sys.watch('lo');
  t.after(() => watch.stop());
  await watch.start();
  const off = g.follow('lo', watch);
  t.after(off);
  g.setAnnouncements([entry(P4)]);
  await g.idle();
  assert.ok(onLoNow().includes(P4));
  const sinkCalls = marks.filter((m) => m.what.startsWith('sink')).length;
  const t0 = performance.now();
  await check('ip', ['-n', ns, 'addr', 'del', P4, 'dev', 'lo']);
  await waitFor('the address back on lo', () => onLoNow().includes(P4), { timeoutMs: 1000, intervalMs: 10 });
  console.log(`deleted address back after ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(marks.filter((m) => m.what.startsWith('sink')).length, sinkCalls, 'no withdraw, no re-announce');
  await g.close();
  assert.ok(!onLoNow().includes(P4), 'still ours: removed at close');
});
