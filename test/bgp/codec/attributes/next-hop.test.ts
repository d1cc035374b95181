// NEXT_HOP and MP_REACH_NLRI next hops that are not host addresses (RFC 4271
// 6.3, RFC 7606 7.3 and 7.11): treat-as-withdraw, the NLRI still decoded so
// they can be withdrawn. Bytes written by hand from the RFC layouts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpdateSubcode } from '../../../../src/bgp/codec/constants.js';
import { ErrorAction } from '../../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT } from '../../../../src/bgp/codec/types.js';
import { decodeHex, hex } from './fixtures.js';

/** A session with a peer on another host: loopback next hops are not the peer's (RFC 4271 6.3). */
const REMOTE = { ...AS4_CONTEXT, rejectLoopbackNextHop: true };

const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fde9';

const NOT_HOSTS: [string, string][] = [
  ['0.0.0.0', '00000000'],
  ['0.0.0.1 (this network, 0.0.0.0/8)', '00000001'],
  ['0.255.255.255', '00ffffff'],
  ['127.0.0.1 (loopback)', '7f000001'],
  ['127.255.0.9', '7fff0009'],
  ['224.0.0.5 (multicast)', 'e0000005'],
  ['239.255.255.250 (multicast)', 'effffffa'],
  ['255.255.255.255 (limited broadcast)', 'ffffffff'],
];

for (const [name, addr] of NOT_HOSTS) {
  test(`RFC 4271 6.3 / RFC 7606 7.3: NEXT_HOP ${name} is treat-as-withdraw, Invalid NEXT_HOP with the attribute as data`, () => {
    const nh = `40 03 04 ${addr}`;
    const r = decodeHex(`${ORIGIN} ${AS_PATH} ${nh}`, REMOTE, true);
    assert.equal(r.action, ErrorAction.TreatAsWithdraw);
    assert.deepEqual(
      r.errors.map((e) => [e.errorSubcode, e.action, [...e.data]]),
      [[UpdateSubcode.InvalidNextHopAttribute, ErrorAction.TreatAsWithdraw, [...hex(nh)]]],
    );
    assert.equal(r.attributes.nextHop, undefined);
  });
}

test('RFC 4271 6.3: the host addresses at the edges of those ranges are accepted, 240.0.0.0/4 too', () => {
  for (const [addr, text] of [
    ['01000000', '1.0.0.0'],
    ['7effffff', '126.255.255.255'],
    ['80000000', '128.0.0.0'],
    ['dfffffff', '223.255.255.255'],
    ['f0000001', '240.0.0.1'],
    ['fffffffe', '255.255.255.254'],
  ] as const) {
    const r = decodeHex(`${ORIGIN} ${AS_PATH} 40 03 04 ${addr}`, undefined, true);
    assert.deepEqual(r.errors, [], text);
    assert.equal(r.attributes.nextHop, text);
  }
});

const V6_NLRI = '20 20010db8'; // 2001:db8::/32
const mpReach = (afi: string, nextHop: string, nlri = V6_NLRI): string => {
  const value = hex(`${afi} 01 ${(hex(nextHop).length).toString(16).padStart(2, '0')} ${nextHop} 00 ${nlri}`);
  return `80 0e ${value.length.toString(16).padStart(2, '0')} ${Buffer.from(value).toString('hex')}`;
};
const GLOBAL = '20010db8000000000000000000000001';
const LINK_LOCAL = 'fe800000000000000000000000000001';

const V6_NOT_HOSTS: [string, string][] = [
  [':: (unspecified)', '00000000000000000000000000000000'],
  ['::1 (loopback)', '00000000000000000000000000000001'],
  ['ff02::1 (multicast)', 'ff020000000000000000000000000001'],
  ['ff0e::5 (multicast)', 'ff0e0000000000000000000000000005'],
  ['global ::1 before a link-local', `00000000000000000000000000000001 ${LINK_LOCAL}`],
  ['link-local slot multicast', `${GLOBAL} ff020000000000000000000000000002`],
  ['link-local slot loopback', `${GLOBAL} 00000000000000000000000000000001`],
];

for (const [name, nh] of V6_NOT_HOSTS) {
  test(`RFC 7606 7.11 / RFC 4271 6.3: MP_REACH_NLRI IPv6 next hop ${name} is treat-as-withdraw, NLRI kept for the withdrawal`, () => {
    const r = decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0002', nh)}`, REMOTE);
    assert.equal(r.action, ErrorAction.TreatAsWithdraw);
    assert.deepEqual(
      r.errors.map((e) => [e.errorSubcode, e.action]),
      [[UpdateSubcode.OptionalAttributeError, ErrorAction.TreatAsWithdraw]],
    );
    assert.deepEqual(r.attributes.mpReach?.nlri, [{ afi: 2, addr: '2001:db8::', len: 32 }]);
  });
}

test('RFC 2545 3: a 32-octet next hop with :: in the link-local slot is accepted, as are global and link-local hosts', () => {
  for (const nh of [GLOBAL, `${GLOBAL} ${LINK_LOCAL}`, `${GLOBAL} 00000000000000000000000000000000`, LINK_LOCAL]) {
    assert.deepEqual(decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0002', nh)}`).errors, [], nh);
  }
});

test('RFC 4760 3: an IPv4 MP_REACH_NLRI next hop 127.0.0.1 is treat-as-withdraw; an RFC 8950 IPv6 one for IPv4 NLRI is checked too', () => {
  const v4 = decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0001', '7f000001', '18 c63364')}`, REMOTE);
  assert.equal(v4.action, ErrorAction.TreatAsWithdraw);
  assert.deepEqual(v4.attributes.mpReach?.nlri, [{ afi: 1, addr: '198.51.100.0', len: 24 }]);
  const v6for4 = decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0001', 'ff020000000000000000000000000001', '18 c63364')}`);
  assert.equal(v6for4.action, ErrorAction.TreatAsWithdraw);
  assert.deepEqual(decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0001', 'c0000201', '18 c63364')}`).errors, []);
});

test('between speakers on one host (rejectLoopbackNextHop unset) loopback next hops are accepted; the others are still refused', () => {
  for (const nh of ['7f000001', '7f000002']) {
    assert.deepEqual(decodeHex(`${ORIGIN} ${AS_PATH} 40 03 04 ${nh}`, AS4_CONTEXT, true).errors, [], nh);
  }
  // The same next hop twice in a row, lax then strict: the strict decode must not reuse the lax verdict.
  assert.equal(decodeHex(`${ORIGIN} ${AS_PATH} 40 03 04 7f000002`, REMOTE, true).action, ErrorAction.TreatAsWithdraw);
  assert.deepEqual(decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0002', '00000000000000000000000000000001')}`).errors, []);
  assert.deepEqual(decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0002', `${GLOBAL} 00000000000000000000000000000001`)}`).errors, []);
  for (const nh of ['00000001', 'e0000005', 'ffffffff']) {
    assert.equal(decodeHex(`${ORIGIN} ${AS_PATH} 40 03 04 ${nh}`, AS4_CONTEXT, true).action, ErrorAction.TreatAsWithdraw, nh);
  }
  assert.equal(decodeHex(`${ORIGIN} ${AS_PATH} ${mpReach('0002', 'ff020000000000000000000000000001')}`).action, ErrorAction.TreatAsWithdraw);
});
