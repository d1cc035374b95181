// Test-only builders and fast-check arbitraries for UPDATE bodies, written
// from RFC 4271 4.3 / RFC 4760 3 independently of floatd's encoder. Mostly
// well-formed, with a share of every kind of fault the receive path must
// notice: wrong flags, wrong lengths, bad values, duplicates, missing
// mandatory attributes, unknown attributes, stray bytes.

import fc from 'fast-check';

/** One attribute: flags | type | length (1 octet, or 2 with Extended Length) | value. */
export function attribute(flags: number, type: number, value: Uint8Array, extended = false): Buffer {
  const ext = extended || value.length > 255;
  const head = ext ? Buffer.from([flags | 0x10, type, value.length >> 8, value.length & 0xff]) : Buffer.from([flags & ~0x10, type, value.length]);
  return Buffer.concat([head, value]);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** Optional/Transitive bits each type carries (RFC 4271 5, RFC 1997, RFC 4360, RFC 4456, RFC 6793, RFC 8092). */
const FLAGS: Record<number, number> = { 1: 0x40, 2: 0x40, 3: 0x40, 4: 0x80, 5: 0x40, 6: 0x40, 7: 0xc0, 8: 0xc0, 9: 0x80, 10: 0x80, 16: 0xc0, 17: 0xc0, 18: 0xc0, 32: 0xc0, 99: 0xc0, 100: 0x80 };

export const LOCAL_AS = 65001;

/** AS numbers, with our own AS and AS 0 now and then. */
const asn = fc.oneof({ weight: 60, arbitrary: fc.integer({ min: 1, max: 0xffffffff }) }, { weight: 1, arbitrary: fc.constant(LOCAL_AS) }, { weight: 1, arbitrary: fc.constant(0) });
const asn2 = fc.oneof({ weight: 60, arbitrary: fc.integer({ min: 1, max: 0xffff }) }, { weight: 1, arbitrary: fc.constant(LOCAL_AS) }, { weight: 1, arbitrary: fc.constant(0) });

function asPathValue(fourOctet: boolean): fc.Arbitrary<Buffer> {
  const segment = fc
    .record({
      type: fc.oneof({ weight: 40, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constantFrom(0, 3, 4) }),
      asns: fc.oneof({ weight: 40, arbitrary: fc.array(fourOctet ? asn : asn2, { minLength: 1, maxLength: 5 }) }, { weight: 1, arbitrary: fc.constant([] as number[]) }),
      lie: fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 }) }),
    })
    .map((s) => Buffer.concat([Buffer.from([s.type, (s.asns.length + s.lie) & 0xff]), ...s.asns.map((a) => (fourOctet ? u32(a) : Buffer.from([(a >> 8) & 0xff, a & 0xff])))]));
  // Now and then a lone trailing octet (RFC 7606 7.2).
  const tail = fc.oneof({ weight: 40, arbitrary: fc.constant(Buffer.alloc(0)) }, { weight: 1, arbitrary: fc.constant(Buffer.from([2])) });
  return fc.tuple(fc.array(segment, { maxLength: 3 }), tail).map(([segs, t]) => Buffer.concat([...segs, t]));
}

const bytes = (n: number): fc.Arbitrary<Buffer> => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b));
/** Usually `n` octets (or a multiple of n, rarely none), sometimes one more or one less. */
const sized = (n: number, multiple: boolean): fc.Arbitrary<Buffer> =>
  fc
    .tuple(multiple ? fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constant(0) }) : fc.constant(1), fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }))
    .chain(([k, d]) => bytes(Math.max(0, n * k + d)));

function valueOf(type: number, fourOctet: boolean): fc.Arbitrary<Buffer> {
  switch (type) {
    case 1:
      return fc.oneof({ weight: 30, arbitrary: fc.constantFrom(0, 1, 2) }, { weight: 1, arbitrary: fc.constant(3) }).map((o) => Buffer.from([o]));
    case 2:
      return asPathValue(fourOctet);
    case 6:
      return fc.oneof({ weight: 30, arbitrary: fc.constant(Buffer.alloc(0)) }, { weight: 1, arbitrary: bytes(1) });
    case 7:
      return fc
        .tuple(fourOctet ? asn : asn2, sized(4, false))
        .map(([a, addr]) => Buffer.concat([fourOctet ? u32(a) : Buffer.from([(a >> 8) & 0xff, a & 0xff]), addr]));
    case 8:
    case 10:
      return sized(4, true);
    case 16:
      return sized(8, true);
    case 17:
      return asPathValue(true);
    case 32:
      return sized(12, true);
    case 99:
      return bytes(3);
    case 100:
      return bytes(2);
    default:
      return sized(4, false);
  }
}

/** One attribute of `type`: mostly its own flags, now and then any flags, sometimes with Extended Length. */
function attributeOf(type: number, fourOctet: boolean): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      valueOf(type, fourOctet),
      fc.oneof({ weight: 60, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
      fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    )
    .map(([v, flags, ext]) => attribute(flags < 0 ? FLAGS[type]! : flags & 0xef, type, v, ext));
}

/** Types besides the mandatory three; those come twice only through the `dup` fault. */
const OTHER_TYPES = [4, 5, 6, 7, 8, 9, 10, 16, 17, 32, 99, 100];

/**
 * A path attributes field: usually ORIGIN, AS_PATH and NEXT_HOP plus a few
 * others in any order, sometimes with one of those missing or doubled,
 * sometimes with one octet flipped or the last octets cut off.
 */
export function attributesField(fourOctet: boolean): fc.Arbitrary<Buffer> {
  const mandatory = fc.tuple(attributeOf(1, fourOctet), attributeOf(2, fourOctet), attributeOf(3, fourOctet));
  return fc
    .record({
      mandatory,
      drop: fc.oneof({ weight: 20, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }) }),
      dup: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      others: fc.array(fc.constantFrom(...OTHER_TYPES).chain((t) => attributeOf(t, fourOctet)), { maxLength: 4 }),
      order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      flip: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) }),
      cut: fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    })
    .map((r) => {
      const kept = [...r.mandatory.filter((_, i) => i !== r.drop), ...r.others];
      if (r.dup) kept.push(kept[r.order[0]! % kept.length]!);
      const all = kept.map((a, i) => ({ a, k: r.order[i % 8]! * 16 + i }));
      all.sort((x, y) => x.k - y.k);
      const whole = Buffer.concat(all.map((x) => x.a));
      const field = whole.subarray(0, Math.max(0, whole.length - r.cut));
      if (r.flip && field.length > 0) field[r.flip.at % field.length]! ^= r.flip.xor;
      return field;
    });
}

/** IPv4 prefixes from a small pool, so UPDATEs replace and withdraw each other; host bits set now and then. */
const POOL: [number, number][] = [
  [0x0a000000, 8],
  [0x0a010000, 16],
  [0xc0000200, 24],
  [0xc0000280, 25],
  [0xc0000201, 24],
  [0xc6336400, 24],
  [0x00000000, 0],
  [0xcb007107, 32],
  [0xcb007100, 24],
  [0x80000000, 1],
];
export const nlriPrefix = fc.constantFrom(...POOL).map(([addr, len]) => {
  const n = (len + 7) >> 3;
  return Buffer.concat([Buffer.from([len]), u32(addr).subarray(0, n)]);
});

/** A withdrawn routes or NLRI field; rarely a length over 32 or a cut-short prefix. */
const nlriField = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: fc.array(nlriPrefix, { minLength: 1, maxLength: 4 }) }, { weight: 2, arbitrary: fc.constant([] as Buffer[]) }),
    fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2) }),
  )
  .map(([ps, fault]) => {
    const b = Buffer.concat(ps);
    if (fault === 1) return Buffer.concat([b, Buffer.from([33, 1, 2, 3, 4, 5])]);
    if (fault === 2) return Buffer.concat([b, Buffer.from([24, 1])]);
    return b;
  });

/** MP_REACH_NLRI for IPv6 unicast (RFC 4760 3): one global next hop, one or two prefixes. */
const mpReachIpv6 = fc.array(fc.constantFrom('20010db8', '20010db80001', '20010db800020000'), { minLength: 1, maxLength: 2 }).map((ps) => {
  const nlri = ps.map((h) => Buffer.concat([Buffer.from([h.length * 4]), Buffer.from(h, 'hex')]));
  const value = Buffer.concat([Buffer.from([0, 2, 1, 16]), Buffer.from('20010db8000000000000000000000001', 'hex'), Buffer.from([0]), ...nlri]);
  return attribute(0x80, 14, value);
});

/** An UPDATE body (after the 19-octet header). */
export function updateBody(fourOctet: boolean): fc.Arbitrary<Buffer> {
  return fc
    .record({
      withdrawn: nlriField,
      attrs: fc.oneof({ weight: 20, arbitrary: attributesField(fourOctet) }, { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) }),
      mp: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: mpReachIpv6 }),
      nlri: nlriField,
    })
    .map((u) => {
      const attrs = u.mp ? Buffer.concat([u.attrs, u.mp]) : u.attrs;
      const w = Buffer.from([u.withdrawn.length >> 8, u.withdrawn.length & 0xff]);
      const a = Buffer.from([attrs.length >> 8, attrs.length & 0xff]);
      return Buffer.concat([w, u.withdrawn, a, attrs, u.nlri]);
    });
}

/** The body framed as a message (marker, length, type 2), as the session hands it over. */
export const frameUpdate = (body: Buffer): Buffer => {
  const len = 19 + body.length;
  return Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([len >> 8, len & 0xff, 2]), body]);
};
