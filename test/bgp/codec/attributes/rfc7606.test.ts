// RFC 7606 error handling: subcode, NOTIFICATION data, action, and that
// decoding goes on after the errors that do not reset the session.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMpPrefixes, decodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { UpdateSubcode } from '../../../../src/bgp/codec/constants.js';
import { ErrorAction } from '../../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT, BASE_CONTEXT } from '../../../../src/bgp/codec/types.js';
import { decodeHex, decodeThrows, hex } from './fixtures.js';

const { TreatAsWithdraw, AttributeDiscard, AfiSafiDisable, SessionReset } = ErrorAction;
const NEXT_HOP = '40 03 04 c0000201';
const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fde9';

interface SoftCase {
  name: string;
  bad: string;
  subcode: number;
  action: ErrorAction;
  /** NOTIFICATION data; the whole attribute unless given. */
  data?: string;
  ctx?: typeof AS4_CONTEXT;
}

const GOOD = [
  { type: 1, hex: ORIGIN, attrs: { origin: 0 } },
  { type: 3, hex: NEXT_HOP, attrs: { nextHop: '192.0.2.1' } },
  { type: 5, hex: '40 05 04 00000064', attrs: { localPref: 100 } },
];

const SOFT: SoftCase[] = [
  { name: 'ORIGIN of length 2', bad: '40 01 02 00 00', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'ORIGIN of length 0', bad: '40 01 00', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'ORIGIN value 3', bad: '40 01 01 03', subcode: UpdateSubcode.InvalidOriginAttribute, action: TreatAsWithdraw },
  { name: 'ORIGIN flagged optional', bad: 'c0 01 01 00', subcode: UpdateSubcode.AttributeFlagsError, action: TreatAsWithdraw },
  { name: 'AS_PATH flagged optional', bad: '80 02 00', subcode: UpdateSubcode.AttributeFlagsError, action: TreatAsWithdraw },
  { name: 'AS_PATH with an empty segment', bad: '40 02 02 02 00', subcode: UpdateSubcode.MalformedAsPath, action: TreatAsWithdraw, data: '' },
  { name: 'AS_PATH with segment type 3 (AS_CONFED_SEQUENCE)', bad: '40 02 06 03 01 0000fde9', subcode: UpdateSubcode.MalformedAsPath, action: TreatAsWithdraw, data: '' },
  { name: 'AS_PATH segment overrunning the attribute', bad: '40 02 06 02 02 0000fde9', subcode: UpdateSubcode.MalformedAsPath, action: TreatAsWithdraw, data: '' },
  { name: 'AS_PATH with one octet after the last segment', bad: '40 02 07 02 01 0000fde9 02', subcode: UpdateSubcode.MalformedAsPath, action: TreatAsWithdraw, data: '' },
  { name: 'AS_PATH with AS 0 (RFC 7607)', bad: '40 02 06 02 01 00000000', subcode: UpdateSubcode.MalformedAsPath, action: TreatAsWithdraw, data: '' },
  { name: 'AS_PATH of 2-octet ASes from a 4-octet peer', bad: '40 02 06 02 02 fde9 fdea', subcode: UpdateSubcode.MalformedAsPath, action: TreatAsWithdraw, data: '' },
  { name: 'NEXT_HOP of length 5', bad: '40 03 05 c0000201 00', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'NEXT_HOP flagged optional transitive', bad: 'c0 03 04 c0000201', subcode: UpdateSubcode.AttributeFlagsError, action: TreatAsWithdraw },
  { name: 'MULTI_EXIT_DISC of length 3', bad: '80 04 03 000064', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'MULTI_EXIT_DISC flagged well-known', bad: '40 04 04 00000064', subcode: UpdateSubcode.AttributeFlagsError, action: TreatAsWithdraw },
  { name: 'LOCAL_PREF of length 2', bad: '40 05 02 0064', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'ATOMIC_AGGREGATE of length 1', bad: '40 06 01 00', subcode: UpdateSubcode.AttributeLengthError, action: AttributeDiscard },
  { name: 'ATOMIC_AGGREGATE flagged optional', bad: 'c0 06 00', subcode: UpdateSubcode.AttributeFlagsError, action: AttributeDiscard },
  { name: 'AGGREGATOR of 6 octets from a 4-octet peer', bad: 'c0 07 06 fde9 c0000201', subcode: UpdateSubcode.AttributeLengthError, action: AttributeDiscard },
  { name: 'AGGREGATOR of 8 octets from a 2-octet peer', bad: 'c0 07 08 0000fde9 c0000201', subcode: UpdateSubcode.AttributeLengthError, action: AttributeDiscard, ctx: BASE_CONTEXT },
  { name: 'AGGREGATOR with AS 0 (RFC 7607)', bad: 'c0 07 08 00000000 c0000201', subcode: UpdateSubcode.OptionalAttributeError, action: AttributeDiscard },
  { name: 'AGGREGATOR flagged non-transitive', bad: '80 07 08 0000fde9 c0000201', subcode: UpdateSubcode.AttributeFlagsError, action: AttributeDiscard },
  { name: 'COMMUNITIES of length 6', bad: 'c0 08 06 fde80001 ffff', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'COMMUNITIES of length 0', bad: 'c0 08 00', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'ORIGINATOR_ID of length 3', bad: '80 09 03 0a0000', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'CLUSTER_LIST of length 6', bad: '80 0a 06 0a000001 0a00', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'EXTENDED_COMMUNITIES of length 4', bad: 'c0 10 04 0002fde8', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'EXTENDED_COMMUNITIES of length 0', bad: 'c0 10 00', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'LARGE_COMMUNITIES of length 8', bad: 'c0 20 08 0000fde8 00000001', subcode: UpdateSubcode.AttributeLengthError, action: TreatAsWithdraw },
  { name: 'LARGE_COMMUNITIES flagged non-transitive', bad: '80 20 0c 0000fde8 00000001 00000002', subcode: UpdateSubcode.AttributeFlagsError, action: TreatAsWithdraw },
  {
    name: 'MP_REACH_NLRI for L2VPN EVPN (AFI 25, SAFI 70)',
    bad: '80 0e 0b 0019 46 04 c0000201 00 0102',
    subcode: UpdateSubcode.OptionalAttributeError,
    action: AfiSafiDisable,
  },
  { name: 'MP_UNREACH_NLRI for IPv4 VPN (AFI 1, SAFI 128)', bad: '80 0f 04 0001 80 00', subcode: UpdateSubcode.OptionalAttributeError, action: AfiSafiDisable },
];

for (const c of SOFT) {
  test(`${c.name}: subcode ${c.subcode}, ${c.action === TreatAsWithdraw ? 'treat-as-withdraw' : c.action === AttributeDiscard ? 'attribute discard' : 'AFI/SAFI disable'}, decoding goes on`, () => {
    // Good attributes after the bad one (of other types, so none is a duplicate) must still be decoded.
    const badType = hex(c.bad)[1]!;
    const good = GOOD.filter((g) => g.type !== badType);
    const r = decodeHex(`${c.bad} ${good.map((g) => g.hex).join(' ')}`, c.ctx ?? AS4_CONTEXT);
    assert.equal(r.errors.length, 1, r.errors.map((e) => e.message).join('; '));
    const e = r.errors[0]!;
    assert.equal(e.errorCode, 3);
    assert.equal(e.errorSubcode, c.subcode);
    assert.equal(e.action, c.action);
    assert.equal(r.action, c.action);
    assert.deepEqual(e.data, hex(c.data ?? c.bad));
    assert.deepEqual(r.attributes, Object.assign({}, ...good.map((g) => g.attrs)));
  });
}

test('the strongest action wins over several soft errors', () => {
  const r = decodeHex(`40 06 01 00  ${NEXT_HOP}  c0 08 06 fde80001 ffff`);
  assert.deepEqual(
    r.errors.map((e) => e.action),
    [AttributeDiscard, TreatAsWithdraw],
  );
  assert.equal(r.action, TreatAsWithdraw);
  assert.deepEqual(r.attributes, { nextHop: '192.0.2.1' });
});

test('an error data field is a copy that outlives the receive buffer', () => {
  const b = hex('40 01 01 07');
  const r = decodeAttributes(b, 0, b.length, AS4_CONTEXT, false);
  b.fill(0);
  assert.deepEqual(r.errors[0]!.data, hex('40 01 01 07'));
});

test('duplicates: the first of an attribute counts, later ones are discarded and counted in one error (RFC 7606 3g)', () => {
  const r = decodeHex(`${ORIGIN}  40 01 01 02  40 01 02 ffff  ${NEXT_HOP}  c0 63 01 01  c0 63 01 02`);
  assert.deepEqual(r.attributes, { origin: 0, nextHop: '192.0.2.1', unknown: [{ flags: 0xe0, type: 0x63, value: hex('01') }] });
  assert.equal(r.errors.length, 1);
  const e = r.errors[0]!;
  assert.equal(e.errorSubcode, UpdateSubcode.MalformedAttributeList);
  assert.equal(e.action, AttributeDiscard);
  assert.equal(e.message, '3 duplicate attributes discarded (type 1, 99)');
});

test('a flood of duplicate attributes gives one error of bounded size, not one per duplicate (log flooding)', () => {
  // 21,000 copies of an empty unknown optional attribute, behind ORIGIN, as one extended-length UPDATE could carry.
  const flood = 'c0 63 00 '.repeat(21000);
  const dupTypes = ['40 01 01 00', '40 01 01 01', 'c0 64 00', 'c0 65 00', 'c0 66 00', 'c0 67 00', 'c0 66 00'];
  const r = decodeHex(`${ORIGIN} c0 63 00 c0 64 00 c0 65 00 c0 66 00 c0 67 00 ${flood} ${dupTypes.join(' ')}`);
  assert.equal(r.errors.length, 1);
  assert.equal(r.action, AttributeDiscard);
  const msg = r.errors[0]!.message;
  assert.equal(msg, `${21000 + dupTypes.length} duplicate attributes discarded (type 99, 1, 100, 101, ...)`);
  assert.ok(msg.length < 100);
});

test('an unrecognized well-known attribute resets the session even after an optional one of the same type', () => {
  const b = hex('80 63 00  40 63 00');
  for (const run of [() => decodeAttributes(b, 0, b.length, AS4_CONTEXT, false), () => countMpPrefixes(b, 0, b.length, AS4_CONTEXT)]) {
    assert.equal(decodeThrows(run).errorSubcode, UpdateSubcode.UnrecognizedWellKnownAttribute);
  }
});

test('a malformed first occurrence still counts as the first', () => {
  const r = decodeHex(`40 01 01 09  ${ORIGIN}`);
  assert.equal(r.attributes.origin, undefined);
  assert.deepEqual(
    r.errors.map((e) => e.errorSubcode),
    [UpdateSubcode.InvalidOriginAttribute, UpdateSubcode.MalformedAttributeList],
  );
  assert.equal(r.action, TreatAsWithdraw);
});

const MP_UNREACH_V6 = '80 0f 03 0002 01';
const MP_REACH_V6 = '80 0e 15 0002 01 10 20010db8000000000000000000000001 00';

interface HardCase {
  name: string;
  attrs: string;
  subcode: number;
  data: string;
}

const HARD: HardCase[] = [
  { name: 'MP_REACH_NLRI running past the attributes field (RFC 7606 4 with 5.3)', attrs: `${ORIGIN} 80 0e 16 0002 01 10 20010db8000000000000000000000001 00`, subcode: UpdateSubcode.MalformedAttributeList, data: '' },
  { name: 'MP_UNREACH_NLRI with extended length past the end (RFC 7606 4 with 5.3)', attrs: `${ORIGIN} 90 0f 0009 0002 01 40 20010db8`, subcode: UpdateSubcode.MalformedAttributeList, data: '' },
  { name: 'MP_UNREACH_NLRI header cut short (RFC 7606 4 with 5.3)', attrs: `${ORIGIN} 90 0f 00`, subcode: UpdateSubcode.MalformedAttributeList, data: '' },
  { name: 'MP_REACH_NLRI twice', attrs: `${MP_REACH_V6} ${MP_REACH_V6}`, subcode: UpdateSubcode.MalformedAttributeList, data: '' },
  { name: 'MP_UNREACH_NLRI twice', attrs: `${MP_UNREACH_V6} ${ORIGIN} ${MP_UNREACH_V6}`, subcode: UpdateSubcode.MalformedAttributeList, data: '' },
  { name: 'MP_UNREACH_NLRI twice, the first of an unsupported family', attrs: `80 0f 03 0019 46 ${MP_UNREACH_V6}`, subcode: UpdateSubcode.MalformedAttributeList, data: '' },
  { name: 'unrecognized well-known attribute', attrs: `${ORIGIN} 40 63 02 abcd`, subcode: UpdateSubcode.UnrecognizedWellKnownAttribute, data: '40 63 02 abcd' },
  { name: 'MP_REACH_NLRI flagged transitive', attrs: 'c0 0e 15 0002 01 10 20010db8000000000000000000000001 00', subcode: UpdateSubcode.AttributeFlagsError, data: 'c0 0e 15 0002 01 10 20010db8000000000000000000000001 00' },
  { name: 'MP_UNREACH_NLRI flagged well-known', attrs: '40 0f 03 0002 01', subcode: UpdateSubcode.AttributeFlagsError, data: '40 0f 03 0002 01' },
  { name: 'MP_REACH_NLRI too short for AFI/SAFI', attrs: '80 0e 02 0002', subcode: UpdateSubcode.OptionalAttributeError, data: '80 0e 02 0002' },
  { name: 'MP_REACH_NLRI ending before the next hop length', attrs: '80 0e 03 0002 01', subcode: UpdateSubcode.OptionalAttributeError, data: '80 0e 03 0002 01' },
  { name: 'MP_REACH_NLRI with a 4-octet next hop for IPv6', attrs: '80 0e 09 0002 01 04 c0000201 00', subcode: UpdateSubcode.OptionalAttributeError, data: '80 0e 09 0002 01 04 c0000201 00' },
  { name: 'MP_REACH_NLRI with a 12-octet next hop', attrs: '80 0e 11 0001 01 0c 000000000000000000000000 00', subcode: UpdateSubcode.OptionalAttributeError, data: '80 0e 11 0001 01 0c 000000000000000000000000 00' },
  { name: 'MP_REACH_NLRI next hop running past the attribute', attrs: '80 0e 14 0002 01 10 20010db8000000000000000000000001', subcode: UpdateSubcode.OptionalAttributeError, data: '80 0e 14 0002 01 10 20010db8000000000000000000000001' },
  { name: 'MP_UNREACH_NLRI too short for AFI/SAFI', attrs: '80 0f 02 0002', subcode: UpdateSubcode.OptionalAttributeError, data: '80 0f 02 0002' },
  { name: 'MP_REACH_NLRI prefix running past the attribute', attrs: '80 0e 17 0002 01 10 20010db8000000000000000000000001 00 20 20', subcode: UpdateSubcode.InvalidNetworkField, data: '' },
  { name: 'MP_UNREACH_NLRI prefix longer than 128 bits', attrs: '80 0f 05 0002 01 81 00', subcode: UpdateSubcode.InvalidNetworkField, data: '' },
];

for (const c of HARD) {
  test(`${c.name}: session reset, subcode ${c.subcode}, in both decode and count`, () => {
    const b = hex(c.attrs);
    for (const run of [() => decodeAttributes(b, 0, b.length, AS4_CONTEXT, true), () => countMpPrefixes(b, 0, b.length, AS4_CONTEXT)]) {
      const e = decodeThrows(run);
      assert.equal(e.errorCode, 3);
      assert.equal(e.errorSubcode, c.subcode);
      assert.equal(e.action, SessionReset);
      assert.deepEqual(e.data, hex(c.data));
    }
  });
}

test('missing ORIGIN and AS_PATH with IPv4 NLRI: treat-as-withdraw, data = the type code (RFC 7606 3d)', () => {
  const r = decodeHex(NEXT_HOP, AS4_CONTEXT, true);
  assert.equal(r.action, TreatAsWithdraw);
  assert.deepEqual(
    r.errors.map((e) => [e.errorSubcode, [...e.data], e.action]),
    [
      [UpdateSubcode.MissingWellKnownAttribute, [1], TreatAsWithdraw],
      [UpdateSubcode.MissingWellKnownAttribute, [2], TreatAsWithdraw],
    ],
  );
  assert.deepEqual(r.attributes, { nextHop: '192.0.2.1' });
});

test('missing NEXT_HOP with IPv4 NLRI', () => {
  const r = decodeHex(`${ORIGIN} ${AS_PATH}`, AS4_CONTEXT, true);
  assert.deepEqual(
    r.errors.map((e) => [e.errorSubcode, [...e.data]]),
    [[UpdateSubcode.MissingWellKnownAttribute, [3]]],
  );
  assert.equal(r.action, TreatAsWithdraw);
});

test('no NLRI at all: nothing is mandatory (a withdrawal or End-of-RIB)', () => {
  assert.deepEqual(decodeHex(MP_UNREACH_V6).errors, []);
  assert.deepEqual(decodeHex(`${MP_REACH_V6}`).errors, []);
});

test('MP_REACH_NLRI with prefixes needs ORIGIN and AS_PATH but not NEXT_HOP', () => {
  const reach = '80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8';
  assert.deepEqual(
    decodeHex(reach).errors.map((e) => [...e.data]),
    [[1], [2]],
  );
  assert.deepEqual(decodeHex(`${ORIGIN} ${AS_PATH} ${reach}`).errors, []);
});

test('a malformed ORIGIN is not also reported missing', () => {
  const r = decodeHex(`40 01 01 05 ${AS_PATH} ${NEXT_HOP}`, AS4_CONTEXT, true);
  assert.deepEqual(
    r.errors.map((e) => e.errorSubcode),
    [UpdateSubcode.InvalidOriginAttribute],
  );
});

test('unsupported family in MP_REACH_NLRI: the rest is still decoded', () => {
  const r = decodeHex(`${ORIGIN} ${AS_PATH} 80 0e 0b 0019 46 04 c0000201 00 0102 ${MP_UNREACH_V6}`);
  assert.equal(r.action, AfiSafiDisable);
  assert.deepEqual(r.attributes, {
    origin: 0,
    asPath: [{ type: 2, asns: [65001] }],
    mpUnreach: { afi: 2, safi: 1, withdrawn: [] },
  });
});

// RFC 7606 4: an attribute whose length runs past the end of the path
// attributes, or a header cut short, is treat-as-withdraw: the Total Path
// Attribute Length still locates the NLRI. Only the attributes before it count.
const OVERRUN: { name: string; attrs: string }[] = [
  { name: 'attribute length past the end of the attributes field', attrs: `${ORIGIN} 40 03 05 c0000201` },
  { name: 'extended length past the end', attrs: `${ORIGIN} 50 03 0004 c00002` },
  { name: 'two octets left for a header', attrs: `${ORIGIN} 40 03` },
  { name: 'one octet left for a header', attrs: `${ORIGIN} 40` },
  { name: 'three octets left for an extended-length header', attrs: `${ORIGIN} 50 03 00` },
  { name: 'the last of several attributes overruns by one octet', attrs: `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 08 05 fde80001` },
];

for (const c of OVERRUN) {
  test(`RFC 7606 4, ${c.name}: treat-as-withdraw, not a session reset, in both decode and count`, () => {
    const b = hex(c.attrs);
    const r = decodeAttributes(b, 0, b.length, AS4_CONTEXT, true);
    assert.equal(r.action, TreatAsWithdraw);
    assert.deepEqual(
      r.errors.map((e) => [e.errorSubcode, e.action]),
      [[UpdateSubcode.MalformedAttributeList, TreatAsWithdraw]],
    );
    assert.equal(r.attributes.origin, 0);
    assert.deepEqual(countMpPrefixes(b, 0, b.length, AS4_CONTEXT), { reach: 0, unreach: 0 });
  });
}

test('RFC 7606 4: an overrun after MP_REACH_NLRI still counts and keeps its NLRI, so they can be withdrawn', () => {
  const reach = '80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8';
  const b = hex(`${ORIGIN} ${AS_PATH} ${reach} c0 08 08 fde80001`);
  const r = decodeAttributes(b, 0, b.length, AS4_CONTEXT, false);
  assert.equal(r.action, TreatAsWithdraw);
  assert.deepEqual(r.attributes.mpReach?.nlri, [{ afi: 2, addr: '2001:db8::', len: 32 }]);
  assert.deepEqual(countMpPrefixes(b, 0, b.length, AS4_CONTEXT), { reach: 1, unreach: 0 });
});

// RFC 7606 7.5: LOCAL_PREF from an external peer is discarded if malformed
// (attribute discard); from an internal one the UPDATE is treat-as-withdraw.
test('RFC 7606 7.5: a malformed LOCAL_PREF from an external peer is attribute-discard, the route kept', () => {
  const ebgp = { ...AS4_CONTEXT, external: true };
  const r = decodeHex(`${ORIGIN} ${AS_PATH} ${NEXT_HOP} 40 05 03 000064`, ebgp, true);
  assert.equal(r.action, AttributeDiscard);
  assert.deepEqual(
    r.errors.map((e) => [e.errorSubcode, e.action, [...e.data]]),
    [[UpdateSubcode.AttributeLengthError, AttributeDiscard, [...hex('40 05 03 000064')]]],
  );
  assert.deepEqual(r.attributes, { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '192.0.2.1' });
});

test('RFC 7606 7.5: a malformed LOCAL_PREF from an internal peer (or one of unknown type) is treat-as-withdraw', () => {
  for (const ctx of [{ ...AS4_CONTEXT, external: false }, AS4_CONTEXT]) {
    const r = decodeHex(`${ORIGIN} ${AS_PATH} ${NEXT_HOP} 40 05 05 0000006400`, ctx, true);
    assert.equal(r.action, TreatAsWithdraw);
  }
});
