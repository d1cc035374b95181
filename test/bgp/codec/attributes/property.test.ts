// Property tests: random valid attributes round-trip through encode and
// decode; mutated encodings only ever fail with BgpDecodeError, and the
// count-only walk fails exactly when the full decode does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countMpPrefixes, decodeAttributes, encodeAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { BgpDecodeError } from '../../../../src/bgp/codec/errors.js';
import { formatIpv4, formatIpv6, maskBytes } from '../../../../src/bgp/codec/ip.js';
import type { Afi } from '../../../../src/bgp/codec/constants.js';
import type { CodecContext, PathAttributes, Prefix, RawAttribute } from '../../../../src/bgp/codec/types.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const asn = fc.oneof(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 1, max: 0xffffffff }), fc.constant(23456));
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b));
/** Next hops must be host addresses (RFC 4271 6.3): not 0/8, 127/8, 224/4, 255.255.255.255; not ::, ::1, ff00::/8 (the second too, for simplicity). */
const hostIpv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).filter((b) => b[0] !== 0 && b[0] !== 127 && (b[0]! & 0xf0) !== 0xe0 && !b.every((x) => x === 255)).map((b) => formatIpv4(b));
const hostIpv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).filter((b) => b[0] !== 0xff && b.subarray(0, 15).some((x) => x !== 0)).map((b) => formatIpv6(b));

const ctxArb: fc.Arbitrary<CodecContext> = fc.record({
  fourOctetAs: fc.boolean(),
  extendedMessage: fc.constant(false),
  addPathIpv4: fc.boolean(),
  addPathIpv6: fc.boolean(),
});

function prefixArb(afi: Afi, addPath: boolean): fc.Arbitrary<Prefix> {
  const size = afi === 1 ? 4 : 16;
  return fc.tuple(fc.uint8Array({ minLength: size, maxLength: size }), fc.integer({ min: 0, max: size * 8 }), u32).map(([bytes, len, pathId]) => {
    const m = maskBytes(bytes, len);
    const addr = afi === 1 ? formatIpv4(m) : formatIpv6(m);
    return addPath ? { afi, addr, len, pathId } : { afi, addr, len };
  });
}

/** Types floatd does not interpret. */
const UNKNOWN_TYPES = Array.from({ length: 256 }, (_, t) => t).filter((t) => !((t >= 1 && t <= 10) || (t >= 14 && t <= 18) || t === 32));

const unknownArb: fc.Arbitrary<RawAttribute[]> = fc.uniqueArray(
  fc.record({
    flags: fc.constantFrom(0xc0, 0xe0),
    type: fc.constantFrom(...UNKNOWN_TYPES),
    value: fc.uint8Array({ maxLength: 300 }),
  }),
  { selector: (u) => u.type, minLength: 1, maxLength: 3 },
);

function attrsArb(ctx: CodecContext): fc.Arbitrary<PathAttributes> {
  const addPath = (afi: Afi): boolean => (afi === 1 ? ctx.addPathIpv4 : ctx.addPathIpv6);
  const mpReach = fc.constantFrom<Afi>(1, 2).chain((afi) =>
    fc.record({
      afi: fc.constant(afi),
      safi: fc.constant(1),
      nextHops: afi === 1 ? fc.oneof(fc.tuple(hostIpv4), fc.tuple(hostIpv6), fc.tuple(hostIpv6, hostIpv6)) : fc.oneof(fc.tuple(hostIpv6), fc.tuple(hostIpv6, hostIpv6)),
      nlri: fc.array(prefixArb(afi, addPath(afi)), { maxLength: 6 }),
    }),
  );
  const mpUnreach = fc.constantFrom<Afi>(1, 2).chain((afi) =>
    fc.record({ afi: fc.constant(afi), safi: fc.constant(1), withdrawn: fc.array(prefixArb(afi, addPath(afi)), { maxLength: 6 }) }),
  );
  return fc.record(
    {
      origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
      asPath: fc.array(fc.record({ type: fc.constantFrom(1, 2) as fc.Arbitrary<1 | 2>, asns: fc.array(asn, { minLength: 1, maxLength: 12 }) }), { maxLength: 4 }),
      nextHop: hostIpv4,
      med: u32,
      localPref: u32,
      atomicAggregate: fc.constant(true),
      aggregator: fc.record({ asn, address: ipv4 }),
      communities: fc.array(u32, { minLength: 1, maxLength: 8 }),
      extendedCommunities: fc.array(fc.uint8Array({ minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
      // RFC 8092 5: a receiver removes duplicates, so only distinct values round-trip.
      largeCommunities: fc.uniqueArray(fc.record({ global: u32, local1: u32, local2: u32 }), { minLength: 1, maxLength: 4, selector: (c) => `${c.global}:${c.local1}:${c.local2}` }),
      originatorId: ipv4,
      clusterList: fc.array(ipv4, { minLength: 1, maxLength: 4 }),
      mpReach,
      mpUnreach,
      unknown: unknownArb,
    },
    { requiredKeys: [] },
  ).map(plain);
}

/** fc.record may build objects without a prototype; the decoder builds plain ones. */
function plain<T>(x: T): T {
  if (Array.isArray(x)) return x.map(plain) as T;
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)])) as T;
}

/** What decoding the encoding must give back: uninterpreted attributes sorted by type, with Partial set. */
function expected(a: PathAttributes): PathAttributes {
  if (!a.unknown) return a;
  return { ...a, unknown: [...a.unknown].sort((x, y) => x.type - y.type).map((u) => ({ ...u, flags: 0xe0 })) };
}

const caseArb = ctxArb.chain((ctx) => fc.tuple(fc.constant(ctx), attrsArb(ctx)));

test('random valid attributes round-trip, for 2-octet and 4-octet peers', () => {
  fc.assert(
    fc.property(caseArb, ([ctx, attrs]) => {
      const bytes = encodeAttributes(attrs, ctx);
      const r = decodeAttributes(bytes, 0, bytes.length, ctx, false);
      // Only mandatory attributes may be reported missing (MP_REACH_NLRI without ORIGIN or AS_PATH).
      for (const e of r.errors) assert.equal(e.errorSubcode, 3, e.message);
      assert.deepEqual(r.attributes, expected(attrs));
      assert.deepEqual(countMpPrefixes(bytes, 0, bytes.length, ctx), {
        reach: attrs.mpReach?.nlri.length ?? 0,
        unreach: attrs.mpUnreach?.withdrawn.length ?? 0,
      });
      // Encoding is canonical: the decoded value encodes to the same bytes as what it was expected to be.
      assert.deepEqual(encodeAttributes(r.attributes, ctx), encodeAttributes(expected(attrs), ctx));
    }),
    { numRuns: 400 },
  );
});

type Outcome = { ok: true; reach: number; unreach: number } | { ok: false; subcode: number };

function outcome(fn: () => { reach: number; unreach: number }): Outcome {
  try {
    return { ok: true, ...fn() };
  } catch (e) {
    if (!(e instanceof BgpDecodeError)) throw e;
    assert.equal(e.action, 4, 'only session resets are thrown');
    return { ok: false, subcode: e.errorSubcode };
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
);

type Mutation = { kind: 'set'; at: number; byte: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array };

function mutate(b: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(b);
  for (const m of ms) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'set') out[at] = m.byte;
    else if (m.kind === 'cut') out = out.subarray(0, at);
    else out = Uint8Array.from([...out.subarray(0, at), ...m.bytes, ...out.subarray(at)]);
  }
  return out;
}

test('mutated encodings fail only with BgpDecodeError, and count fails exactly when decode does', () => {
  fc.assert(
    fc.property(caseArb, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), ([ctx, attrs], ms, ipv4Nlri) => {
      const b = mutate(encodeAttributes(attrs, ctx), ms);
      // Decode from inside a larger buffer, so reading past `end` would show.
      const buf = new Uint8Array(b.length + 8).fill(0x40);
      buf.set(b, 4);
      const decoded = outcome(() => {
        const r = decodeAttributes(buf, 4, 4 + b.length, ctx, ipv4Nlri);
        assert.ok(r.errors.every((e) => e instanceof BgpDecodeError && e.action < 4));
        return { reach: r.attributes.mpReach?.nlri.length ?? 0, unreach: r.attributes.mpUnreach?.withdrawn.length ?? 0 };
      });
      const counted = outcome(() => countMpPrefixes(buf, 4, 4 + b.length, ctx));
      assert.deepEqual(counted, decoded);
    }),
    { numRuns: 1500 },
  );
});

test('random bytes fail only with BgpDecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), ctxArb, fc.boolean(), (b, ctx, ipv4Nlri) => {
      const decoded = outcome(() => {
        const r = decodeAttributes(b, 0, b.length, ctx, ipv4Nlri);
        return { reach: r.attributes.mpReach?.nlri.length ?? 0, unreach: r.attributes.mpUnreach?.withdrawn.length ?? 0 };
      });
      assert.deepEqual(outcome(() => countMpPrefixes(b, 0, b.length, ctx)), decoded);
    }),
    { numRuns: 2000 },
  );
});
