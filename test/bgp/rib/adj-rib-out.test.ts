import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefix } from '../../../src/bgp/codec/nlri.js';
import { AdjRibOut } from '../../../src/bgp/rib/adj-rib-out.js';
import type { Route } from '../../../src/bgp/rib/route.js';

const route = (p: string, med?: number, nextHop = '10.0.0.1'): Route => ({
  prefix: prefix(p),
  nextHops: [nextHop],
  attributes: med === undefined ? { origin: 0, asPath: [] } : { origin: 0, asPath: [], med },
});
const texts = (ps: readonly { addr: string; len: number }[]): string[] => ps.map((p) => `${p.addr}/${p.len}`).sort();

test('the first sync announces everything, grouped by shared attributes', () => {
  const rib = new AdjRibOut();
  const c = rib.sync([route('192.0.2.1/32'), route('192.0.2.2/32'), route('192.0.2.3/32', 100)]);
  assert.deepEqual(c.withdraw, []);
  assert.equal(c.announce.length, 2);
  assert.deepEqual(texts(c.announce.flatMap((g) => g.prefixes)), ['192.0.2.1/32', '192.0.2.2/32', '192.0.2.3/32']);
  assert.equal(rib.size, 3);
});

test('an unchanged desired set produces no changes at all', () => {
  const rib = new AdjRibOut();
  rib.sync([route('192.0.2.1/32', 5)]);
  const c = rib.sync([route('192.0.2.1/32', 5)]);
  assert.deepEqual(c, { withdraw: [], announce: [] });
});

test('only the changed route is re-announced, and removed ones are withdrawn', () => {
  const rib = new AdjRibOut();
  rib.sync([route('192.0.2.1/32'), route('192.0.2.2/32'), route('2001:db8::/64', undefined, '2001:db8::1')]);
  const c = rib.sync([route('192.0.2.1/32', 1000), route('2001:db8::/64', undefined, '2001:db8::1')]);
  assert.deepEqual(texts(c.withdraw), ['192.0.2.2/32']);
  assert.deepEqual(texts(c.announce.flatMap((g) => g.prefixes)), ['192.0.2.1/32']);
  assert.equal(c.announce[0]!.attributes.med, 1000);
});

test('a next hop change is a change; families never share a group', () => {
  const rib = new AdjRibOut();
  rib.sync([route('192.0.2.1/32')]);
  assert.equal(rib.sync([route('192.0.2.1/32', undefined, '10.0.0.2')]).announce.length, 1);
  const c = new AdjRibOut().sync([route('192.0.2.1/32', undefined, '2001:db8::1'), route('2001:db8::/64', undefined, '2001:db8::1')]);
  assert.equal(c.announce.length, 2);
});

test('all() re-sends everything (ROUTE-REFRESH) and clear() forgets the peer', () => {
  const rib = new AdjRibOut();
  rib.sync([route('192.0.2.1/32'), route('192.0.2.2/32')]);
  assert.equal(rib.all().announce[0]!.prefixes.length, 2);
  rib.clear();
  assert.equal(rib.size, 0);
  assert.equal(rib.sync([route('192.0.2.1/32')]).announce.length, 1);
});
