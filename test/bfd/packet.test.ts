import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { decodeControl, encodeControl, diagText, type ControlPacket } from '../../src/bfd/packet.js';
import { hex, toHex } from '../helpers/hex.js';

// Written by hand from the layout in RFC 5880 4.1: v1 diag 0, Down, mult 3,
// length 24, my discr 1, your discr 0, 1 s / 1 s / echo 0.
const DOWN = hex('20 40 03 18 | 00000001 | 00000000 | 000f4240 | 000f4240 | 00000000');
// v1 diag 1, Up + Poll, mult 3, my 0x11223344 your 0x55667788, 100 ms / 100 ms.
const UP_POLL = hex('21 e0 03 18 | 11223344 | 55667788 | 000186a0 | 000186a0 | 00000000');

const base: Omit<ControlPacket, 'version'> = {
  diag: 0,
  state: 'Down',
  poll: false,
  final: false,
  cpi: false,
  demand: false,
  multipoint: false,
  detectMult: 3,
  myDiscr: 1,
  yourDiscr: 0,
  desiredMinTxUs: 1_000_000,
  requiredMinRxUs: 1_000_000,
  requiredMinEchoRxUs: 0,
};

test('decodes and encodes the hand-written Down packet', () => {
  const r = decodeControl(DOWN);
  assert.ok(r.ok);
  assert.deepEqual(r.packet, { version: 1, ...base, auth: undefined });
  assert.equal(toHex(encodeControl(base)), toHex(DOWN));
});

test('decodes Up with Poll, diag 1 and both discriminators', () => {
  const r = decodeControl(UP_POLL);
  assert.ok(r.ok);
  assert.equal(r.packet.state, 'Up');
  assert.equal(r.packet.poll, true);
  assert.equal(r.packet.final, false);
  assert.equal(r.packet.diag, 1);
  assert.equal(r.packet.myDiscr, 0x11223344);
  assert.equal(r.packet.yourDiscr, 0x55667788);
  assert.equal(r.packet.desiredMinTxUs, 100_000);
  assert.equal(toHex(encodeControl(r.packet)), toHex(UP_POLL));
  assert.equal(diagText(r.packet.diag), 'control detection time expired');
});

test('each flag bit sits where 4.1 puts it', () => {
  const bits: [keyof ControlPacket, number][] = [['poll', 0x20], ['final', 0x10], ['cpi', 0x08], ['demand', 0x02]];
  for (const [k, bit] of bits) assert.equal(encodeControl({ ...base, [k]: true })[1], 0x40 | bit, k);
});

test('6.8.6 stateless checks discard with a stable code', () => {
  const mutate = (f: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(DOWN);
    f(b);
    return b;
  };
  const cases: [string, Buffer, string][] = [
    ['short', DOWN.subarray(0, 23), 'short'],
    ['version 0', mutate((b) => (b[0] = 0x00)), 'version'],
    ['version 2', mutate((b) => (b[0] = 0x40)), 'version'],
    ['length 23', mutate((b) => (b[3] = 23)), 'length'],
    ['length beyond the datagram', mutate((b) => (b[3] = 25)), 'length'],
    ['detect mult 0', mutate((b) => (b[2] = 0)), 'detect-mult'],
    ['multipoint', mutate((b) => (b[1] = 0x41)), 'multipoint'],
    ['my discriminator 0', mutate((b) => b.writeUInt32BE(0, 4)), 'my-discr'],
    ['your discriminator 0 in Up', mutate((b) => (b[1] = 0xc0)), 'your-discr'],
    ['your discriminator 0 in Init', mutate((b) => (b[1] = 0x80)), 'your-discr'],
    ['A bit with no room for a section', mutate((b) => (b[1] = 0x44)), 'length'],
  ];
  for (const [name, bytes, code] of cases) {
    const r = decodeControl(bytes);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.equal(r.code, code, name);
  }
  // Your discriminator zero is fine in Down and AdminDown.
  assert.ok(decodeControl(mutate((b) => (b[1] = 0x00))).ok);
  // Trailing octets beyond the length field are ignored (the length field rules).
  assert.ok(decodeControl(Buffer.concat([DOWN, Buffer.alloc(4)])).ok);
});

test('keyed SHA1 section: layout of 4.4, hash over the packet with the key in place', () => {
  // Header with A bit and length 52, then type 4, len 28, key id 7, reserved, seq 5, key padded to 20.
  const withKey = hex(`20 44 03 34 | 00000001 | 00000000 | 000f4240 | 000f4240 | 00000000 | 04 1c 07 00 | 00000005 | ${Buffer.from('secret').toString('hex').padEnd(40, '0')}`);
  const hash = createHash('sha1').update(withKey).digest();
  const wire = Buffer.concat([withKey.subarray(0, 32), hash]);
  const r = decodeControl(wire);
  assert.ok(r.ok);
  assert.deepEqual(r.packet.auth, { type: 'keyed-sha1', keyId: 7, seq: 5, digest: hash });
  assert.equal(toHex(encodeControl(r.packet)), toHex(wire));
});

test('simple password and meticulous SHA1 sections decode; bad auth lengths and types are discarded', () => {
  const simple = hex(`20 44 03 1d | 00000001 | 00000000 | 000f4240 | 000f4240 | 00000000 | 01 05 02 ${Buffer.from('ab').toString('hex')}`);
  const r = decodeControl(simple);
  assert.ok(r.ok);
  assert.deepEqual(r.packet.auth, { type: 'simple', keyId: 2, password: Buffer.from('ab') });
  const met = Buffer.concat([hex('20 44 03 34 | 00000001 | 00000000 | 000f4240 | 000f4240 | 00000000 | 05 1c 01 00 | ffffffff'), Buffer.alloc(20, 0xaa)]);
  const m = decodeControl(met);
  assert.ok(m.ok);
  assert.equal(m.packet.auth?.type, 'meticulous-keyed-sha1');
  const badLen = Buffer.from(met);
  badLen[25] = 24;
  assert.equal((decodeControl(badLen) as { code: string }).code, 'auth-length');
  const badType = Buffer.from(met);
  badType[24] = 9;
  assert.equal((decodeControl(badType) as { code: string }).code, 'auth-type');
});

test('round trip of any valid packet (property)', () => {
  const state = fc.constantFrom('AdminDown', 'Down', 'Init', 'Up' as const);
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(
    fc.property(state, fc.integer({ min: 0, max: 31 }), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 0xffffffff }), u32, u32, u32, (st, diag, poll, final, mult, my, your, tx, rx) => {
      const p = { ...base, state: st, diag, poll, final, detectMult: mult, myDiscr: my, yourDiscr: st === 'Up' || st === 'Init' ? your || 1 : your, desiredMinTxUs: tx, requiredMinRxUs: rx };
      const r = decodeControl(encodeControl(p));
      assert.ok(r.ok);
      assert.deepEqual(r.packet, { version: 1, ...p, auth: undefined });
    }),
  );
});

test('never throws on arbitrary bytes (property)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => void decodeControl(b)));
});
