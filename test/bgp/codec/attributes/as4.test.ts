// RFC 6793: 4-octet AS numbers towards and from a 2-octet peer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { ErrorAction } from '../../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT, BASE_CONTEXT } from '../../../../src/bgp/codec/types.js';
import { decodeHex, hex, toHex } from './fixtures.js';

// 23456 (AS_TRANS) = 5ba0, 65001 = fde9, 4200000000 = fa56ea00.

test('2-octet peer: AS4_PATH replaces the AS_TRANS entries of AS_PATH (RFC 6793 4.2.3)', () => {
  const r = decodeHex(
    [
      '40 02 08  02 03 fde9 5ba0 5ba0', // AS_PATH 65001 23456 23456
      'c0 11 0a  02 02 fa56ea00 fa56ea01', // AS4_PATH 4200000000 4200000001
    ].join(''),
    BASE_CONTEXT,
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [65001, 4200000000, 4200000001] }] });
});

test('2-octet peer: AS4_PATH before AS_PATH on the wire merges the same way', () => {
  const r = decodeHex('c0 11 06  02 01 fa56ea00  40 02 06  02 02 fde9 5ba0', BASE_CONTEXT);
  assert.deepEqual(r.attributes.asPath, [{ type: 2, asns: [65001, 4200000000] }]);
});

test('2-octet peer: AS4_PATH longer than AS_PATH is ignored', () => {
  const r = decodeHex('40 02 04  02 01 fde9  c0 11 0a  02 02 fa56ea00 fa56ea01', BASE_CONTEXT);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [65001] }] });
});

test('2-octet peer: an AS_SET counts as one AS when merging', () => {
  // AS_PATH: SEQ(65001 23456) SET(23456 65002) -> 3 ASes; AS4_PATH: SEQ(4200000000) SET(4200000001 65002) -> 2 ASes.
  const r = decodeHex(
    [
      '40 02 0c  02 02 fde9 5ba0  01 02 5ba0 fdea',
      'c0 11 10  02 01 fa56ea00  01 02 fa56ea01 0000fdea',
    ].join(''),
    BASE_CONTEXT,
  );
  assert.deepEqual(r.attributes.asPath, [
    { type: 2, asns: [65001, 4200000000] },
    { type: 1, asns: [4200000001, 65002] },
  ]);
});

test('2-octet peer: a leading AS_SET is kept whole', () => {
  // AS_PATH: SET(65001 65002) SEQ(23456) -> 2 ASes; AS4_PATH: SEQ(4200000000) -> 1.
  const r = decodeHex('40 02 0a  01 02 fde9 fdea  02 01 5ba0  c0 11 06  02 01 fa56ea00', BASE_CONTEXT);
  assert.deepEqual(r.attributes.asPath, [
    { type: 1, asns: [65001, 65002] },
    { type: 2, asns: [4200000000] },
  ]);
});

test('2-octet peer: adjacent sequences inside AS4_PATH stay apart; only the seam is joined', () => {
  // AS_PATH: SEQ(65001) SEQ(23456) SEQ(23456) -> 3 ASes; AS4_PATH: SEQ(4200000000) SEQ(23456) -> 2.
  const r = decodeHex('40 02 0c  02 01 fde9  02 01 5ba0  02 01 5ba0  c0 11 0c  02 01 fa56ea00  02 01 00005ba0', BASE_CONTEXT);
  assert.deepEqual(r.attributes.asPath, [
    { type: 2, asns: [65001, 4200000000] },
    { type: 2, asns: [23456] },
  ]);
});

test('2-octet peer: AGGREGATOR AS_TRANS is replaced by AS4_AGGREGATOR', () => {
  const r = decodeHex('c0 07 06 5ba0 c0000201  c0 12 08 fa56ea00 c0000201', BASE_CONTEXT);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { aggregator: { asn: 4200000000, address: '192.0.2.1' } });
});

test('2-octet peer: AGGREGATOR with a real AS next to AS4_AGGREGATOR makes both AS4 attributes stale', () => {
  const r = decodeHex(
    [
      '40 02 06  02 02 fde9 5ba0',
      'c0 07 06 fdea c0000201',
      'c0 11 06  02 01 fa56ea00',
      'c0 12 08 fa56ea00 c0000202',
    ].join(''),
    BASE_CONTEXT,
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, {
    asPath: [{ type: 2, asns: [65001, 23456] }],
    aggregator: { asn: 65002, address: '192.0.2.1' },
  });
});

test('2-octet peer: AS4_AGGREGATOR without AGGREGATOR is ignored, AS4_PATH still merged', () => {
  const r = decodeHex('40 02 04  02 01 5ba0  c0 11 06  02 01 fa56ea00  c0 12 08 fa56ea00 c0000201', BASE_CONTEXT);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [4200000000] }] });
});

test('2-octet peer: a malformed AS4_PATH is discarded and AS_PATH kept (RFC 6793 6)', () => {
  const bad = 'c0 11 06  05 01 fa56ea00'; // segment type 5 is no segment type at all
  const r = decodeHex(`40 02 04  02 01 5ba0  ${bad}`, BASE_CONTEXT);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [23456] }] });
  assert.equal(r.action, ErrorAction.AttributeDiscard);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.errorSubcode, 11);
  assert.deepEqual(r.errors[0]!.data, hex(bad));
});

test('2-octet peer: AS4_AGGREGATOR of the wrong length is discarded', () => {
  const r = decodeHex('c0 07 06 5ba0 c0000201  c0 12 06 fa56 c0000201', BASE_CONTEXT);
  assert.deepEqual(r.attributes, { aggregator: { asn: 23456, address: '192.0.2.1' } });
  assert.equal(r.action, ErrorAction.AttributeDiscard);
  assert.equal(r.errors[0]!.errorSubcode, 5);
});

test('4-octet peer: AS4_PATH and AS4_AGGREGATOR are discarded silently', () => {
  const r = decodeHex(
    [
      '40 02 06  02 01 00005ba0',
      'c0 07 08 00005ba0 c0000201',
      'c0 11 06  02 01 fa56ea00',
      'c0 12 08 fa56ea00 c0000201',
    ].join(''),
    AS4_CONTEXT,
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, {
    asPath: [{ type: 2, asns: [23456] }],
    aggregator: { asn: 23456, address: '192.0.2.1' },
  });
});

test('encode for a 2-octet peer: AS_TRANS in AS_PATH and AGGREGATOR, real ASes in AS4_PATH and AS4_AGGREGATOR', () => {
  const out = encodeAttributes(
    {
      origin: 0,
      asPath: [
        { type: 2, asns: [65001, 4200000000] },
        { type: 1, asns: [65002, 4200000001] },
      ],
      aggregator: { asn: 4200000000, address: '192.0.2.1' },
    },
    BASE_CONTEXT,
  );
  const expected = [
    '40 01 01 00',
    '40 02 0c  02 02 fde9 5ba0  01 02 fdea 5ba0',
    'c0 07 06 5ba0 c0000201',
    'c0 11 14  02 02 0000fde9 fa56ea00  01 02 0000fdea fa56ea01',
    'c0 12 08 fa56ea00 c0000201',
  ].join('');
  assert.equal(toHex(out), toHex(hex(expected)));
});

test('encode for a 2-octet peer: no AS4 attributes when every AS fits in 2 octets', () => {
  const out = encodeAttributes({ asPath: [{ type: 2, asns: [65001, 23456] }], aggregator: { asn: 65001, address: '192.0.2.1' } }, BASE_CONTEXT);
  assert.equal(toHex(out), toHex(hex('40 02 06  02 02 fde9 5ba0  c0 07 06 fde9 c0000201')));
});

test('encode for a 2-octet peer: AS4_PATH only, when just the path needs it', () => {
  const out = encodeAttributes({ asPath: [{ type: 2, asns: [4200000000] }], aggregator: { asn: 65001, address: '192.0.2.1' } }, BASE_CONTEXT);
  assert.equal(toHex(out), toHex(hex('40 02 04  02 01 5ba0  c0 07 06 fde9 c0000201  c0 11 06  02 01 fa56ea00')));
});

test('encode for a 4-octet peer: never AS4 attributes', () => {
  const out = encodeAttributes({ asPath: [{ type: 2, asns: [4200000000] }], aggregator: { asn: 4200000000, address: '192.0.2.1' } }, AS4_CONTEXT);
  assert.equal(toHex(out), toHex(hex('40 02 06  02 01 fa56ea00  c0 07 08 fa56ea00 c0000201')));
});

test('encode splits an AS_SEQUENCE longer than 255 into several segments', () => {
  const asns = Array.from({ length: 300 }, (_, i) => 64512 + i);
  const out = encodeAttributes({ asPath: [{ type: 2, asns }] }, BASE_CONTEXT);
  const value = `02ff${asns.slice(0, 255).map((a) => a.toString(16).padStart(4, '0')).join('')}022d${asns.slice(255).map((a) => a.toString(16).padStart(4, '0')).join('')}`;
  const len = value.length / 2;
  assert.equal(toHex(out), `5002${len.toString(16).padStart(4, '0')}${value}`);
  const back = decodeHex(toHex(out), BASE_CONTEXT);
  assert.deepEqual(back.attributes.asPath, [
    { type: 2, asns: asns.slice(0, 255) },
    { type: 2, asns: asns.slice(255) },
  ]);
});

test('a 2-octet round trip restores the 4-octet path and aggregator', () => {
  const attrs = {
    asPath: [
      { type: 2 as const, asns: [4200000000, 65001, 4200000002] },
      { type: 1 as const, asns: [4200000003] },
    ],
    aggregator: { asn: 4200000009, address: '198.51.100.7' },
  };
  const out = encodeAttributes(attrs, BASE_CONTEXT);
  const r = decodeHex(toHex(out), BASE_CONTEXT);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, attrs);
});

// RFC 6793 6: AS_CONFED_SEQUENCE (3) and AS_CONFED_SET (4) segments in AS4_PATH
// are dropped and the rest of it used; a 2-octet speaker inside a
// confederation may have passed them on.
test('AS4_PATH with confederation segments next to normal ones: only those segments are dropped (RFC 6793 6)', () => {
  // AS_PATH: SEQ(65001 23456). AS4_PATH: CONFED_SEQ(64512) SEQ(4200000000) CONFED_SET(64513 64514).
  const as4 = 'c0 11 16  03 01 0000fc00  02 01 fa56ea00  04 02 0000fc01 0000fc02';
  const r = decodeHex(`40 02 06  02 02 fde9 5ba0  ${as4}`, BASE_CONTEXT);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [65001, 4200000000] }] });
});

test('AS4_PATH of confederation segments only: nothing left to merge, AS_PATH kept as it came', () => {
  const r = decodeHex('40 02 06  02 02 fde9 5ba0  c0 11 06  03 01 0000fc00', BASE_CONTEXT);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [65001, 23456] }] });
});

test('AS4_PATH with a malformed confederation segment is still discarded whole (RFC 7606 7.2 framing)', () => {
  const bad = 'c0 11 08  02 01 fa56ea00  03 00'; // an empty AS_CONFED_SEQUENCE
  const r = decodeHex(`40 02 04  02 01 5ba0  ${bad}`, BASE_CONTEXT);
  assert.deepEqual(r.attributes, { asPath: [{ type: 2, asns: [23456] }] });
  assert.equal(r.action, ErrorAction.AttributeDiscard);
});

test('AS_PATH (not AS4_PATH) with a confederation segment stays malformed: treat-as-withdraw', () => {
  const r = decodeHex('40 02 06  03 01 0000fc00', AS4_CONTEXT);
  assert.equal(r.action, ErrorAction.TreatAsWithdraw);
  assert.equal(r.attributes.asPath, undefined);
});
