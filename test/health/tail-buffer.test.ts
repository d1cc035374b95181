import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TailBuffer } from '../../src/health/tail-buffer.js';

test('keeps the last bytes across chunk boundaries', () => {
  const t = new TailBuffer(5);
  t.push(Buffer.from('abc'));
  assert.equal(t.text(), 'abc');
  assert.equal(t.truncated, false);
  t.push(Buffer.from('defg'));
  assert.equal(t.text(), 'cdefg');
  assert.equal(t.truncated, true);
  t.push(Buffer.from('0123456789'));
  assert.equal(t.text(), '56789');
});

test('property: the tail equals the end of everything pushed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), (limit, chunks) => {
      const t = new TailBuffer(limit);
      for (const c of chunks) t.push(Buffer.from(c));
      const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
      const want = all.subarray(Math.max(0, all.length - limit));
      assert.equal(t.text(), want.toString('utf8'));
      assert.equal(t.truncated, all.length > limit);
    }),
  );
});
