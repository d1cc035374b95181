// Attribute framing: the Extended Length flag both ways (RFC 4271 4.3) and
// attributes floatd does not interpret (RFC 4271 5 and 9.1.2.2 / 5's Partial bit).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { BgpEncodeError } from '../../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT, type PathAttributes } from '../../../../src/bgp/codec/types.js';
import { decodeHex, hex, toHex } from './fixtures.js';

test('a received Extended Length flag on a short value is accepted; it is sent without', () => {
  const r = decodeHex('50 01 0001 02  50 02 0006 02 01 0000fde9  d0 08 0004 fde80001');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { origin: 2, asPath: [{ type: 2, asns: [65001] }], communities: [0xfde80001] });
  assert.equal(toHex(encodeAttributes(r.attributes, AS4_CONTEXT)), toHex(hex('40 01 01 02  40 02 06 02 01 0000fde9  c0 08 04 fde80001')));
});

test('a value of exactly 255 octets keeps the 1-octet length; 256 takes the extended one', () => {
  const v255 = { unknown: [{ flags: 0xc0, type: 200, value: new Uint8Array(255).fill(7) }] };
  assert.equal(toHex(encodeAttributes(v255, AS4_CONTEXT)), `c0c8ff${'07'.repeat(255)}`);
  const v256 = { unknown: [{ flags: 0xc0, type: 200, value: new Uint8Array(256).fill(7) }] };
  assert.equal(toHex(encodeAttributes(v256, AS4_CONTEXT)), `d0c80100${'07'.repeat(256)}`);
});

test('70 communities (280 octets) go out with extended length and come back', () => {
  const communities = Array.from({ length: 70 }, (_, i) => 0xfde80000 + i);
  const value = communities.map((n) => n.toString(16).padStart(8, '0')).join('');
  const out = encodeAttributes({ communities }, AS4_CONTEXT);
  assert.equal(toHex(out), `d0080118${value}`);
  assert.deepEqual(decodeHex(toHex(out)).attributes, { communities });
});

test('unknown optional transitive: kept with Partial set, re-sent with Partial set', () => {
  const r = decodeHex('c0 63 03 010203  40 01 01 00');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { origin: 0, unknown: [{ flags: 0xe0, type: 99, value: hex('010203') }] });
  assert.equal(toHex(encodeAttributes(r.attributes, AS4_CONTEXT)), toHex(hex('40 01 01 00  e0 63 03 010203')));
});

test('unknown optional transitive with extended length: the flag is not kept, the lower 4 bits are cleared', () => {
  const r = decodeHex('df 63 0002 abcd');
  assert.deepEqual(r.attributes, { unknown: [{ flags: 0xe0, type: 99, value: hex('abcd') }] });
  assert.equal(toHex(encodeAttributes(r.attributes, AS4_CONTEXT)), 'e06302abcd');
});

test('unknown optional non-transitive attributes are dropped silently', () => {
  const r = decodeHex('80 63 02 abcd  a0 64 00  40 01 01 01');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { origin: 1 });
});

test('deprecated or unused type codes are unknown attributes too', () => {
  // 11 (DPA), 12 (ADVERTISER), 13 (RCID_PATH), 0 (reserved)
  const r = decodeHex('c0 0b 00  c0 0c 01 01  80 0d 00  c0 00 00');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes.unknown?.map((u) => u.type), [11, 12, 0]);
});

test('encoder refuses uninterpreted attributes it cannot send', () => {
  const bad: PathAttributes[] = [
    { unknown: [{ flags: 0x40, type: 99, value: new Uint8Array(0) }] }, // well-known: the peer would reset
    { unknown: [{ flags: 0xc0, type: 8, value: new Uint8Array(4) }] }, // a type floatd encodes itself
    { unknown: [{ flags: 0xc0, type: 256, value: new Uint8Array(0) }] },
    { unknown: [{ flags: 0xc0, type: 99, value: new Uint8Array(0) }, { flags: 0xc0, type: 99, value: new Uint8Array(0) }] },
    { unknown: [{ flags: 0xc0, type: 99, value: new Uint8Array(65536) }] },
  ];
  for (const attrs of bad) assert.throws(() => encodeAttributes(attrs, AS4_CONTEXT), BgpEncodeError);
});

test('encoder refuses values that cannot go on the wire', () => {
  const bad: PathAttributes[] = [
    { origin: 3 as 0 },
    { nextHop: '192.0.2' },
    { nextHop: '2001:db8::1' },
    { med: -1 },
    { localPref: 2 ** 32 },
    { med: 1.5 },
    { asPath: [{ type: 2, asns: [] }] },
    { asPath: [{ type: 3 as 2, asns: [1] }] },
    { asPath: [{ type: 2, asns: [0] }] },
    { asPath: [{ type: 2, asns: [2 ** 32] }] },
    { asPath: [{ type: 1, asns: Array.from({ length: 256 }, (_, i) => i + 1) }] },
    { aggregator: { asn: 0, address: '192.0.2.1' } },
    { aggregator: { asn: 1, address: 'x' } },
    { communities: [-1] },
    { extendedCommunities: [new Uint8Array(7)] },
    { largeCommunities: [{ global: 1, local1: 2, local2: 2 ** 32 }] },
    { originatorId: '::1' },
    { clusterList: ['10.0.0.256'] },
  ];
  for (const attrs of bad) assert.throws(() => encodeAttributes(attrs, AS4_CONTEXT), BgpEncodeError, JSON.stringify(attrs));
});
