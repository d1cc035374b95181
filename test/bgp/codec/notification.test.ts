import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CeaseSubcode,
  ErrorCode,
  FsmSubcode,
  HeaderSubcode,
  OpenSubcode,
  RouteRefreshSubcode,
  UpdateSubcode,
} from '../../../src/bgp/codec/constants.js';
import { BgpDecodeError, BgpEncodeError } from '../../../src/bgp/codec/errors.js';
import {
  decodeNotification,
  describeNotification,
  encodeNotification,
  shutdownCommunication,
  truncateUtf8,
  type NotificationMessage,
} from '../../../src/bgp/codec/notification.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const decodeHex = (h: string): NotificationMessage => {
  const b = hex(h);
  return decodeNotification(b, 0, b.length);
};

test('NOTIFICATION codes and data (RFC 4271 4.5)', () => {
  const n = decodeHex('02 02 fde9'); // OPEN / Bad Peer AS, data the AS
  assert.deepStrictEqual(n, { type: 'notification', code: 2, subcode: 2, data: hex('fde9') });
  assert.equal(toHex(encodeNotification(n)), '0202fde9');
  assert.deepStrictEqual(decodeHex('04 00'), { type: 'notification', code: 4, subcode: 0, data: new Uint8Array(0) });
  assert.equal(toHex(encodeNotification({ code: 4, subcode: 0 })), '0400');
});

test('decodeNotification reads [start, end) and copies the data', () => {
  const msg = Buffer.from('ffff' + '0602' + '03616263' + 'eeee', 'hex');
  const n = decodeNotification(msg, 2, msg.length - 2);
  assert.equal(n.shutdownMessage, 'abc');
  msg[5] = 0x7a;
  assert.equal(toHex(n.data), '03616263');
  assert.equal(Object.getPrototypeOf(n.data), Uint8Array.prototype);
});

test('RFC 9003 shutdown communication for Administrative Shutdown and Reset', () => {
  const h = '06 02 0b 6d61696e74656e616e6365'; // "maintenance"
  const n = decodeHex(h);
  assert.deepStrictEqual(n, { type: 'notification', code: 6, subcode: 2, data: hex('0b 6d61696e74656e616e6365'), shutdownMessage: 'maintenance' });
  assert.equal(describeNotification(n), 'Cease/Administrative Shutdown: "maintenance"');
  assert.equal(toHex(encodeNotification({ code: 6, subcode: 2, shutdownMessage: 'maintenance' })), toHex(hex(h)));
  // Re-encoding a decoded message sends its data unchanged.
  assert.equal(toHex(encodeNotification(n)), toHex(hex(h)));

  const reset = decodeHex('06 04 09 e69bb4e696b0e38090'); // "更新【" in UTF-8
  assert.equal(reset.shutdownMessage, '更新【');
  assert.equal(describeNotification(reset), 'Cease/Administrative Reset: "更新【"');
});

test('RFC 9003 length 0 means no text', () => {
  const n = decodeHex('06 02 00');
  assert.equal(n.shutdownMessage, '');
  assert.equal(describeNotification(n), 'Cease/Administrative Shutdown');
  assert.equal(toHex(encodeNotification({ code: 6, subcode: 2, shutdownMessage: '' })), '060200');
});

test('a bad shutdown communication is kept as raw data, never an error (RFC 9003 4, RFC 4271 6.4)', () => {
  const cases = [
    '06 02 05 6162', // length past the data
    '06 02 02 c328', // invalid UTF-8
    '06 02 03 eda080', // an encoded surrogate is not UTF-8
    '06 04 01 ff',
  ];
  for (const h of cases) {
    const n = decodeHex(h);
    assert.equal(n.shutdownMessage, undefined, h);
    assert.equal(toHex(n.data), toHex(hex(h).subarray(2)), h);
  }
  // The same bytes under another subcode are just data.
  assert.equal(decodeHex('06 03 03 616263').shutdownMessage, undefined);
  assert.equal(decodeHex('02 02 03 616263').shutdownMessage, undefined);
  // Octets after the communication do not spoil it.
  assert.equal(decodeHex('06 02 01 61 ff').shutdownMessage, 'a');
});

test('a body shorter than 2 octets is Bad Message Length with the length field as data (RFC 4271 6.1)', () => {
  for (const [h, data] of [
    ['', '0013'],
    ['06', '0014'],
  ] as const) {
    assert.throws(
      () => decodeHex(h),
      (e: unknown) => e instanceof BgpDecodeError && e.errorCode === 1 && e.errorSubcode === 2 && toHex(e.data) === data,
    );
  }
});

test('shutdown messages are truncated to 255 octets on a UTF-8 character boundary (RFC 9003 2)', () => {
  const cases: [string, number][] = [
    ['a'.repeat(300), 255],
    ['é'.repeat(200), 254], // 2 octets each: 127 fit
    ['a' + 'é'.repeat(200), 255],
    ['€'.repeat(100), 255], // 3 octets each: 85 fit exactly
    ['ab' + '€'.repeat(100), 254],
    ['a' + '€'.repeat(100), 253],
    ['😀'.repeat(70), 252], // 4 octets each: 63 fit
    ['abc' + '😀'.repeat(70), 255],
    ['ab' + '😀'.repeat(70), 254],
  ];
  for (const [text, octets] of cases) {
    const body = encodeNotification({ code: 6, subcode: 2, shutdownMessage: text });
    assert.equal(body[2], octets, text.slice(0, 6));
    assert.equal(body.length, 3 + octets);
    const n = decodeNotification(body, 0, body.length);
    assert.ok(n.shutdownMessage !== undefined && text.startsWith(n.shutdownMessage));
    assert.equal(Buffer.byteLength(n.shutdownMessage), octets);
  }
  assert.equal(toHex(shutdownCommunication('x'.repeat(255))).slice(0, 2), 'ff');
  assert.equal(toHex(shutdownCommunication('é')), '02c3a9');
});

test('truncateUtf8', () => {
  assert.equal(toHex(truncateUtf8('é€', 4)), 'c3a9');
  assert.equal(toHex(truncateUtf8('é€', 5)), 'c3a9e282ac');
  assert.equal(toHex(truncateUtf8('😀', 3)), '');
  assert.equal(toHex(truncateUtf8('abc', 0)), '');
  // A lone surrogate cannot be sent; it becomes U+FFFD.
  assert.equal(toHex(truncateUtf8('\ud800', 10)), 'efbfbd');
});

test('property: any shutdown message encodes to valid RFC 9003 data that decodes to a prefix of it', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(2, 4), (text, subcode) => {
      const body = encodeNotification({ code: 6, subcode, shutdownMessage: text });
      assert.ok(body.length <= 2 + 1 + 255);
      const n = decodeNotification(body, 0, body.length);
      assert.ok(n.shutdownMessage !== undefined);
      const wellFormed = Buffer.from(text, 'utf8').toString('utf8');
      assert.ok(wellFormed.startsWith(n.shutdownMessage));
      if (Buffer.byteLength(wellFormed) <= 255) assert.equal(n.shutdownMessage, wellFormed);
    }),
    { numRuns: 1000 },
  );
});

test('property: encode then decode gives code, subcode and data back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), (code, subcode, data) => {
      const body = encodeNotification({ code, subcode, data });
      const n = decodeNotification(body, 0, body.length);
      assert.equal(n.code, code);
      assert.equal(n.subcode, subcode);
      assert.deepStrictEqual(n.data, data);
      assert.equal(toHex(encodeNotification(n)), toHex(body));
    }),
    { numRuns: 500 },
  );
});

test('property: decoding never throws for bodies of 2 octets or more', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 2, maxLength: 300 }), (b) => {
      const n = decodeNotification(b, 0, b.length);
      assert.equal(n.data.length, b.length - 2);
    }),
    { numRuns: 1000 },
  );
});

test('encodeNotification: raw data wins over shutdownMessage; bad input throws', () => {
  assert.equal(toHex(encodeNotification({ code: 6, subcode: 2, data: hex('0161'), shutdownMessage: 'ignored' })), '06020161');
  assert.throws(() => encodeNotification({ code: 6, subcode: 3, shutdownMessage: 'x' }), BgpEncodeError);
  assert.throws(() => encodeNotification({ code: 2, subcode: 2, shutdownMessage: 'x' }), BgpEncodeError);
  assert.throws(() => encodeNotification({ code: 256, subcode: 0 }), BgpEncodeError);
  assert.throws(() => encodeNotification({ code: 6, subcode: -1 }), BgpEncodeError);
  assert.throws(() => encodeNotification({ code: 6, subcode: 1.5 }), BgpEncodeError);
});

test('describeNotification names', () => {
  const cases: [number, number, string][] = [
    [1, 1, 'Message Header Error/Connection Not Synchronized'],
    [1, 2, 'Message Header Error/Bad Message Length'],
    [2, 0, 'OPEN Message Error/Unspecific'],
    [2, 7, 'OPEN Message Error/Unsupported Capability'],
    [2, 11, 'OPEN Message Error/Role Mismatch'],
    [3, 11, 'UPDATE Message Error/Malformed AS_PATH'],
    [4, 0, 'Hold Timer Expired'],
    [5, 2, 'Finite State Machine Error/Receive Unexpected Message in OpenConfirm State'],
    [6, 0, 'Cease'],
    [6, 9, 'Cease/Hard Reset'],
    [6, 99, 'Cease/subcode 99'],
    [7, 1, 'ROUTE-REFRESH Message Error/Invalid Message Length'],
    [8, 0, 'Send Hold Timer Expired'],
    [42, 1, 'error code 42/subcode 1'],
  ];
  for (const [code, subcode, text] of cases) assert.equal(describeNotification({ code, subcode }), text);
  // The peer's text is quoted so it cannot forge a log line.
  assert.equal(
    describeNotification({ code: 6, subcode: 2, shutdownMessage: 'a "b"\nc' }),
    'Cease/Administrative Shutdown: "a \\"b\\"\\nc"',
  );
});

test('describeNotification has a name for every code and subcode in constants', () => {
  const tables: [number, Record<string, number>][] = [
    [ErrorCode.MessageHeader, HeaderSubcode],
    [ErrorCode.OpenMessage, OpenSubcode],
    [ErrorCode.UpdateMessage, UpdateSubcode],
    [ErrorCode.Fsm, FsmSubcode],
    [ErrorCode.Cease, CeaseSubcode],
    [ErrorCode.RouteRefresh, RouteRefreshSubcode],
  ];
  for (const code of Object.values(ErrorCode)) {
    const text = describeNotification({ code, subcode: 0 });
    assert.ok(!text.startsWith('error code'), text);
  }
  for (const [code, subcodes] of tables) {
    for (const subcode of Object.values(subcodes)) {
      const text = describeNotification({ code, subcode });
      assert.ok(!text.includes('subcode') && !text.startsWith('error code'), text);
    }
  }
});

test('Cease / Maximum Number of Prefixes Reached shows its RFC 4486 4 data: AFI, SAFI, limit', () => {
  assert.equal(describeNotification({ code: 6, subcode: 1, data: Uint8Array.from([0, 2, 1, 0, 3, 0xd0, 0x90]) }), 'Cease/Maximum Number of Prefixes Reached (AFI 2, SAFI 1, limit 250000)');
  assert.equal(describeNotification({ code: 6, subcode: 1, data: new Uint8Array(0) }), 'Cease/Maximum Number of Prefixes Reached');
});
