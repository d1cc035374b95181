import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalWire, isInZone, nameKey, parseName, readName, writeName } from '../../src/dns/name.js';
import { Reader } from '../../src/dns/reader.js';
import { Writer } from '../../src/dns/writer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('a name is written as length-prefixed labels, and a repeated suffix as a pointer (RFC 1035 4.1.4)', () => {
  const w = new Writer();
  w.u16(0); // so the first name starts at offset 2
  writeName(w, 'www.Example.test.');
  writeName(w, 'mail.Example.test');
  writeName(w, 'Example.test');
  // 03 'www' 07 'Example' 04 'test' 00 | 04 'mail' C0 06 | C0 06
  const want = '0000' + '03777777' + '074578616d706c65' + '0474657374' + '00' + '046d61696c' + 'c006' + 'c006';
  assert.equal(hex(w.done()), want);
  const r = new Reader(w.done(), 2);
  assert.deepEqual([readName(r), readName(r), readName(r)], ['www.Example.test', 'mail.Example.test', 'Example.test']);
  assert.equal(r.pos, w.len);
});

test('the root and escaped bytes', () => {
  const w = new Writer();
  writeName(w, '.');
  writeName(w, 'a\\.b.c\\032d');
  assert.equal(hex(w.done()), '00' + '03612e62' + '03632064' + '00');
  const r = new Reader(w.done());
  assert.equal(readName(r), '.');
  assert.equal(readName(r), 'a\\.b.c\\032d');
});

test('canonical form is lower case and uncompressed (RFC 4034 6.2), as TSIG digests it', () => {
  assert.equal(hex(canonicalWire('Key.EXAMPLE.')), '036b6579076578616d706c6500');
  assert.equal(nameKey('WWW.Example.Test.'), 'www.example.test');
  assert.ok(isInZone('a.B.example.test', 'Example.TEST.'));
  assert.ok(isInZone('example.test', 'example.test'));
  assert.ok(!isInZone('example.testing', 'test'));
  assert.ok(!isInZone('test', 'example.test'));
});

test('bad names are errors with ERR_DNS_NAME', () => {
  for (const bad of ['a..b', 'x'.repeat(64) + '.test', Array(130).fill('ab').join('.'), 'a b', 'trailing\\']) {
    assert.throws(() => parseName(bad), (e: Error & { code?: string }) => e.code === 'ERR_DNS_NAME', bad);
  }
});

test('decoding refuses pointer loops, forward pointers, reserved label types and overruns', () => {
  const cases: [string, RegExp][] = [
    ['c000', /does not point backwards/], // points at itself
    ['0161c000', /does not point backwards/], // label then pointer to its own start
    ['c002' + '0161' + '00', /does not point backwards/], // forward pointer
    ['80', /unknown label type/],
    ['0561', /ends inside a label/],
    ['01', /ends inside a label/],
    ['c0', /ends inside a name pointer/],
    ['', /ends inside a name/],
  ];
  for (const [h, re] of cases) {
    assert.throws(() => readName(new Reader(Buffer.from(h, 'hex'))), re, h);
  }
  // A chain of backward pointers is fine: 'a' at 0, then 'b' + pointer to it, then a pointer to that.
  const buf = Buffer.from('016100' + '0162c000' + 'c003', 'hex');
  assert.equal(readName(new Reader(buf, 7)), 'b.a');
});

const label = fc
  .array(fc.oneof(fc.constantFrom(...'abcXYZ019-_'.split('')), fc.integer({ min: 0, max: 255 }).map((b) => `\\${String(b).padStart(3, '0')}`)), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));
const name = fc.array(label, { minLength: 0, maxLength: 6 }).map((ls) => ls.join('.'));

test('property: any list of names survives encode+decode with compression, and compression never grows the message', () => {
  fc.assert(
    fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), (names) => {
      const w = new Writer();
      for (const n of names) writeName(w, n);
      const plain = new Writer();
      for (const n of names) writeName(plain, n, false);
      assert.ok(w.len <= plain.len);
      const r = new Reader(w.done());
      const back = names.map(() => readName(r));
      assert.equal(r.pos, w.len);
      // Decoding gives the canonical escape form; compare as wire labels.
      assert.deepEqual(back.map((n) => hex(canonicalWire(n))), names.map((n) => hex(canonicalWire(n))));
      assert.deepEqual(back.map((n) => parseName(n).map(hex)), names.map((n) => parseName(n).map(hex)));
    }),
    { numRuns: 300 },
  );
});

test('property: decoding random bytes never throws anything but a format error and always ends', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(63), (bytes, at) => {
      try {
        readName(new Reader(bytes, Math.min(at, bytes.length)));
      } catch (e) {
        assert.equal((e as { code?: string }).code, 'ERR_DNS_FORMAT');
      }
    }),
    { numRuns: 2000 },
  );
});
