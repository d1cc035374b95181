import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAttributes, encodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { AS4_CONTEXT, BASE_CONTEXT, type CodecContext, type PathAttributes } from '../../../../src/bgp/codec/types.js';
import { decodeHex, hex, toHex } from './fixtures.js';

interface Golden {
  name: string;
  hex: string;
  attrs: PathAttributes;
  ctx?: CodecContext;
}

// Each value written from the attribute's layout in its RFC.
const GOLDEN: Golden[] = [
  { name: 'ORIGIN IGP', hex: '40 01 01 00', attrs: { origin: 0 } },
  { name: 'ORIGIN EGP', hex: '40 01 01 01', attrs: { origin: 1 } },
  { name: 'ORIGIN INCOMPLETE', hex: '40 01 01 02', attrs: { origin: 2 } },
  {
    name: 'AS_PATH, one 4-octet AS_SEQUENCE',
    hex: '40 02 0a  02 02 0000fde9 fa56ea00',
    attrs: { asPath: [{ type: 2, asns: [65001, 4200000000] }] },
  },
  {
    name: 'AS_PATH, AS_SEQUENCE then AS_SET',
    hex: '40 02 10  02 01 0000fde9  01 02 0000fdea 0000fdeb',
    attrs: { asPath: [{ type: 2, asns: [65001] }, { type: 1, asns: [65002, 65003] }] },
  },
  {
    name: 'AS_PATH, 2-octet AS numbers',
    hex: '40 02 06  02 02 fde9 fdea',
    attrs: { asPath: [{ type: 2, asns: [65001, 65002] }] },
    ctx: BASE_CONTEXT,
  },
  { name: 'AS_PATH, empty (iBGP origination)', hex: '40 02 00', attrs: { asPath: [] } },
  { name: 'NEXT_HOP', hex: '40 03 04 c0000201', attrs: { nextHop: '192.0.2.1' } },
  { name: 'MULTI_EXIT_DISC', hex: '80 04 04 00000064', attrs: { med: 100 } },
  { name: 'MULTI_EXIT_DISC, largest value', hex: '80 04 04 ffffffff', attrs: { med: 0xffffffff } },
  { name: 'LOCAL_PREF', hex: '40 05 04 000000c8', attrs: { localPref: 200 } },
  { name: 'ATOMIC_AGGREGATE', hex: '40 06 00', attrs: { atomicAggregate: true } },
  { name: 'AGGREGATOR, 4-octet AS', hex: 'c0 07 08 fa56ea00 c0000201', attrs: { aggregator: { asn: 4200000000, address: '192.0.2.1' } } },
  { name: 'AGGREGATOR, 2-octet AS', hex: 'c0 07 06 fde9 c0000201', attrs: { aggregator: { asn: 65001, address: '192.0.2.1' } }, ctx: BASE_CONTEXT },
  { name: 'COMMUNITIES', hex: 'c0 08 08 fde80001 ffffff01', attrs: { communities: [0xfde80001, 0xffffff01] } },
  { name: 'ORIGINATOR_ID', hex: '80 09 04 0a000001', attrs: { originatorId: '10.0.0.1' } },
  { name: 'CLUSTER_LIST', hex: '80 0a 08 0a000001 0a000002', attrs: { clusterList: ['10.0.0.1', '10.0.0.2'] } },
  {
    name: 'EXTENDED_COMMUNITIES: route target 65000:1, route origin 192.0.2.1:1',
    hex: 'c0 10 10  0002 fde8 00000001  0103 c0000201 0001',
    attrs: { extendedCommunities: [hex('0002fde800000001'), hex('0103c00002010001')] },
  },
  {
    name: 'LARGE_COMMUNITIES',
    hex: 'c0 20 18  0000fde8 00000001 00000002  fa56ea00 ffffffff 00000000',
    attrs: {
      largeCommunities: [
        { global: 65000, local1: 1, local2: 2 },
        { global: 4200000000, local1: 0xffffffff, local2: 0 },
      ],
    },
  },
  {
    name: 'unknown optional transitive, Partial already set',
    hex: 'e0 63 02 abcd',
    attrs: { unknown: [{ flags: 0xe0, type: 99, value: hex('abcd') }] },
  },
  {
    name: 'a typical route: ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, COMMUNITIES, LARGE_COMMUNITIES',
    hex: [
      '40 01 01 02',
      '40 02 0e  02 03 0000fde9 0000fdea fa56ea00',
      '40 03 04 c6336401',
      '80 04 04 00000000',
      '40 05 04 00000064',
      'c0 08 04 fde80002',
      'c0 20 0c 0000fde9 00000001 00000001',
    ].join(''),
    attrs: {
      origin: 2,
      asPath: [{ type: 2, asns: [65001, 65002, 4200000000] }],
      nextHop: '198.51.100.1',
      med: 0,
      localPref: 100,
      communities: [0xfde80002],
      largeCommunities: [{ global: 65001, local1: 1, local2: 1 }],
    },
  },
];
GOLDEN.push({
  name: 'unknown attributes sorted among known ones by type code',
  hex: '40 06 00  e0 0b 00  e0 13 01 07  c0 20 0c 00000001 00000002 00000003  e0 fe 01 ff',
  attrs: {
    atomicAggregate: true,
    largeCommunities: [{ global: 1, local1: 2, local2: 3 }],
    unknown: [
      { flags: 0xe0, type: 11, value: hex('') },
      { flags: 0xe0, type: 19, value: hex('07') },
      { flags: 0xe0, type: 254, value: hex('ff') },
    ],
  },
});

for (const g of GOLDEN) {
  const ctx = g.ctx ?? AS4_CONTEXT;
  test(`decode: ${g.name}`, () => {
    const r = decodeHex(g.hex, ctx);
    assert.deepEqual(r.errors, []);
    assert.equal(r.action, undefined);
    assert.deepEqual(r.attributes, g.attrs);
  });
  test(`encode: ${g.name}`, () => {
    assert.equal(toHex(encodeAttributes(g.attrs, ctx)), toHex(hex(g.hex)));
  });
}

test('decodes only buf[start, end) of a larger buffer', () => {
  const attrs = hex('40 01 01 00  40 03 04 c0000201');
  const buf = new Uint8Array(attrs.length + 10).fill(0xee);
  buf.set(attrs, 4);
  const r = decodeAttributes(buf, 4, 4 + attrs.length, AS4_CONTEXT, false);
  assert.deepEqual(r.attributes, { origin: 0, nextHop: '192.0.2.1' });
  assert.deepEqual(r.errors, []);
});

test('decoding a Buffer keeps extended communities and unknown values as views, not copies', () => {
  const buf = Buffer.from('c010080002fde800000001e06302abcd', 'hex');
  const r = decodeAttributes(buf, 0, buf.length, AS4_CONTEXT, false);
  const ext = r.attributes.extendedCommunities![0]!;
  assert.equal(ext.buffer, buf.buffer);
  assert.equal(r.attributes.unknown![0]!.value.buffer, buf.buffer);
});

test('an empty attributes field decodes to nothing', () => {
  const r = decodeAttributes(new Uint8Array(0), 0, 0, AS4_CONTEXT, false);
  assert.deepEqual(r, { attributes: {}, errors: [] });
  assert.equal(encodeAttributes({}, AS4_CONTEXT).length, 0);
});

test('empty community lists are not sent (a zero-length attribute would be malformed)', () => {
  const out = encodeAttributes({ communities: [], extendedCommunities: [], largeCommunities: [], clusterList: [] }, AS4_CONTEXT);
  assert.equal(out.length, 0);
});

test('well-known flags are set per attribute (RFC 4271 5, RFC 4760, RFC 6793, RFC 8092)', () => {
  const all: PathAttributes = {
    origin: 0,
    asPath: [{ type: 2, asns: [4200000000] }],
    nextHop: '192.0.2.1',
    med: 1,
    localPref: 1,
    atomicAggregate: true,
    aggregator: { asn: 4200000000, address: '192.0.2.1' },
    communities: [1],
    originatorId: '192.0.2.1',
    clusterList: ['192.0.2.1'],
    mpReach: { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: [] },
    mpUnreach: { afi: 2, safi: 1, withdrawn: [] },
    extendedCommunities: [new Uint8Array(8)],
    largeCommunities: [{ global: 1, local1: 2, local2: 3 }],
  };
  const flagsByType = (b: Uint8Array): Map<number, number> => {
    const m = new Map<number, number>();
    for (let p = 0; p < b.length; ) {
      m.set(b[p + 1]!, b[p]!);
      p += 3 + b[p + 2]!; // every value here is short
    }
    return m;
  };
  const four = flagsByType(encodeAttributes(all, AS4_CONTEXT));
  assert.deepEqual(
    [...four],
    [
      [1, 0x40],
      [2, 0x40],
      [3, 0x40],
      [4, 0x80],
      [5, 0x40],
      [6, 0x40],
      [7, 0xc0],
      [8, 0xc0],
      [9, 0x80],
      [10, 0x80],
      [14, 0x80],
      [15, 0x80],
      [16, 0xc0],
      [32, 0xc0],
    ],
  );
  const two = flagsByType(encodeAttributes(all, BASE_CONTEXT));
  assert.equal(two.get(17), 0xc0);
  assert.equal(two.get(18), 0xc0);
});
