import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Afi } from '../../../src/bgp/codec/constants.js';
import { BgpDecodeError, ErrorAction } from '../../../src/bgp/codec/errors.js';
import { Framer } from '../../../src/bgp/codec/framer.js';
import { prefix } from '../../../src/bgp/codec/nlri.js';
import { AS4_CONTEXT, BASE_CONTEXT, type CodecContext, type Prefix } from '../../../src/bgp/codec/types.js';
import {
  countUpdate,
  decodeUpdate,
  encodeEndOfRib,
  encodeUpdate,
  endOfRibFamily,
  updateRoutes,
} from '../../../src/bgp/codec/update.js';
import { buildAnnouncements, buildWithdrawals } from '../../../src/bgp/codec/update-builder.js';
import { hex, msg, toHex } from '../../helpers/hex.js';

const body = (m: Buffer) => ({ buf: m, start: 19, end: m.length });
const decode = (m: Buffer, ctx: CodecContext = AS4_CONTEXT) => decodeUpdate(m, 19, m.length, ctx);
const texts = (ps: readonly Prefix[]) => ps.map((p) => `${p.addr}/${p.len}${p.pathId === undefined ? '' : `#${p.pathId}`}`);

// RFC 4271 4.3, written out by hand: withdraw 10.1.0.0/16; announce 192.0.2.0/24 and 198.51.100.7/32
// with ORIGIN IGP, AS_PATH [65001 4200000001] (4-octet), NEXT_HOP 10.0.0.1, MED 100, COMMUNITIES 65000:1.
const announceHex = `
  0003 100a01
  0026
  40 01 01 00
  40 02 0a 02 02 0000fde9 fa56ea01
  40 03 04 0a000001
  80 04 04 00000064
  c0 08 04 fde80001
  18c00002 20c6336407`;

test('an UPDATE written from RFC 4271 4.3 decodes to its fields', () => {
  const u = decode(msg(2, announceHex));
  assert.deepEqual(texts(u.withdrawn), ['10.1.0.0/16']);
  assert.deepEqual(texts(u.nlri), ['192.0.2.0/24', '198.51.100.7/32']);
  assert.deepEqual(u.attributes.asPath, [{ type: 2, asns: [65001, 4200000001] }]);
  assert.equal(u.attributes.nextHop, '10.0.0.1');
  assert.equal(u.attributes.med, 100);
  assert.deepEqual(u.attributes.communities, [0xfde80001]);
  assert.deepEqual(u.errors, []);
  assert.equal(u.action, undefined);
});

test('encoding the decoded UPDATE gives the same bytes', () => {
  const m = msg(2, announceHex);
  assert.equal(toHex(encodeUpdate(decode(m), AS4_CONTEXT)), toHex(m));
});

test('count-only agrees with the full decode', () => {
  const m = msg(2, announceHex);
  assert.deepEqual(countUpdate(m, 19, m.length, AS4_CONTEXT), { announced: 2, withdrawn: 1 });
});

test('withdrawn routes length overrunning the message is Malformed Attribute List (session reset)', () => {
  for (const h of ['00ff 0000', '0000 00ff', '00']) {
    const { buf, start, end } = body(msg(2, h.padEnd(8, '0')).subarray(0, 19 + h.replace(/ /g, '').length / 2));
    assert.throws(
      () => decodeUpdate(buf, start, end, AS4_CONTEXT),
      (e: unknown) => e instanceof BgpDecodeError && e.errorCode === 3 && e.errorSubcode === 1 && e.action === ErrorAction.SessionReset,
    );
  }
});

test('a prefix longer than 32 bits is Invalid Network Field (session reset, RFC 7606 5.3)', () => {
  assert.throws(
    () => decode(msg(2, '0000 0000 21c0000201')),
    (e: unknown) => e instanceof BgpDecodeError && e.errorSubcode === 10,
  );
});

test('NLRI without any attributes is treat-as-withdraw (RFC 7606 3d)', () => {
  const u = decode(msg(2, '0000 0000 18c00002'));
  assert.equal(u.action, ErrorAction.TreatAsWithdraw);
  assert.deepEqual(updateRoutes(u), { announce: [], withdraw: [prefix('192.0.2.0/24')] });
});

test('End-of-RIB markers for both families (RFC 4724 2) are recognised and encoded byte-exact', () => {
  const v4 = msg(2, '0000 0000');
  const v6 = msg(2, '0000 0006 800f 03 0002 01');
  assert.equal(endOfRibFamily(decode(v4)), Afi.Ipv4);
  assert.equal(endOfRibFamily(decode(v6)), Afi.Ipv6);
  assert.equal(toHex(encodeEndOfRib(Afi.Ipv4, AS4_CONTEXT)), toHex(v4));
  assert.equal(endOfRibFamily(decode(encodeEndOfRib(Afi.Ipv6, AS4_CONTEXT))), Afi.Ipv6);
  assert.equal(endOfRibFamily(decode(msg(2, announceHex))), undefined);
});

test('ADD-PATH NLRI carry path identifiers (RFC 7911 3)', () => {
  const ctx = { ...AS4_CONTEXT, addPathIpv4: true };
  const u = decode(msg(2, '0008 00000007 18c00002 0000'), ctx);
  assert.deepEqual(texts(u.withdrawn), ['192.0.2.0/24#7']);
});

const attrs = { origin: 0 as const, asPath: [{ type: 2 as const, asns: [65001] }] };

function decodeAll(messages: Buffer[], ctx: CodecContext) {
  const announced: string[] = [];
  const withdrawn: string[] = [];
  const f = new Framer();
  f.extendedMessage = ctx.extendedMessage;
  for (const m of messages) {
    assert.ok(m.length <= (ctx.extendedMessage ? 65535 : 4096), `message of ${m.length} octets`);
    f.push(m, (x) => {
      const r = updateRoutes(decode(x, ctx));
      announced.push(...texts(r.announce));
      withdrawn.push(...texts(r.withdraw));
    });
  }
  return { announced, withdrawn };
}

const manyV4 = (n: number): Prefix[] => Array.from({ length: n }, (_, i) => prefix(`10.${(i >> 8) & 255}.${i & 255}.0/24`));
const manyV6 = (n: number): Prefix[] => Array.from({ length: n }, (_, i) => prefix(`2001:db8:${i.toString(16)}::/48`));

test('the builder packs as many prefixes as fit in one 4096-octet UPDATE and splits the rest', () => {
  const ps = manyV4(3000);
  const out = buildAnnouncements({ attributes: attrs, nextHops: ['10.0.0.1'], prefixes: ps }, AS4_CONTEXT);
  // 4096 - 19 header - 4 length fields - 20 attribute octets leaves 4053 octets: 1013 four-octet /24s per UPDATE.
  assert.deepEqual(out.map((m) => m.length), [4095, 4095, 19 + 4 + 20 + 974 * 4]);
  assert.deepEqual(decodeAll(out, AS4_CONTEXT).announced, texts(ps));
});

test('the builder puts IPv6 and IPv4-with-IPv6-next-hop routes in MP_REACH_NLRI, first among attributes', () => {
  for (const [ps, nh] of [
    [manyV6(900), ['2001:db8::1', 'fe80::1']],
    [manyV4(1500), ['2001:db8::1']],
  ] as const) {
    const out = buildAnnouncements({ attributes: attrs, nextHops: nh, prefixes: ps }, AS4_CONTEXT);
    assert.ok(out.length > 1);
    for (const m of out) assert.equal(m[23 + 1], 14, 'MP_REACH_NLRI is the first attribute (RFC 7606 5.1)');
    assert.deepEqual(decodeAll(out, AS4_CONTEXT).announced, texts(ps));
    assert.deepEqual(decode(out[0]!).attributes.mpReach?.nextHops, nh);
  }
});

test('extended messages let one UPDATE carry up to 65535 octets (RFC 8654)', () => {
  const ctx = { ...AS4_CONTEXT, extendedMessage: true };
  const ps = manyV4(20000);
  const out = buildAnnouncements({ attributes: attrs, nextHops: ['10.0.0.1'], prefixes: ps }, ctx);
  assert.equal(out.length, 2);
  assert.deepEqual(decodeAll(out, ctx).announced, texts(ps));
});

test('withdrawals of both families pack and split, with ADD-PATH ids', () => {
  const ctx = { ...AS4_CONTEXT, addPathIpv4: true, addPathIpv6: true };
  const ps = [...manyV4(1200).map((p, i) => ({ ...p, pathId: i })), ...manyV6(700).map((p) => ({ ...p, pathId: 1 }))];
  const out = buildWithdrawals(ps, ctx);
  assert.ok(out.length >= 4);
  assert.deepEqual(decodeAll(out, ctx).withdrawn.sort(), texts(ps).sort());
});

test('property: any set of prefixes survives build -> frame -> decode, in both contexts', () => {
  const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, l]) => {
    const v = l === 0 ? 0 : (a & (-1 << (32 - l))) >>> 0;
    return prefix(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${l}`);
  });
  fc.assert(
    fc.property(fc.uniqueArray(v4, { selector: (p) => `${p.addr}/${p.len}`, maxLength: 1500 }), fc.boolean(), (ps, as4) => {
      const ctx = as4 ? AS4_CONTEXT : BASE_CONTEXT;
      const a = buildAnnouncements({ attributes: attrs, nextHops: ['192.0.2.1'], prefixes: ps }, ctx);
      const w = buildWithdrawals(ps, ctx);
      const got = decodeAll([...a, ...w], ctx);
      assert.deepEqual(got.announced, texts(ps));
      assert.deepEqual(got.withdrawn, texts(ps));
    }),
    { numRuns: 60 },
  );
});

test('hand-built MP_UNREACH for IPv6 decodes (RFC 4760 4)', () => {
  const u = decode(msg(2, `0000 0010 900f 000c 0002 01 40 20010db800000001`));
  assert.deepEqual(texts(u.attributes.mpUnreach!.withdrawn), ['2001:db8:0:1::/64']);
  assert.deepEqual(countUpdate(hex(toHex(msg(2, `0000 0010 900f 000c 0002 01 40 20010db800000001`))), 19, 19 + 20, AS4_CONTEXT), {
    announced: 0,
    withdrawn: 1,
  });
});
