import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  capabilitiesOfKind,
  decodeCapabilities,
  decodeCapability,
  encodeCapability,
  type Capability,
} from '../../../src/bgp/codec/capabilities.js';
import { CapabilityCode } from '../../../src/bgp/codec/constants.js';
import { BgpDecodeError, BgpEncodeError, ErrorAction } from '../../../src/bgp/codec/errors.js';
import { capabilityArb } from './capability-arbitrary.js';

/** Hex with spaces and `#` comments allowed. */
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const decodeAll = (h: string): Capability[] => {
  const b = hex(h);
  return decodeCapabilities(b, 0, b.length);
};

function assertOpenUnspecific(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BgpDecodeError, `expected BgpDecodeError, got ${String(e)}`);
    assert.equal(e.errorCode, 2);
    assert.equal(e.errorSubcode, 0);
    assert.equal(e.data.length, 0);
    assert.equal(e.action, ErrorAction.SessionReset);
    return true;
  });
}

// Each case: capability bytes written from the RFC layout, and the value they mean.
const GOLDEN: [string, string, Capability][] = [
  ['multiprotocol IPv4 unicast (RFC 4760 8)', '01 04 0001 00 01', { kind: 'multiprotocol', afi: 1, safi: 1 }],
  ['multiprotocol IPv6 unicast', '01 04 0002 00 01', { kind: 'multiprotocol', afi: 2, safi: 1 }],
  ['route refresh (RFC 2918 2)', '02 00', { kind: 'route-refresh' }],
  ['enhanced route refresh (RFC 7313)', '46 00', { kind: 'enhanced-route-refresh' }],
  ['extended message (RFC 8654)', '06 00', { kind: 'extended-message' }],
  ['4-octet AS 4200000001 (RFC 6793)', '41 04 fa56ea01', { kind: 'four-octet-as', asn: 4200000001 }],
  [
    'graceful restart R+N, 120 s, two families (RFC 4724 3, RFC 8538)',
    '40 0a c078 0001 01 80 0002 01 00',
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
  ],
  [
    'graceful restart N only, no families',
    '40 02 4000',
    { kind: 'graceful-restart', restarting: false, notification: true, restartTime: 0, families: [] },
  ],
  [
    'extended next hop IPv4 unicast and VPN over IPv6 (RFC 8950 4)',
    '05 0c 0001 0001 0002 0001 0080 0002',
    {
      kind: 'extended-next-hop',
      entries: [
        { afi: 1, safi: 1, nextHopAfi: 2 },
        { afi: 1, safi: 128, nextHopAfi: 2 },
      ],
    },
  ],
  [
    'ADD-PATH both, receive, send (RFC 7911 4)',
    '45 0c 0001 01 03 0002 01 01 0001 80 02',
    {
      kind: 'add-path',
      entries: [
        { afi: 1, safi: 1, mode: 'both' },
        { afi: 2, safi: 1, mode: 'receive' },
        { afi: 1, safi: 128, mode: 'send' },
      ],
    },
  ],
  [
    'FQDN host.example.com',
    '49 11 04 686f7374 0b 6578616d706c652e636f6d',
    { kind: 'fqdn', hostname: 'host', domain: 'example.com' },
  ],
  ['FQDN with empty domain', '49 06 04 686f7374 00', { kind: 'fqdn', hostname: 'host', domain: '' }],
  ['unknown code 128, empty', '80 00', { kind: 'unknown', code: 128, value: new Uint8Array(0) }],
  ['unknown code 240 with a value', 'f0 02 dead', { kind: 'unknown', code: 240, value: hex('dead') }],
];

for (const [name, h, cap] of GOLDEN) {
  test(`capability golden bytes: ${name}`, () => {
    assert.deepStrictEqual(decodeAll(h), [cap]);
    assert.equal(toHex(encodeCapability(cap)), toHex(hex(h)));
  });
}

test('several capabilities in one parameter decode in order', () => {
  const all = GOLDEN.map(([, h]) => h).join(' ');
  assert.deepStrictEqual(
    decodeAll(all),
    GOLDEN.map(([, , c]) => c),
  );
});

test('decodeCapabilities respects [start, end) and appends to out', () => {
  const b = hex('ff ff 02 00 41 04 0000fde8 ee');
  const out: Capability[] = [{ kind: 'extended-message' }];
  decodeCapabilities(b, 2, b.length - 1, out);
  assert.deepStrictEqual(out, [{ kind: 'extended-message' }, { kind: 'route-refresh' }, { kind: 'four-octet-as', asn: 65000 }]);
  assert.deepStrictEqual(decodeCapabilities(b, 2, 2), []);
});

test('multiprotocol reserved octet is ignored on receipt and sent as zero', () => {
  assert.deepStrictEqual(decodeAll('01 04 0002 7f 01'), [{ kind: 'multiprotocol', afi: 2, safi: 1 }]);
  assert.equal(toHex(encodeCapability({ kind: 'multiprotocol', afi: 2, safi: 1 })), '010400020001');
});

test('graceful restart reserved flag bits are ignored; the 12-bit time is kept whole', () => {
  assert.deepStrictEqual(decodeAll('40 06 3fff 0001 01 7f'), [
    { kind: 'graceful-restart', restarting: false, notification: false, restartTime: 4095, families: [{ afi: 1, safi: 1, forwarding: false }] },
  ]);
});

test('raw values are copies, not views of the input', () => {
  const b = Buffer.from('f002dead', 'hex');
  const [c] = decodeCapabilities(b, 0, b.length);
  assert.ok(c && c.kind === 'unknown');
  b[2] = 0;
  assert.equal(toHex(c.value), 'dead');
  assert.equal(Object.getPrototypeOf(c.value), Uint8Array.prototype);
});

test('ADD-PATH with a send/receive value outside 1..3 is kept raw as not understood (RFC 7911 4)', () => {
  for (const bad of ['00', '04', 'ff']) {
    const h = `45 08 0001 01 01 0002 01 ${bad}`;
    assert.deepStrictEqual(decodeAll(h), [{ kind: 'unknown', code: CapabilityCode.AddPath, value: hex(h).subarray(2) }]);
  }
});

test('malformed FQDN is kept raw rather than failing the OPEN', () => {
  const cases = [
    '49 00', // no hostname length
    '49 01 04', // hostname overruns
    '49 05 04 686f7374', // no domain length
    '49 07 04 686f7374 02 61', // domain overruns
    '49 07 04 686f7374 00 61', // trailing octet
    '49 04 02 c328 00', // invalid UTF-8 hostname
  ];
  for (const h of cases) {
    const b = hex(h);
    assert.deepStrictEqual(decodeAll(h), [{ kind: 'unknown', code: CapabilityCode.Fqdn, value: b.subarray(2) }], h);
  }
});

test('FQDN text is UTF-8', () => {
  const c: Capability = { kind: 'fqdn', hostname: 'rtr-ü', domain: '例え.jp' };
  const b = encodeCapability(c);
  assert.equal(toHex(b), '4911' + '06' + toHex(Buffer.from('rtr-ü')) + '09' + toHex(Buffer.from('例え.jp')));
  assert.deepStrictEqual(decodeCapabilities(b, 0, b.length), [c]);
});

test('a capability with the wrong value length is OPEN Message Error / Unspecific (RFC 4271 6.2)', () => {
  const cases = [
    '01 03 0001 00', // multiprotocol needs 4
    '01 05 0001 00 01 00',
    '02 01 00', // route refresh needs 0
    '46 01 00', // enhanced route refresh needs 0
    '06 01 00', // extended message needs 0
    '41 02 fde8', // 4-octet AS needs 4
    '41 00',
    '40 00', // graceful restart needs 2 + 4n
    '40 01 00',
    '40 04 0078 0001',
    '05 04 0001 0001', // extended next hop needs 6n
    '45 03 0001 01', // ADD-PATH needs 4n
    '45 05 0001 01 03 00',
  ];
  for (const h of cases) assertOpenUnspecific(() => decodeAll(h));
});

test('a capability that overruns its parameter is OPEN Message Error / Unspecific', () => {
  assertOpenUnspecific(() => decodeAll('41 04 0000')); // value overruns
  assertOpenUnspecific(() => decodeAll('02 00 41')); // header cut after the code
  assertOpenUnspecific(() => decodeAll('f0 ff'));
  // The end bound is honoured even when the buffer goes on.
  const b = hex('41 04 0000fde8');
  assertOpenUnspecific(() => decodeCapabilities(b, 0, 5));
});

test('encodeCapability rejects values that cannot be encoded', () => {
  const bad: Capability[] = [
    { kind: 'multiprotocol', afi: 65536, safi: 1 },
    { kind: 'multiprotocol', afi: 1, safi: 256 },
    { kind: 'multiprotocol', afi: 1.5, safi: 1 },
    { kind: 'four-octet-as', asn: 2 ** 32 },
    { kind: 'four-octet-as', asn: -1 },
    { kind: 'graceful-restart', restarting: false, notification: false, restartTime: 4096, families: [] },
    { kind: 'extended-next-hop', entries: [{ afi: 1, safi: 65536, nextHopAfi: 2 }] },
    { kind: 'add-path', entries: [{ afi: 1, safi: 1, mode: 'sideways' as 'send' }] },
    // 64 entries of 4 octets: 256 > 255.
    { kind: 'add-path', entries: Array.from({ length: 64 }, () => ({ afi: 1, safi: 1, mode: 'both' as const })) },
    { kind: 'fqdn', hostname: 'h'.repeat(256), domain: '' },
    { kind: 'fqdn', hostname: 'h'.repeat(200), domain: 'd'.repeat(60) },
    { kind: 'unknown', code: 256, value: new Uint8Array(0) },
    { kind: 'unknown', code: 1, value: new Uint8Array(256) },
  ];
  for (const c of bad) assert.throws(() => encodeCapability(c), BgpEncodeError, JSON.stringify(c));
});

test('the largest values that fit are accepted', () => {
  const c: Capability = { kind: 'add-path', entries: Array.from({ length: 63 }, (_, i) => ({ afi: i, safi: 1, mode: 'send' as const })) };
  const b = encodeCapability(c);
  assert.equal(b.length, 2 + 252);
  assert.deepStrictEqual(decodeCapabilities(b, 0, b.length), [c]);
  const f: Capability = { kind: 'fqdn', hostname: 'h'.repeat(200), domain: 'd'.repeat(53) };
  assert.equal(encodeCapability(f)[1], 255);
});

test('capabilitiesOfKind filters with the right type', () => {
  const caps = decodeAll('01 04 0001 00 01 02 00 01 04 0002 00 01');
  const mp = capabilitiesOfKind(caps, 'multiprotocol');
  assert.deepStrictEqual(
    mp.map((c) => c.afi),
    [1, 2],
  );
  assert.deepStrictEqual(capabilitiesOfKind(caps, 'fqdn'), []);
});

test('property: a list of capabilities survives encode then decode', () => {
  fc.assert(
    fc.property(fc.array(capabilityArb, { maxLength: 12 }), (caps) => {
      const bytes = Buffer.concat(caps.map(encodeCapability));
      assert.deepStrictEqual(decodeCapabilities(bytes, 0, bytes.length), caps);
    }),
    { numRuns: 500 },
  );
});

test('property: any capability value either decodes or throws OPEN Message Error, and what decodes re-encodes to the same bytes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 }), (code, value) => {
      let c: Capability;
      try {
        c = decodeCapability(code, value);
      } catch (e) {
        assert.ok(e instanceof BgpDecodeError);
        assert.equal(e.errorCode, 2);
        assert.equal(e.errorSubcode, 0);
        return;
      }
      const again = encodeCapability(c);
      // Reserved bits (multiprotocol reserved octet, GR flag bits) are not kept; compare the decoded meaning.
      assert.deepStrictEqual(decodeCapabilities(again, 0, again.length), [c]);
      assert.equal(again[0], code);
    }),
    { numRuns: 2000 },
  );
});
