// Receive limits in the Adj-RIB-In: counting, refusing, and the NOTIFICATION data.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Afi } from '../../../src/bgp/codec/constants.js';
import type { Prefix } from '../../../src/bgp/codec/types.js';
import { AdjRibIn } from '../../../src/bgp/rib/adj-rib-in.js';
import { LimitWarnings, limitNotification } from '../../../src/bgp/rib/receive-limits.js';

const v4 = (addr: string, len = 24): Prefix => ({ afi: Afi.Ipv4, addr, len });
const v6 = (addr: string, len = 48): Prefix => ({ afi: Afi.Ipv6, addr, len });
const A = { origin: 0 as const, asPath: [{ type: 2 as const, asns: [65000] }] };

test('the total bound refuses only new prefixes, and records the first refusal once', () => {
  const rib = new AdjRibIn({ prefixes: 2 });
  assert.equal(rib.announce([v4('192.0.2.0'), v4('198.51.100.0')], A, ['10.0.0.1']), 2);
  assert.equal(rib.takeHit(), undefined);
  assert.equal(rib.announce([v4('192.0.2.0'), v4('203.0.113.0'), v6('2001:db8::')], { ...A, med: 5 }, ['10.0.0.1']), 1);
  assert.deepEqual(rib.takeHit(), { kind: 'prefixes', limit: 2, afi: Afi.Ipv4 });
  assert.equal(rib.takeHit(), undefined);
  assert.equal(rib.prefixCount, 2);
  assert.equal(rib.get(v4('192.0.2.0'))?.attributes.med, 5);
  assert.equal(rib.withdraw([v4('192.0.2.0')]), 1);
  assert.equal(rib.announce([v4('203.0.113.0')], A, ['10.0.0.1']), 1);
});

test('per-family bounds count each family apart', () => {
  const rib = new AdjRibIn({ ipv4: 1, ipv6: 1 });
  assert.equal(rib.announce([v4('192.0.2.0')], A, ['10.0.0.1']), 1);
  assert.equal(rib.announce([v6('2001:db8::'), v6('2001:db8:1::')], A, ['2001:db8::1']), 1);
  assert.deepEqual(rib.takeHit(), { kind: 'ipv6', limit: 1, afi: Afi.Ipv6 });
  assert.equal(rib.ipv4Count, 1);
  assert.equal(rib.ipv6Count, 1);
  assert.equal(rib.withdraw([v6('2001:db8::')]), 1);
  assert.equal(rib.ipv6Count, 0);
  assert.equal(rib.announce([v4('198.51.100.0')], A, ['10.0.0.1']), 0);
  assert.deepEqual(rib.takeHit(), { kind: 'ipv4', limit: 1, afi: Afi.Ipv4 });
});

test('attribute bytes count a shared set once; a set past the bound is refused and the prefixes it would replace are dropped', () => {
  const rib = new AdjRibIn({ attributeBytes: 1000 });
  for (let i = 0; i < 100; i++) rib.announce([v4(`10.0.${i}.0`)], A, ['10.0.0.1']);
  const one = rib.attributeBytes;
  assert.ok(one > 0 && one < 500, String(one));
  const big = { ...A, communities: Array.from({ length: 300 }, (_, i) => i) };
  assert.equal(rib.announce([v4('10.0.1.0')], big, ['10.0.0.1']), 0);
  assert.equal(rib.takeHit()?.kind, 'attribute-bytes');
  assert.equal(rib.get(v4('10.0.1.0')), undefined);
  assert.equal(rib.attributeBytes, one);
  // Freed sets give their bytes back.
  rib.withdraw(Array.from({ length: 100 }, (_, i) => v4(`10.0.${i}.0`)));
  assert.equal(rib.attributeBytes, 0);
});

test('Cease data per RFC 4486 4: AFI (2), SAFI (1), limit (4); the byte bound is Out of Resources', () => {
  const n = limitNotification({ kind: 'ipv6', limit: 70000, afi: Afi.Ipv6 });
  assert.deepEqual([n.code, n.subcode, Buffer.from(n.data!).toString('hex')], [6, 1, '00020100011170']);
  const b = limitNotification({ kind: 'attribute-bytes', limit: 1 << 26, afi: Afi.Ipv4 });
  assert.deepEqual([b.code, b.subcode, b.data], [6, 8, undefined]);
});

test('warn once per crossing', () => {
  const w = new LimitWarnings();
  const hit = { kind: 'prefixes' as const, limit: 10, afi: Afi.Ipv4 };
  assert.equal(w.hit(hit), true);
  assert.equal(w.hit(hit), false);
  w.rearm({ prefixes: 10 }, () => 10);
  assert.equal(w.hit(hit), false);
  w.rearm({ prefixes: 10 }, () => 9);
  assert.equal(w.hit(hit), true);
});
