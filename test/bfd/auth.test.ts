import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { acceptSequence, checkAuthConfig, signPacket, verifyAuth, UNKNOWN_SEQUENCE, type AuthConfig } from '../../src/bfd/auth.js';
import { decodeControl, type ControlPacket } from '../../src/bfd/packet.js';
import { hex, toHex } from '../helpers/hex.js';

const fields: Omit<ControlPacket, 'version' | 'auth'> = {
  diag: 0, state: 'Up', poll: false, final: false, cpi: false, demand: false, multipoint: false,
  detectMult: 3, myDiscr: 0x0a0b0c0d, yourDiscr: 0x01020304, desiredMinTxUs: 100_000, requiredMinRxUs: 100_000, requiredMinEchoRxUs: 0,
};
const sha1: AuthConfig = { type: 'meticulous-keyed-sha1', keyId: 1, key: Buffer.from('floatd-bfd') };

test('signPacket: meticulous SHA1 matches bytes built by hand from 4.4 and 6.7.4', () => {
  const keyed = hex(`20 c4 03 34 | 0a0b0c0d | 01020304 | 000186a0 | 000186a0 | 00000000 | 05 1c 01 00 | 0000002a | ${Buffer.from('floatd-bfd').toString('hex').padEnd(40, '0')}`);
  const want = Buffer.concat([keyed.subarray(0, 32), createHash('sha1').update(keyed).digest()]);
  assert.equal(toHex(signPacket(fields, sha1, 42)), toHex(want));
});

test('verifyAuth: right key passes; wrong key, key id, type, missing or unexpected section fail with their codes', () => {
  const bytes = signPacket(fields, sha1, 7);
  const p = (decodeControl(bytes) as { packet: ControlPacket }).packet;
  assert.deepEqual(verifyAuth(bytes, p, sha1), { ok: true });
  const code = (a: AuthConfig | undefined, b = bytes) => {
    const v = verifyAuth(b, (decodeControl(b) as { packet: ControlPacket }).packet, a);
    return v.ok ? 'ok' : v.code;
  };
  assert.equal(code({ ...sha1, key: Buffer.from('floatd-bfe') }), 'auth-digest');
  assert.equal(code({ ...sha1, keyId: 2 }), 'auth-key-id');
  assert.equal(code({ ...sha1, type: 'keyed-sha1' }), 'auth-type');
  assert.equal(code(undefined), 'auth-unexpected');
  const plain = signPacket(fields, { type: 'simple', keyId: 3, key: Buffer.from('pw') }, 0);
  assert.equal(plain.length, 24 + 5);
  assert.equal(code(sha1, plain), 'auth-type');
  assert.equal(code({ type: 'simple', keyId: 3, key: Buffer.from('pw') }, plain), 'ok');
  assert.equal(code({ type: 'simple', keyId: 3, key: Buffer.from('pX') }, plain), 'auth-digest');
  const none = Buffer.from('2040031800000001000000000000000000000000000000000000', 'hex').subarray(0, 24);
  assert.equal(code(sha1, none), 'auth-missing');
  // A flipped bit anywhere in the covered packet breaks the hash.
  const flipped = Buffer.from(bytes);
  flipped[17]! ^= 1;
  assert.equal(code(sha1, flipped), 'auth-digest');
});

test('acceptSequence: keyed window includes the last sequence, meticulous does not; both wrap modulo 2^32', () => {
  const first = acceptSequence(UNKNOWN_SEQUENCE, 100, 3, 'keyed-sha1');
  assert.deepEqual(first, { known: true, seq: 100 });
  assert.ok(acceptSequence(first!, 100, 3, 'keyed-sha1'));
  assert.ok(acceptSequence(first!, 109, 3, 'keyed-sha1'));
  assert.equal(acceptSequence(first!, 110, 3, 'keyed-sha1'), undefined);
  assert.equal(acceptSequence(first!, 99, 3, 'keyed-sha1'), undefined);
  assert.equal(acceptSequence(first!, 100, 3, 'meticulous-keyed-sha1'), undefined);
  assert.ok(acceptSequence(first!, 101, 3, 'meticulous-keyed-sha1'));
  const high = { known: true, seq: 0xfffffffe };
  assert.deepEqual(acceptSequence(high, 1, 1, 'meticulous-keyed-sha1'), { known: true, seq: 1 });
});

test('checkAuthConfig refuses empty or too long keys and bad key ids with ERR_BFD_AUTH', () => {
  assert.throws(() => checkAuthConfig({ ...sha1, key: Buffer.alloc(0) }), { code: 'ERR_BFD_AUTH' });
  assert.throws(() => checkAuthConfig({ ...sha1, key: Buffer.alloc(21) }), { code: 'ERR_BFD_AUTH' });
  assert.throws(() => checkAuthConfig({ type: 'simple', keyId: 1, key: Buffer.alloc(17) }), { code: 'ERR_BFD_AUTH' });
  assert.throws(() => checkAuthConfig({ ...sha1, keyId: 256 }), { code: 'ERR_BFD_AUTH' });
  checkAuthConfig(sha1);
});
