import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BgpDecodeError, BgpEncodeError, ErrorAction } from '../../../src/bgp/codec/errors.js';
import { decodeRouteRefresh, encodeRouteRefresh, type RouteRefreshMessage } from '../../../src/bgp/codec/route-refresh.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const decodeHex = (h: string): RouteRefreshMessage => {
  const b = hex(h);
  return decodeRouteRefresh(b, 0, b.length);
};
const MARKER = 'ff'.repeat(16);

test('ROUTE-REFRESH golden bytes: normal, BoRR, EoRR (RFC 2918 3, RFC 7313 3.2)', () => {
  const cases: [string, Omit<RouteRefreshMessage, 'type'>][] = [
    ['0001 00 01', { afi: 1, subtype: 0, safi: 1 }],
    ['0002 01 01', { afi: 2, subtype: 1, safi: 1 }],
    ['0002 02 01', { afi: 2, subtype: 2, safi: 1 }],
    ['0001 00 80', { afi: 1, subtype: 0, safi: 128 }],
  ];
  for (const [h, m] of cases) {
    assert.deepStrictEqual(decodeHex(h), { type: 'route-refresh', ...m });
    assert.equal(toHex(encodeRouteRefresh(m)), toHex(hex(h)));
  }
});

test('unknown subtypes are decoded as they are for the caller to ignore (RFC 7313 5)', () => {
  assert.deepStrictEqual(decodeHex('0001 03 01'), { type: 'route-refresh', afi: 1, subtype: 3, safi: 1 });
  assert.deepStrictEqual(decodeHex('0001 ff 01'), { type: 'route-refresh', afi: 1, subtype: 255, safi: 1 });
  // Their layout is unknown, so extra octets are not held against them.
  assert.deepStrictEqual(decodeHex('0002 07 01 abcd'), { type: 'route-refresh', afi: 2, subtype: 7, safi: 1 });
});

test('decodeRouteRefresh reads [start, end) of a larger buffer', () => {
  const msg = hex(`${MARKER} 0017 05 0002 01 01 eeee`);
  assert.deepStrictEqual(decodeRouteRefresh(msg, 19, 23), { type: 'route-refresh', afi: 2, subtype: 1, safi: 1 });
});

test('a wrong length is Invalid Message Length with the complete message as data (RFC 7313 5)', () => {
  const cases: [string, string][] = [
    ['', `${MARKER} 0013 05`],
    ['0001', `${MARKER} 0015 05 0001`],
    ['0001 00', `${MARKER} 0016 05 000100`],
    ['0001 00 01 00', `${MARKER} 0018 05 0001000100`],
    ['0002 01 01 0000', `${MARKER} 0019 05 000201010000`],
    ['0002 02 01 ff', `${MARKER} 0018 05 00020201ff`],
  ];
  for (const [body, whole] of cases) {
    // The body sits after other bytes so the rebuilt message is not just a lucky view.
    const buf = hex(`abcdef ${body} 99`);
    assert.throws(
      () => decodeRouteRefresh(buf, 3, buf.length - 1),
      (e: unknown) => {
        assert.ok(e instanceof BgpDecodeError);
        assert.equal(e.errorCode, 7);
        assert.equal(e.errorSubcode, 1);
        assert.equal(toHex(e.data), toHex(hex(whole)));
        assert.equal(e.action, ErrorAction.SessionReset);
        return true;
      },
      body,
    );
  }
});

test('encodeRouteRefresh rejects out-of-range fields', () => {
  for (const m of [
    { afi: 65536, subtype: 0, safi: 1 },
    { afi: -1, subtype: 0, safi: 1 },
    { afi: 1, subtype: 256, safi: 1 },
    { afi: 1, subtype: 0, safi: 256 },
    { afi: 1, subtype: 0, safi: 0.5 },
  ]) {
    assert.throws(() => encodeRouteRefresh(m), BgpEncodeError, JSON.stringify(m));
  }
});

test('property: encode then decode gives the message back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (afi, subtype, safi) => {
      const b = encodeRouteRefresh({ afi, subtype, safi });
      assert.equal(b.length, 4);
      assert.deepStrictEqual(decodeRouteRefresh(b, 0, 4), { type: 'route-refresh', afi, subtype, safi });
    }),
    { numRuns: 500 },
  );
});

test('property: any body decodes or throws ROUTE-REFRESH Message Error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
      try {
        const m = decodeRouteRefresh(b, 0, b.length);
        assert.ok(b.length === 4 || m.subtype > 2);
      } catch (e) {
        assert.ok(e instanceof BgpDecodeError);
        assert.equal(e.errorCode, 7);
        assert.equal(e.data.length, 19 + b.length);
      }
    }),
    { numRuns: 500 },
  );
});
