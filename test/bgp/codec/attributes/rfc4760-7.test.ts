// RFC 4760 7 and 8 on a session (CodecContext.unicastAfis): an MP_REACH_NLRI
// or MP_UNREACH_NLRI of an AFI/SAFI the session did not negotiate is ignored,
// by the full decode and by the count-only path alike, and the rest of the
// attributes still count. Outside a session (no unicastAfis) a family floatd
// does not carry stays an AfiSafiDisable error, as `floatd decode` shows it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMpPrefixes, decodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { ErrorAction } from '../../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT, type CodecContext } from '../../../../src/bgp/codec/types.js';
import { hex } from './fixtures.js';

const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fde9';
const IPV4_ONLY: CodecContext = { ...AS4_CONTEXT, unicastAfis: [1] };
const DUAL: CodecContext = { ...AS4_CONTEXT, unicastAfis: [1, 2] };

interface Vector {
  readonly name: string;
  /** The attributes field. */
  readonly attrs: string;
  readonly ctx: CodecContext;
  /** AFI << 8 | SAFI of the ignored attribute. */
  readonly ignored: number;
  /** What the rest counts: prefixes in a negotiated family's MP attribute. */
  readonly reach: number;
  readonly unreach: number;
}

const VECTORS: readonly Vector[] = [
  { name: 'End-of-RIB of IPv4 flowspec (AFI 1, SAFI 133): MP_UNREACH_NLRI without NLRI', attrs: '80 0f 03 0001 85', ctx: IPV4_ONLY, ignored: 0x185, reach: 0, unreach: 0 },
  { name: 'End-of-RIB of IPv4 VPN (AFI 1, SAFI 128)', attrs: '80 0f 03 0001 80', ctx: DUAL, ignored: 0x180, reach: 0, unreach: 0 },
  { name: 'IPv4 flowspec rule (destination 192.0.2.0/24) in MP_REACH_NLRI', attrs: `${ORIGIN} ${AS_PATH} 80 0e 0b 0001 85 00 00 05 01 18 c00002`, ctx: IPV4_ONLY, ignored: 0x185, reach: 0, unreach: 0 },
  { name: 'IPv6 unicast 2001:db8::/32 on an IPv4-only session', attrs: `${ORIGIN} ${AS_PATH} 80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8`, ctx: IPV4_ONLY, ignored: 0x201, reach: 0, unreach: 0 },
  { name: 'IPv6 unicast withdrawal of 2001:db8::/32 on an IPv4-only session', attrs: '80 0f 08 0002 01 20 20010db8', ctx: IPV4_ONLY, ignored: 0x201, reach: 0, unreach: 0 },
  {
    name: 'IPv6 unicast announced beside an ignored IPv4 flowspec withdrawal (AFI 1, SAFI 133)',
    attrs: `${ORIGIN} ${AS_PATH} 80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8 80 0f 03 0001 85`,
    ctx: DUAL,
    ignored: 0x185,
    reach: 1,
    unreach: 0,
  },
];

for (const v of VECTORS) {
  test(`RFC 4760 7: ${v.name} is ignored by decode and count alike`, () => {
    const b = hex(v.attrs);
    const d = decodeAttributes(b, 0, b.length, v.ctx, false);
    assert.deepEqual(d.errors, []);
    assert.equal(d.action, undefined);
    assert.deepEqual(d.ignoredFamilies, [v.ignored]);
    assert.equal(d.attributes.mpReach?.nlri.length ?? 0, v.reach);
    assert.deepEqual(countMpPrefixes(b, 0, b.length, v.ctx), { reach: v.reach, unreach: v.unreach, ignored: v.ignored });
  });
}

test('RFC 4760 7, outside a session: a family floatd does not carry is still an AfiSafiDisable error; a unicast one decodes', () => {
  const flowspec = hex('80 0f 03 0001 85');
  assert.equal(decodeAttributes(flowspec, 0, flowspec.length, AS4_CONTEXT, false).action, ErrorAction.AfiSafiDisable);
  const v6 = hex('80 0f 08 0002 01 20 20010db8');
  const d = decodeAttributes(v6, 0, v6.length, AS4_CONTEXT, false);
  assert.deepEqual(d.errors, []);
  assert.equal(d.attributes.mpUnreach?.withdrawn.length, 1);
});
