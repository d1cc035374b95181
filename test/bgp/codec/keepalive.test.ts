import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BgpDecodeError } from '../../../src/bgp/codec/errors.js';
import { decodeKeepalive } from '../../../src/bgp/codec/keepalive.js';

test('an empty KEEPALIVE body decodes (RFC 4271 4.4)', () => {
  const msg = new Uint8Array(19).fill(0xff);
  assert.deepStrictEqual(decodeKeepalive(msg, 19, 19), { type: 'keepalive' });
  assert.deepStrictEqual(decodeKeepalive(new Uint8Array(0), 0, 0), { type: 'keepalive' });
});

test('a KEEPALIVE with a body is Bad Message Length with the length field as data (RFC 4271 6.1)', () => {
  for (const [n, data] of [
    [1, '0014'],
    [2, '0015'],
    [4077, '1000'],
  ] as const) {
    const buf = new Uint8Array(19 + n + 3);
    assert.throws(
      () => decodeKeepalive(buf, 19, 19 + n),
      (e: unknown) => e instanceof BgpDecodeError && e.errorCode === 1 && e.errorSubcode === 2 && Buffer.from(e.data).toString('hex') === data,
    );
  }
});
