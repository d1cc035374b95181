import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefix } from '../../../src/bgp/codec/nlri.js';
import { AdjRibIn } from '../../../src/bgp/rib/adj-rib-in.js';

const attrs = (med: number) => ({ origin: 0 as const, med });
const ps = (...t: string[]) => t.map((x) => prefix(x));

test('the RIB shares one attribute object per distinct set and frees unused sets', () => {
  const rib = new AdjRibIn();
  rib.announce(ps('10.0.0.0/8', '10.1.0.0/16'), attrs(1), ['192.0.2.1']);
  rib.announce(ps('10.2.0.0/16'), { med: 1, origin: 0 }, ['192.0.2.1']);
  assert.equal(rib.attributeSetCount, 1);
  const e = [...rib.entries()];
  assert.equal(e.length, 3);
  assert.ok(e.every((x) => x.attributes === e[0]!.attributes), 'one shared object');
  rib.announce(ps('10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16'), attrs(2), ['192.0.2.1']);
  assert.equal(rib.attributeSetCount, 1, 'the old set is released when no prefix uses it');
  assert.equal(rib.prefixCount, 3, 'an implicit replace is not a new prefix');
  rib.withdraw(ps('172.16.0.0/12'));
  assert.equal(rib.prefixCount, 3, 'withdrawing an unknown prefix changes nothing');
  rib.withdraw(ps('10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16'));
  assert.equal(rib.attributeSetCount, 0);
  assert.equal(rib.prefixCount, 0);
});

test('IPv4, IPv6 and ADD-PATH prefixes round-trip through entries(), IPv4 in address order', () => {
  const rib = new AdjRibIn();
  rib.announce(ps('198.51.100.0/24', '10.0.0.0/8', '10.0.0.0/16', '0.0.0.0/0', '255.255.255.255/32'), attrs(1), ['192.0.2.1']);
  rib.announce(ps('2001:db8::/32'), { origin: 2 }, ['2001:db8::1', 'fe80::1']);
  rib.announce([prefix('203.0.113.0/24', 7)], attrs(3), ['192.0.2.3']);
  assert.equal(rib.prefixCount, 7);
  assert.deepEqual(
    [...rib.entries()].map((e) => [e.prefix, e.nextHops.join(' '), e.attributes.med ?? null]),
    [
      ['0.0.0.0/0', '192.0.2.1', 1],
      ['10.0.0.0/8', '192.0.2.1', 1],
      ['10.0.0.0/16', '192.0.2.1', 1],
      ['198.51.100.0/24', '192.0.2.1', 1],
      ['255.255.255.255/32', '192.0.2.1', 1],
      ['2001:db8::/32', '2001:db8::1 fe80::1', null],
      ['203.0.113.0/24#7', '192.0.2.3', 3],
    ],
  );
  assert.equal(rib.get(prefix('10.0.0.0/16'))?.attributes.med, 1);
  assert.equal(rib.get(prefix('10.0.0.0/17')), undefined);
  assert.deepEqual(rib.get(prefix('2001:db8::/32'))?.nextHops, ['2001:db8::1', 'fe80::1']);
  assert.equal(rib.get(prefix('203.0.113.0/24')), undefined, 'a path identifier makes another route');
  assert.equal(rib.withdraw([prefix('203.0.113.0/24', 7), ...ps('2001:db8::/32', '10.0.0.0/8')]), 3);
  assert.equal(rib.prefixCount, 4);
});

test('the same prefix twice in one announcement keeps its set alive', () => {
  const rib = new AdjRibIn();
  rib.announce(ps('10.0.0.0/8', '10.0.0.0/8'), attrs(1), ['192.0.2.1']);
  assert.equal(rib.prefixCount, 1);
  assert.equal(rib.attributeSetCount, 1);
  rib.announce(ps('10.0.0.0/8'), attrs(1), ['192.0.2.1']);
  assert.equal(rib.attributeSetCount, 1, 'announcing a prefix again with its own set frees nothing');
  assert.equal(rib.get(prefix('10.0.0.0/8'))?.attributes.med, 1);
});

test('numeric and Prefix interfaces see the same IPv4 routes; clear forgets everything', () => {
  const rib = new AdjRibIn();
  rib.announce(ps('192.0.2.0/24'), attrs(9), ['192.0.2.1']);
  assert.equal(rib.withdrawIpv4(0xc0000200, 24), true);
  assert.equal(rib.withdrawIpv4(0xc0000200, 24), false);
  assert.equal(rib.attributeSetCount, 0);
  rib.announce(ps('192.0.2.0/24', '2001:db8::/48'), attrs(9), ['192.0.2.1']);
  rib.clear();
  assert.equal(rib.prefixCount, 0);
  assert.equal(rib.attributeSetCount, 0);
  assert.deepEqual([...rib.entries()], []);
});
