// RFC 4760 7 and 8: an MP_REACH_NLRI / MP_UNREACH_NLRI of an AFI/SAFI the
// session did not negotiate is ignored, on both receive paths alike (as BIRD
// and FRR do): the rest of the UPDATE counts, the session stays up. Vectors
// are floatd's own bytes; the harness negotiates IPv4 unicast only.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUpdate, endOfRibFamily } from '../../../src/bgp/codec/update.js';
import { AS4_CONTEXT } from '../../../src/bgp/codec/types.js';
import { msg } from '../../helpers/hex.js';
import { harness, kinds } from './harness.js';
import { captureLog } from './log-capture.js';

const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fde8';
const NEXT_HOP = '40 03 04 0a000001';

/** Another speaker's End-of-RIB for IPv4 flowspec (RFC 4724 2): MP_UNREACH_NLRI, AFI 1, SAFI 133, no NLRI. */
const FLOWSPEC_EOR = msg(2, '0000 0006 800f03 0001 85');
/** IPv6 unicast 2001:db8::/32 via 2001:db8::1: a family this IPv4-only session did not negotiate. */
const IPV6_ANNOUNCE = msg(2, `0000 002a ${ORIGIN} ${AS_PATH} 800e1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8`);
/** 198.51.100.0/24 in the IPv4 NLRI field, beside an IPv4 flowspec MP_REACH_NLRI (destination 192.0.2.0/24). */
const IPV4_WITH_FLOWSPEC = msg(2, `0000 0022 ${ORIGIN} ${AS_PATH} ${NEXT_HOP} 800e0b 0001 85 00 00 05 01 18 c00002 18c63364`);

for (const importMode of ['none', 'all'] as const) {
  test(`RFC 4760 7, import ${importMode}: a flowspec End-of-RIB on a session without flowspec does not reset it`, async () => {
    const h = harness({ importMode });
    const s = await h.establish();
    h.sent(s);
    s.feed(FLOWSPEC_EOR);
    await h.settle();
    assert.deepEqual(kinds(h.sent(s)), []);
    assert.equal(h.session.stateName, 'Established');
    assert.equal(h.session.status().prefixes.received, 0);
  });

  test(`RFC 4760 8, import ${importMode}: IPv6 unicast routes on an IPv4-only session are neither stored nor counted`, async () => {
    const h = harness({ importMode });
    const s = await h.establish();
    s.feed(IPV6_ANNOUNCE);
    await h.settle();
    assert.equal(h.session.stateName, 'Established');
    assert.equal(h.session.status().prefixes.received, 0);
    assert.deepEqual([...h.session.receivedRoutes()], []);
  });

  test(`RFC 4760 7, import ${importMode}: the IPv4 routes beside an ignored flowspec MP_REACH_NLRI still count`, async () => {
    const h = harness({ importMode });
    const s = await h.establish();
    h.sent(s);
    s.feed(IPV4_WITH_FLOWSPEC);
    await h.settle();
    assert.deepEqual(kinds(h.sent(s)), []);
    assert.equal(h.session.status().prefixes.received, 1);
    if (importMode === 'all') assert.deepEqual([...h.session.receivedRoutes()].map((r) => r.prefix), ['198.51.100.0/24']);
  });
}

test('RFC 4760 7: 500 ignored flowspec End-of-RIBs give a bounded number of log lines', async () => {
  const cap = captureLog();
  const h = harness({ importMode: 'all', log: cap.log });
  const s = await h.establish();
  const before = cap.lines.length;
  for (let i = 0; i < 500; i++) s.feed(FLOWSPEC_EOR);
  await h.settle();
  const lines = cap.lines.slice(before);
  assert.ok(lines.length > 0 && lines.length <= 10, `${lines.length} lines`);
  assert.match(lines[0]!, /ignored an UPDATE's MP attribute for AFI 1 SAFI 133, a family not negotiated/);
  assert.equal(h.session.stateName, 'Established');
});

test('RFC 4724 2: with unicastAfis, an End-of-RIB of an ignored family is not taken for IPv4 End-of-RIB', () => {
  const body = FLOWSPEC_EOR.subarray(19);
  const u = decodeUpdate(body, 0, body.length, { ...AS4_CONTEXT, unicastAfis: [1] });
  assert.deepEqual(u.errors, []);
  assert.deepEqual(u.ignoredFamilies, [(1 << 8) | 133]);
  assert.equal(endOfRibFamily(u), undefined);
});
