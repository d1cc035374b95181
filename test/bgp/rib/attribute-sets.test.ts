import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Afi } from '../../../src/bgp/codec/constants.js';
import { AttributeSets } from '../../../src/bgp/rib/attribute-sets.js';
import { hex } from '../../helpers/hex.js';

// RFC 4271 4.3 attribute layout: flags | type | length | value.
const ORIGIN_IGP = '40 01 01 00';
const AS_PATH_4 = '40 02 0a | 02 02 0000fde8 0000fde9'; // AS_SEQUENCE 65000 65001, 4-octet ASNs
const NEXT_HOP = '40 03 04 c0000201'; // 192.0.2.1
const MED_100 = '80 04 04 00000064';
const COMMUNITY = 'c0 08 04 fde80001'; // 65000:1
const FIELD = hex([ORIGIN_IGP, AS_PATH_4, NEXT_HOP, MED_100, COMMUNITY].join(' '));

/** `field` inside a larger buffer, as it sits in a received UPDATE. */
const inside = (field: Buffer): { buf: Buffer; start: number; end: number } => {
  const buf = Buffer.concat([hex('ffff ffff'), field, hex('18 c00002')]);
  return { buf, start: 4, end: 4 + field.length };
};

test('a raw set is found again by its bytes, wherever they sit, and decodes on demand', () => {
  const sets = new AttributeSets();
  const a = inside(FIELD);
  assert.equal(sets.findRaw(a.buf, a.start, a.end, true), -1);
  const id = sets.addRaw(a.buf, a.start, a.end, true);
  sets.retain(id);
  assert.equal(sets.size, 1);
  assert.equal(sets.findRaw(FIELD, 0, FIELD.length, true), id, 'same bytes at another offset');
  a.buf[a.start + 3] = 1; // the received buffer is reused: the set kept its own copy
  assert.deepEqual(sets.resolve(id), {
    attributes: { origin: 0, asPath: [{ type: 2, asns: [65000, 65001] }], med: 100, communities: [0xfde80001] },
    nextHops: ['192.0.2.1'],
  });
});

test('the same bytes received with 2-octet AS numbers are another set', () => {
  const sets = new AttributeSets();
  const id = sets.addRaw(FIELD, 0, FIELD.length, true);
  sets.retain(id);
  assert.equal(sets.findRaw(FIELD, 0, FIELD.length, false), -1);
  const field2 = hex([ORIGIN_IGP, '40 02 06 | 02 02 fde8 fde9', NEXT_HOP].join(' '));
  const id2 = sets.addRaw(field2, 0, field2.length, false);
  sets.retain(id2);
  assert.deepEqual(sets.resolve(id2).attributes.asPath, [{ type: 2, asns: [65000, 65001] }]);
});

test('a set is freed with its last reference, and its id is used again', () => {
  const sets = new AttributeSets();
  const id = sets.addRaw(FIELD, 0, FIELD.length, true);
  sets.retain(id);
  sets.retain(id);
  sets.release(id);
  assert.equal(sets.refCount(id), 1);
  assert.equal(sets.findRaw(FIELD, 0, FIELD.length, true), id);
  sets.release(id);
  assert.equal(sets.size, 0);
  assert.equal(sets.findRaw(FIELD, 0, FIELD.length, true), -1);
  const other = hex([ORIGIN_IGP, AS_PATH_4, NEXT_HOP].join(' '));
  assert.equal(sets.addRaw(other, 0, other.length, true), id, 'the freed id');
});

test('decoded sets are shared by value', () => {
  const sets = new AttributeSets();
  const a = sets.intern(Afi.Ipv6, { origin: 0, med: 5 }, ['2001:db8::1']);
  const b = sets.intern(Afi.Ipv6, { med: 5, origin: 0 }, ['2001:db8::1']);
  const c = sets.intern(Afi.Ipv6, { origin: 0, med: 6 }, ['2001:db8::1']);
  assert.equal(a, b);
  assert.notEqual(a, c);
  sets.retain(a);
  sets.retain(c);
  assert.deepEqual(sets.resolve(a), { attributes: { origin: 0, med: 5 }, nextHops: ['2001:db8::1'] });
  sets.release(a);
  assert.equal(sets.size, 1);
  assert.notEqual(sets.intern(Afi.Ipv6, { origin: 0, med: 5 }, ['2001:db8::1']), c);
});

test('thousands of sets: the id space and the hash index grow, freed bytes are compacted away', () => {
  const sets = new AttributeSets();
  // Distinct 1000-octet fields (the bytes need not be valid attributes for the store itself).
  const field = (i: number): Buffer => {
    const b = Buffer.alloc(1000, i & 0xff);
    b.writeUInt32BE(i, 0);
    return b;
  };
  const ids: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    const f = field(i);
    assert.equal(sets.findRaw(f, 0, f.length, true), -1);
    const id = sets.addRaw(f, 0, f.length, true);
    sets.retain(id);
    ids.push(id);
  }
  const valid = sets.addRaw(FIELD, 0, FIELD.length, true);
  sets.retain(valid);
  const before = sets.arenaBytes;
  assert.ok(before >= 10_000 * 1000);
  for (let i = 0; i < 10_000; i++) if (i % 10 !== 0) sets.release(ids[i]!);
  assert.equal(sets.size, 1001);
  assert.ok(sets.arenaBytes < before, `compacted: ${sets.arenaBytes} < ${before}`);
  for (let i = 0; i < 10_000; i++) {
    const f = field(i);
    assert.equal(sets.findRaw(f, 0, f.length, true), i % 10 === 0 ? ids[i] : -1);
  }
  assert.equal(sets.resolve(valid).nextHops[0], '192.0.2.1');
});

test('the arena grows in chunks of up to 1 MiB, however many sets come', () => {
  const sets = new AttributeSets();
  const b = Buffer.alloc(1000);
  for (let i = 0; i < 40_000; i++) {
    b.writeUInt32BE(i, 0);
    sets.retain(sets.addRaw(b, 0, b.length, true));
  }
  // 40 MB of sets: 4 KiB, 8 KiB ... 512 KiB, then 1 MiB chunks.
  assert.ok(sets.arenaChunks >= 40 && sets.arenaChunks <= 48, `${sets.arenaChunks} chunks`);
  assert.ok(sets.arenaBytes >= 40_000_000 && sets.arenaBytes < 40_000_000 + (2 << 20), `${sets.arenaBytes} octets`);
});
