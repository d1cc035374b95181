// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760), IPv6 next hops (RFC 2545),
// IPv4 NLRI with an IPv6 next hop (RFC 8950), ADD-PATH inside them (RFC 7911).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMpPrefixes, encodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { BgpEncodeError } from '../../../../src/bgp/codec/errors.js';
import { prefix } from '../../../../src/bgp/codec/nlri.js';
import { AS4_CONTEXT, type CodecContext, type PathAttributes } from '../../../../src/bgp/codec/types.js';
import { decodeHex, hex, toHex } from './fixtures.js';

const GLOBAL = '20010db8000000000000000000000001'; // 2001:db8::1
const LINK_LOCAL = 'fe800000000000000000000000000001'; // fe80::1

interface Case {
  name: string;
  hex: string;
  attrs: PathAttributes;
  ctx?: CodecContext;
}

const CASES: Case[] = [
  {
    name: 'IPv6 with global and link-local next hops',
    hex: `80 0e 31  0002 01 20 ${GLOBAL} ${LINK_LOCAL} 00  20 20010db8  30 20010db80001`,
    attrs: { mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1', 'fe80::1'], nlri: [prefix('2001:db8::/32'), prefix('2001:db8:1::/48')] } },
  },
  {
    name: 'IPv6 with a global next hop only',
    hex: `80 0e 1e  0002 01 10 ${GLOBAL} 00  40 20010db800000000`,
    attrs: { mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [prefix('2001:db8::/64')] } },
  },
  {
    name: 'IPv4 NLRI with an IPv6 next hop (RFC 8950)',
    hex: `80 0e 19  0001 01 10 ${GLOBAL} 00  18 c00002`,
    attrs: { mpReach: { afi: 1, safi: 1, nextHops: ['2001:db8::1'], nlri: [prefix('192.0.2.0/24')] } },
  },
  {
    name: 'IPv4 NLRI with IPv6 global and link-local next hops (RFC 8950)',
    hex: `80 0e 2a  0001 01 20 ${GLOBAL} ${LINK_LOCAL} 00  20 c0000201`,
    attrs: { mpReach: { afi: 1, safi: 1, nextHops: ['2001:db8::1', 'fe80::1'], nlri: [prefix('192.0.2.1/32')] } },
  },
  {
    name: 'IPv4 NLRI with an IPv4 next hop',
    hex: '80 0e 0d  0001 01 04 c0000201 00  18 c63364',
    attrs: { mpReach: { afi: 1, safi: 1, nextHops: ['192.0.2.1'], nlri: [prefix('198.51.100.0/24')] } },
  },
  {
    name: 'IPv6 with ADD-PATH path identifiers',
    hex: `80 0e 2f  0002 01 10 ${GLOBAL} 00  00000001 40 20010db800000000  00000002 40 20010db800000001`,
    attrs: { mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [prefix('2001:db8::/64', 1), prefix('2001:db8:0:1::/64', 2)] } },
    ctx: { ...AS4_CONTEXT, addPathIpv6: true },
  },
  {
    name: 'IPv4 with ADD-PATH path identifiers',
    hex: '80 0e 11  0001 01 04 c0000201 00  ffffffff 18 c63364',
    attrs: { mpReach: { afi: 1, safi: 1, nextHops: ['192.0.2.1'], nlri: [prefix('198.51.100.0/24', 0xffffffff)] } },
    ctx: { ...AS4_CONTEXT, addPathIpv4: true },
  },
  {
    name: 'MP_REACH_NLRI without prefixes',
    hex: `80 0e 15  0002 01 10 ${GLOBAL} 00`,
    attrs: { mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [] } },
  },
  {
    name: 'MP_UNREACH_NLRI, IPv6',
    hex: '80 0f 11  0002 01  20 20010db8  40 20010db800000000',
    attrs: { mpUnreach: { afi: 2, safi: 1, withdrawn: [prefix('2001:db8::/32'), prefix('2001:db8::/64')] } },
  },
  {
    name: 'MP_UNREACH_NLRI, IPv6 End-of-RIB',
    hex: '80 0f 03  0002 01',
    attrs: { mpUnreach: { afi: 2, safi: 1, withdrawn: [] } },
  },
  {
    name: 'MP_UNREACH_NLRI, IPv4 with ADD-PATH',
    hex: '80 0f 0e  0001 01  00000007 00  00000008 08 0a',
    attrs: { mpUnreach: { afi: 1, safi: 1, withdrawn: [prefix('0.0.0.0/0', 7), prefix('10.0.0.0/8', 8)] } },
    ctx: { ...AS4_CONTEXT, addPathIpv4: true },
  },
];

for (const c of CASES) {
  const ctx = c.ctx ?? AS4_CONTEXT;
  test(`decode and encode: ${c.name}`, () => {
    const r = decodeHex(c.hex, ctx);
    // Alone, announced prefixes lack ORIGIN and AS_PATH (RFC 4760 3).
    assert.deepEqual(
      r.errors.map((e) => [...e.data]),
      c.attrs.mpReach?.nlri.length ? [[1], [2]] : [],
    );
    assert.deepEqual(r.attributes, c.attrs);
    assert.equal(toHex(encodeAttributes(c.attrs, ctx)), toHex(hex(c.hex)));
    const b = hex(c.hex);
    assert.deepEqual(countMpPrefixes(b, 0, b.length, ctx), {
      reach: c.attrs.mpReach?.nlri.length ?? 0,
      unreach: c.attrs.mpUnreach?.withdrawn.length ?? 0,
    });
  });
}

test('the reserved octet after the next hop is ignored on receipt', () => {
  const r = decodeHex(`80 0e 15  0002 01 10 ${GLOBAL} 5a`);
  assert.deepEqual(r.attributes.mpReach, { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [] });
});

test('host bits past the prefix length are cleared', () => {
  const r = decodeHex(`80 0f 08  0002 01  1f 20010db9`);
  assert.deepEqual(r.attributes.mpUnreach!.withdrawn, [prefix('2001:db8::/31')]);
});

test('an MP_REACH_NLRI longer than 255 octets is sent with extended length', () => {
  const nlri = Array.from({ length: 40 }, (_, i) => prefix(`2001:db8:${i.toString(16)}::/48`));
  const out = encodeAttributes({ mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri } }, AS4_CONTEXT);
  const value = `000201 10 ${GLOBAL} 00 ${nlri.map((_, i) => `30 20010db8 ${i.toString(16).padStart(4, '0')}`).join(' ')}`;
  const len = hex(value).length;
  assert.equal(len, 21 + 40 * 7);
  assert.equal(toHex(out), toHex(hex(`90 0e ${len.toString(16).padStart(4, '0')} ${value}`)));
  assert.deepEqual(decodeHex(toHex(out)).attributes.mpReach?.nlri, nlri);
});

test('count skips families floatd does not carry', () => {
  const b = hex('80 0e 0b 0019 46 04 c0000201 00 0102  80 0f 04 0001 80 00  40 01 01 00');
  assert.deepEqual(countMpPrefixes(b, 0, b.length, AS4_CONTEXT), { reach: 0, unreach: 0 });
});

test('encoder refuses next hops and prefixes that cannot go on the wire', () => {
  const bad: PathAttributes[] = [
    { mpReach: { afi: 2, safi: 1, nextHops: ['192.0.2.1'], nlri: [] } },
    { mpReach: { afi: 2, safi: 1, nextHops: [], nlri: [] } },
    { mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1', 'fe80::1', 'fe80::2'], nlri: [] } },
    { mpReach: { afi: 1, safi: 1, nextHops: ['192.0.2.1', '192.0.2.2'], nlri: [] } },
    { mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [prefix('192.0.2.0/24')] } },
    { mpReach: { afi: 2, safi: 2, nextHops: ['2001:db8::1'], nlri: [] } },
    { mpUnreach: { afi: 1, safi: 1, withdrawn: [prefix('2001:db8::/32')] } },
  ];
  for (const attrs of bad) assert.throws(() => encodeAttributes(attrs, AS4_CONTEXT), BgpEncodeError, JSON.stringify(attrs));
});
