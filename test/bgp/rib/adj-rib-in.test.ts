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
