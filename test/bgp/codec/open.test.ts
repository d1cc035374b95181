import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Capability } from '../../../src/bgp/codec/capabilities.js';
import { BgpDecodeError, BgpEncodeError, ErrorAction } from '../../../src/bgp/codec/errors.js';
import { numberToIpv4 } from '../../../src/bgp/codec/ip.js';
import { decodeOpen, encodeOpen, peerAsOf, twoOctetAsOf, type OpenMessage } from '../../../src/bgp/codec/open.js';
import { capabilityArbWith } from './capability-arbitrary.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const decodeHex = (h: string, opts?: { keepUnknownParameters?: boolean }): OpenMessage => {
  const b = hex(h);
  return decodeOpen(b, 0, b.length, opts);
};

function assertDecodeError(fn: () => unknown, code: number, subcode: number, dataHex = ''): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BgpDecodeError, `expected BgpDecodeError, got ${String(e)}`);
    assert.equal(e.errorCode, code, e.message);
    assert.equal(e.errorSubcode, subcode, e.message);
    assert.equal(toHex(e.data), dataHex, e.message);
    assert.equal(e.action, ErrorAction.SessionReset);
    return true;
  });
}

// Fixed fields used by most cases: version 4, AS 65001, hold time 90, identifier 192.0.2.1.
const FIXED = '04 fde9 005a c0000201';

const EVERY_CAPABILITY: Capability[] = [
  { kind: 'multiprotocol', afi: 1, safi: 1 },
  { kind: 'multiprotocol', afi: 2, safi: 1 },
  { kind: 'route-refresh' },
  { kind: 'enhanced-route-refresh' },
  { kind: 'four-octet-as', asn: 4200000001 },
  {
    kind: 'graceful-restart',
    restarting: true,
    notification: true,
    restartTime: 120,
    families: [
      { afi: 1, safi: 1, forwarding: true },
      { afi: 2, safi: 1, forwarding: false },
    ],
  },
  { kind: 'extended-next-hop', entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
  { kind: 'extended-message' },
  {
    kind: 'add-path',
    entries: [
      { afi: 1, safi: 1, mode: 'both' },
      { afi: 2, safi: 1, mode: 'receive' },
    ],
  },
  { kind: 'fqdn', hostname: 'host', domain: 'example.com' },
  { kind: 'unknown', code: 128, value: new Uint8Array(0) },
  { kind: 'unknown', code: 240, value: hex('dead') },
];

const FIRST_PARAM = `
  01 04 0001 00 01                      # multiprotocol IPv4 unicast
  01 04 0002 00 01                      # multiprotocol IPv6 unicast
  02 00                                 # route refresh
  46 00                                 # enhanced route refresh
  41 04 fa56ea01                        # 4-octet AS 4200000001
`;
const SECOND_PARAM = `
  40 0a c078 0001 01 80 0002 01 00      # graceful restart R N, 120 s
  05 06 0001 0001 0002                  # extended next hop
  06 00                                 # extended message
  45 08 0001 01 03 0002 01 01           # ADD-PATH
  49 11 04 686f7374 0b 6578616d706c652e636f6d  # FQDN host / example.com
  80 00                                 # unknown 128
  f0 02 dead                            # unknown 240
`;

const EVERY_CAPABILITY_TWO_PARAMS = `
  04 5ba0 00b4 c0000201                 # version 4, AS_TRANS, hold 180, 192.0.2.1
  53                                    # optional parameters: 83 octets
  02 16 ${FIRST_PARAM}                  # capabilities, 22 octets
  02 39 ${SECOND_PARAM}                 # capabilities, 57 octets
`;
const EVERY_CAPABILITY_ONE_PARAM = `
  04 5ba0 00b4 c0000201
  51                                    # optional parameters: 81 octets
  02 4f ${FIRST_PARAM} ${SECOND_PARAM}  # capabilities, 79 octets
`;

const EVERY_CAPABILITY_OPEN: OpenMessage = {
  type: 'open',
  version: 4,
  myAs: 23456,
  holdTime: 180,
  bgpId: '192.0.2.1',
  capabilities: EVERY_CAPABILITY,
  otherParameters: [],
};

test('OPEN with every capability spread over two parameters (RFC 5492 4)', () => {
  const open = decodeHex(EVERY_CAPABILITY_TWO_PARAMS);
  assert.deepStrictEqual(open, EVERY_CAPABILITY_OPEN);
  assert.equal(peerAsOf(open), 4200000001);
});

test('encodeOpen packs every capability into one parameter', () => {
  const body = encodeOpen({ myAs: 23456, holdTime: 180, bgpId: '192.0.2.1', capabilities: EVERY_CAPABILITY });
  assert.equal(toHex(body), toHex(hex(EVERY_CAPABILITY_ONE_PARAM)));
  assert.deepStrictEqual(decodeOpen(body, 0, body.length), EVERY_CAPABILITY_OPEN);
});

test('decodeOpen reads the body at an offset inside a whole message', () => {
  const body = hex(EVERY_CAPABILITY_TWO_PARAMS);
  const msg = new Uint8Array(19 + body.length + 5);
  msg.fill(0xff, 0, 16);
  msg.set(body, 19);
  msg.fill(0xee, 19 + body.length);
  assert.deepStrictEqual(decodeOpen(msg, 19, 19 + body.length), EVERY_CAPABILITY_OPEN);
});

test('OPEN without optional parameters', () => {
  const h = '04 0001 0000 01020304 00';
  const open = decodeHex(h);
  assert.deepStrictEqual(open, { type: 'open', version: 4, myAs: 1, holdTime: 0, bgpId: '1.2.3.4', capabilities: [], otherParameters: [] });
  assert.equal(peerAsOf(open), 1);
  assert.equal(toHex(encodeOpen({ myAs: 1, holdTime: 0, bgpId: '1.2.3.4', capabilities: [] })), toHex(hex(h)));
});

test('a capabilities parameter of length 0 is accepted', () => {
  assert.deepStrictEqual(decodeHex(`${FIXED} 04 02 00 02 00`).capabilities, []);
});

test('RFC 9072 extended optional parameters length', () => {
  const h = `${FIXED}
    ff ff 0009            # non-ext len 255, type 255, extended length 9
    02 0006 41 04 0000fde9  # capabilities with a 2-octet length: 4-octet AS 65001`;
  const expected: OpenMessage = {
    type: 'open',
    version: 4,
    myAs: 65001,
    holdTime: 90,
    bgpId: '192.0.2.1',
    capabilities: [{ kind: 'four-octet-as', asn: 65001 }],
    otherParameters: [],
  };
  assert.deepStrictEqual(decodeHex(h), expected);
  const body = encodeOpen({ myAs: 65001, holdTime: 90, bgpId: '192.0.2.1', capabilities: expected.capabilities }, { extendedParameters: true });
  assert.equal(toHex(body), toHex(hex(h)));
  // RFC 9072 2: any non-zero Non-Ext OP Len is ignored once type 255 follows.
  assert.deepStrictEqual(decodeHex(h.replace('ff ff 0009', '01 ff 0009')), expected);
});

test('RFC 9072 extended format with several parameters and with none', () => {
  const several = decodeHex(`${FIXED} ff ff 000e  02 0002 0200  02 0006 4104 0000fde9`);
  assert.deepStrictEqual(several.capabilities, [{ kind: 'route-refresh' }, { kind: 'four-octet-as', asn: 65001 }]);
  assert.deepStrictEqual(decodeHex(`${FIXED} ff ff 0000`).capabilities, []);
  const empty = encodeOpen({ myAs: 65001, holdTime: 90, bgpId: '192.0.2.1', capabilities: [] }, { extendedParameters: true });
  assert.equal(toHex(empty), toHex(hex(`${FIXED} ff ff 0000`)));
});

test('encodeOpen switches to the extended format once parameters exceed 255 octets (RFC 9072 2)', () => {
  const caps: Capability[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'multiprotocol', afi: 1, safi: i }));
  const body = encodeOpen({ myAs: 65001, holdTime: 90, bgpId: '192.0.2.1', capabilities: caps });
  assert.equal(toHex(body.subarray(0, 16)), toHex(hex(`${FIXED} ff ff 012f 02 012c`))); // 303 = 3 + 300
  assert.equal(body.length, 13 + 303);
  assert.deepStrictEqual(decodeOpen(body, 0, body.length).capabilities, caps);
  // 42 of them (252 + 2 octets) still fit the classic format.
  const fits = encodeOpen({ myAs: 65001, holdTime: 90, bgpId: '192.0.2.1', capabilities: caps.slice(0, 42) });
  assert.equal(toHex(fits.subarray(9, 12)), 'fe02fc');
});

test('other optional parameters are refused as Unsupported Optional Parameter (RFC 4271 6.2)', () => {
  assertDecodeError(() => decodeHex(`${FIXED} 02 01 00`), 2, 4); // type 1, the deprecated authentication parameter
  assertDecodeError(() => decodeHex(`${FIXED} 05 02 00 03 01 ab`), 2, 4); // after a valid one
  assertDecodeError(() => decodeHex(`${FIXED} 04 02 00 ff 00`), 2, 4); // 255 is only the RFC 9072 marker
  assertDecodeError(() => decodeHex(`${FIXED} ff ff 0003 ff 0000`), 2, 4);
});

test('keepUnknownParameters keeps them raw, and encodeOpen sends them', () => {
  const h = `${FIXED} 0b 02 02 0200 01 00 03 03 abcdef`;
  const open = decodeHex(h, { keepUnknownParameters: true });
  assert.deepStrictEqual(open.capabilities, [{ kind: 'route-refresh' }]);
  assert.deepStrictEqual(open.otherParameters, [
    { type: 1, value: new Uint8Array(0) },
    { type: 3, value: hex('abcdef') },
  ]);
  assert.equal(toHex(encodeOpen(open)), toHex(hex(h)));
  assert.equal(toHex(encodeOpen(open, { extendedParameters: true })), toHex(hex(`${FIXED} ff ff 000e 02 0002 0200 01 0000 03 0003 abcdef`)));
  // Still never type 255.
  assertDecodeError(() => decodeHex(`${FIXED} 04 02 00 ff 00`, { keepUnknownParameters: true }), 2, 4);
});

test('a body shorter than 10 octets is Bad Message Length with the length field as data (RFC 4271 6.1)', () => {
  assertDecodeError(() => decodeHex('04 fde9 005a c0000201'), 1, 2, '001c'); // 9 octets: no parameters length
  assertDecodeError(() => decodeHex('04 fde9'), 1, 2, '0016');
  assertDecodeError(() => decodeHex(''), 1, 2, '0013');
});

test('optional parameters length disagreeing with the body is Bad Message Length (RFC 4271 6.1)', () => {
  assertDecodeError(() => decodeHex(`${FIXED} 05 02 02 0200`), 1, 2, '0021'); // claims 5, has 4: 19 + 14 = 33
  assertDecodeError(() => decodeHex(`${FIXED} 00 02 00`), 1, 2, '001f'); // trailing octets
  assertDecodeError(() => decodeHex(`${FIXED} 03 02 00`), 1, 2, '001f');
  assertDecodeError(() => decodeHex(`${FIXED} 01`), 1, 2, '001d'); // non-zero length, nothing follows
  assertDecodeError(() => decodeHex(`${FIXED} ff ff 00`), 1, 2, '001f'); // extended length cut
  assertDecodeError(() => decodeHex(`${FIXED} ff ff`), 1, 2, '001e');
  assertDecodeError(() => decodeHex(`${FIXED} ff ff 0005 02 0000`), 1, 2, '0023'); // extended length 5, 3 present
  assertDecodeError(() => decodeHex(`${FIXED} ff ff 0001 02 0000`), 1, 2, '0023');
});

test('a parameter that overruns the parameters is OPEN Message Error / Unspecific (RFC 4271 6.2)', () => {
  assertDecodeError(() => decodeHex(`${FIXED} 01 02`), 2, 0); // header cut
  assertDecodeError(() => decodeHex(`${FIXED} 03 02 05 00`), 2, 0);
  assertDecodeError(() => decodeHex(`${FIXED} ff ff 0002 02 00`), 2, 0); // extended header is 3 octets
  assertDecodeError(() => decodeHex(`${FIXED} ff ff 0004 02 0002 02`), 2, 0);
  // A capability running past its own parameter, into the next one.
  assertDecodeError(() => decodeHex(`${FIXED} 08 02 02 4104 02 02 0000`), 2, 0);
});

test('a malformed capability inside the OPEN is OPEN Message Error / Unspecific', () => {
  assertDecodeError(() => decodeHex(`${FIXED} 05 02 03 02 01 00`), 2, 0);
  assertDecodeError(() => decodeHex(`${FIXED} 07 02 05 41 03 0000fd`), 2, 0);
});

test('unsupported version: data is the 2-octet version floatd supports (RFC 4271 6.2)', () => {
  for (const v of ['03', '05', '00', 'ff']) {
    assertDecodeError(() => decodeHex(`${v} fde9 005a c0000201 00`), 2, 1, '0004');
  }
  // Checked before anything else, even a length a newer version might explain.
  assertDecodeError(() => decodeHex('05 fde9 005a c0000201 07 01'), 2, 1, '0004');
});

test('hold time 1 or 2 is Unacceptable Hold Time; 0 and 3 are fine (RFC 4271 6.2)', () => {
  assertDecodeError(() => decodeHex('04 fde9 0001 c0000201 00'), 2, 6);
  assertDecodeError(() => decodeHex('04 fde9 0002 c0000201 00'), 2, 6);
  assert.equal(decodeHex('04 fde9 0000 c0000201 00').holdTime, 0);
  assert.equal(decodeHex('04 fde9 0003 c0000201 00').holdTime, 3);
  assert.equal(decodeHex('04 fde9 ffff c0000201 00').holdTime, 65535);
});

test('BGP identifier 0.0.0.0 is Bad BGP Identifier; any other value is accepted (RFC 6286 2.2)', () => {
  assertDecodeError(() => decodeHex('04 fde9 005a 00000000 00'), 2, 3);
  assert.equal(decodeHex('04 fde9 005a ffffffff 00').bgpId, '255.255.255.255');
  assert.equal(decodeHex('04 fde9 005a 00000001 00').bgpId, '0.0.0.1');
});

test('AS 0 in My AS or the 4-octet AS capability is Bad Peer AS (RFC 7607 2)', () => {
  assertDecodeError(() => decodeHex('04 0000 005a c0000201 00'), 2, 2);
  assertDecodeError(() => decodeHex(`04 5ba0 005a c0000201 08 02 06 4104 00000000`), 2, 2);
});

test('peerAsOf and twoOctetAsOf', () => {
  const base = { type: 'open' as const, version: 4, holdTime: 90, bgpId: '192.0.2.1', otherParameters: [] };
  assert.equal(peerAsOf({ ...base, myAs: 65001, capabilities: [] }), 65001);
  assert.equal(peerAsOf({ ...base, myAs: 23456, capabilities: [{ kind: 'route-refresh' }, { kind: 'four-octet-as', asn: 4200000001 }] }), 4200000001);
  assert.equal(twoOctetAsOf(65001), 65001);
  assert.equal(twoOctetAsOf(65536), 23456);
  assert.equal(twoOctetAsOf(4200000001), 23456);
});

test('encodeOpen rejects values that cannot be sent', () => {
  const ok = { myAs: 65001, holdTime: 90, bgpId: '192.0.2.1', capabilities: [] };
  const bad = [
    { ...ok, myAs: 0 },
    { ...ok, myAs: 65536 },
    { ...ok, holdTime: 1 },
    { ...ok, holdTime: 2 },
    { ...ok, holdTime: 65536 },
    { ...ok, holdTime: -1 },
    { ...ok, bgpId: '0.0.0.0' },
    { ...ok, bgpId: 'router' },
    { ...ok, bgpId: '2001:db8::1' },
    { ...ok, version: 256 },
    { ...ok, otherParameters: [{ type: 2, value: new Uint8Array(0) }] },
    { ...ok, otherParameters: [{ type: 255, value: new Uint8Array(0) }] },
    { ...ok, otherParameters: [{ type: 256, value: new Uint8Array(0) }] },
    { ...ok, otherParameters: [{ type: 3, value: new Uint8Array(65536) }] },
    { ...ok, capabilities: [{ kind: 'four-octet-as' as const, asn: 2 ** 32 }] },
  ];
  for (const m of bad) assert.throws(() => encodeOpen(m), BgpEncodeError, JSON.stringify(m));
});

const openArb: fc.Arbitrary<OpenMessage> = fc
  .record(
    {
      myAs: fc.integer({ min: 1, max: 0xffff }),
      holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
      bgpId: fc.integer({ min: 1, max: 0xffffffff }).map(numberToIpv4),
      capabilities: fc.array(capabilityArbWith(1), { maxLength: 20 }),
      otherParameters: fc.array(
        fc.record(
          {
            type: fc.integer({ min: 0, max: 254 }).filter((t) => t !== 2),
            value: fc.uint8Array({ maxLength: 30 }),
          },
          { noNullPrototype: true },
        ),
        { maxLength: 3 },
      ),
    },
    { noNullPrototype: true },
  )
  .map((r) => ({ type: 'open' as const, version: 4, ...r }));

test('property: OPEN encode then decode gives the message back, in both formats', () => {
  fc.assert(
    fc.property(openArb, fc.boolean(), (open, extendedParameters) => {
      const body = encodeOpen(open, { extendedParameters });
      if (extendedParameters) assert.equal(body[10], 0xff);
      assert.deepStrictEqual(decodeOpen(body, 0, body.length, { keepUnknownParameters: true }), open);
    }),
    { numRuns: 500 },
  );
});

type Mutation = { op: 'set'; at: number; value: number } | { op: 'cut'; at: number } | { op: 'insert'; at: number; value: number } | { op: 'drop'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
);

function mutate(body: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Array.from(body);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'set' && at < b.length) b[at] = m.value;
    else if (m.op === 'cut') b = b.slice(0, at);
    else if (m.op === 'insert') b.splice(at, 0, m.value);
    else if (m.op === 'drop') b.splice(at, 1);
  }
  return Uint8Array.from(b);
}

test('fuzz: mutated OPENs only ever throw BgpDecodeError, and what decodes re-encodes faithfully', () => {
  fc.assert(
    fc.property(openArb, fc.boolean(), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 8 }), (open, ext, ms, pad) => {
      const body = mutate(encodeOpen({ ...open, otherParameters: [] }, { extendedParameters: ext }), ms);
      // Surround the body with other bytes so a read past [start, end) would show.
      const buf = new Uint8Array(pad.length + body.length + pad.length);
      buf.set(pad, 0);
      buf.set(body, pad.length);
      buf.set(pad, pad.length + body.length);
      let decoded: OpenMessage;
      try {
        decoded = decodeOpen(buf, pad.length, pad.length + body.length);
      } catch (e) {
        assert.ok(e instanceof BgpDecodeError, `not a BgpDecodeError: ${String(e)}`);
        assert.ok(e.errorCode === 1 || e.errorCode === 2, e.message);
        return;
      }
      const again = encodeOpen(decoded);
      assert.deepStrictEqual(decodeOpen(again, 0, again.length), decoded);
    }),
    { numRuns: 3000 },
  );
});

test('fuzz: random bytes only ever throw BgpDecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (b, fixed) => {
      // Half the runs start with a plausible header so the parameter parsing is reached.
      const body = fixed ? Uint8Array.from([...hex(FIXED), ...b]) : b;
      try {
        decodeOpen(body, 0, body.length, { keepUnknownParameters: true });
      } catch (e) {
        assert.ok(e instanceof BgpDecodeError, `not a BgpDecodeError: ${String(e)}`);
      }
    }),
    { numRuns: 3000 },
  );
});
