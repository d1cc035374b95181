import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Framer } from '../../../src/bgp/codec/framer.js';
import { BgpDecodeError } from '../../../src/bgp/codec/errors.js';
import { hex, msg, toHex } from '../../helpers/hex.js';

const keepalive = msg(4, '');
const update = msg(2, '0000 0000');
const notification = msg(3, '0602 0b6d61696e74656e616e6365');
const stream = Buffer.concat([keepalive, update, notification, keepalive]);

const collect = (f: Framer, chunks: Buffer[]): string[] => {
  const out: string[] = [];
  for (const c of chunks) f.push(c, (m) => out.push(toHex(m)));
  return out;
};

test('a stream in one chunk yields every message as a view of the chunk', () => {
  const views: Buffer[] = [];
  new Framer().push(stream, (m) => views.push(m));
  assert.deepEqual(views.map(toHex), [keepalive, update, notification, keepalive].map(toHex));
  for (const v of views) assert.equal(v.buffer, stream.buffer, 'no copy when the chunk holds the message');
});

test('splitting the stream at every byte offset, into two and three chunks, yields the same messages', () => {
  const want = [keepalive, update, notification, keepalive].map(toHex);
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(collect(new Framer(), [stream.subarray(0, i), stream.subarray(i)]), want, `split at ${i}`);
    for (let j = i; j <= stream.length; j += 3) {
      const f = new Framer();
      assert.deepEqual(collect(f, [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]), want, `split at ${i},${j}`);
      assert.equal(f.buffered, 0);
    }
  }
});

test('one byte at a time', () => {
  const f = new Framer();
  const out = collect(f, [...stream].map((b) => Buffer.of(b)));
  assert.equal(out.length, 4);
});

const headerError = (bytes: Buffer, subcode: number, data: string, extended = false): void => {
  const f = new Framer();
  f.extendedMessage = extended;
  assert.throws(
    () => f.push(bytes, () => undefined),
    (e: unknown) => e instanceof BgpDecodeError && e.errorCode === 1 && e.errorSubcode === subcode && toHex(e.data) === data,
  );
};

test('a marker that is not all ones is Connection Not Synchronized (RFC 4271 6.1)', () => {
  const bad = Buffer.from(keepalive);
  bad[3] = 0;
  headerError(bad, 1, '');
});

test('lengths out of bounds are Bad Message Length with the length as data', () => {
  headerError(hex('ffffffffffffffffffffffffffffffff 0012 04'), 2, '0012'); // 18 < 19
  headerError(hex('ffffffffffffffffffffffffffffffff 0014 04 00'), 2, '0014'); // KEEPALIVE must be 19
  headerError(hex('ffffffffffffffffffffffffffffffff 001c 01'), 2, '001c'); // OPEN < 29
  headerError(hex('ffffffffffffffffffffffffffffffff 0016 02'), 2, '0016'); // UPDATE < 23
  headerError(hex('ffffffffffffffffffffffffffffffff 0014 03'), 2, '0014'); // NOTIFICATION < 21
  headerError(hex('ffffffffffffffffffffffffffffffff 0016 05'), 2, '0016'); // ROUTE-REFRESH < 23
  headerError(hex('ffffffffffffffffffffffffffffffff 1001 02'), 2, '1001'); // 4097 without extended message
});

test('extended message allows UPDATEs past 4096 but never OPEN or KEEPALIVE (RFC 8654 2)', () => {
  const big = msg(2, `0000 0000 ${'18c0000201'.repeat(1000)}`);
  assert.ok(big.length > 4096);
  headerError(big, 2, big.subarray(16, 18).toString('hex'));
  const f = new Framer();
  f.extendedMessage = true;
  assert.equal(collect(f, [big.subarray(0, 100), big.subarray(100)]).length, 1);
  headerError(hex('ffffffffffffffffffffffffffffffff 1001 01'), 2, '1001', true);
});

test('an unknown type is Bad Message Type with the type as data', () => {
  headerError(hex('ffffffffffffffffffffffffffffffff 0013 06'), 3, '06');
  headerError(hex('ffffffffffffffffffffffffffffffff 0013 00'), 3, '00');
});

test('a bad header is caught even when it arrives split', () => {
  const f = new Framer();
  const bad = hex('ffffffffffffffffffffffffffffffff 0013 09');
  f.push(bad.subarray(0, 10), () => undefined);
  assert.throws(() => f.push(bad.subarray(10), () => undefined), BgpDecodeError);
});

/** The pull side: every message add() and next() find in `chunks`, as hex, with whether it was a view of its chunk. */
const pull = (f: Framer, chunks: Buffer[]): { hex: string; view: boolean }[] => {
  const out: { hex: string; view: boolean }[] = [];
  for (const c of chunks) {
    f.add(c);
    while (f.next()) out.push({ hex: toHex(f.buf.subarray(f.start, f.end)), view: f.buf === c });
  }
  return out;
};

test('add and next find the messages one at a time, in place when the chunk holds them whole', () => {
  const f = new Framer();
  f.add(stream);
  assert.equal(f.next(), true);
  assert.deepEqual([f.buf === stream, f.start, f.end], [true, 0, 19]);
  assert.equal(f.next(), true);
  assert.deepEqual([f.buf === stream, f.start, f.end], [true, 19, 19 + update.length]);
  const out = pull(new Framer(), [stream]);
  assert.deepEqual(
    out.map((m) => m.hex),
    [keepalive, update, notification, keepalive].map(toHex),
  );
  assert.ok(out.every((m) => m.view));
});

test('add and next, the stream split at every byte offset: the same messages, copied only when they span chunks', () => {
  const want = [keepalive, update, notification, keepalive].map(toHex);
  const ends = [19, 19 + update.length, 19 + update.length + notification.length, stream.length];
  for (let i = 0; i <= stream.length; i++) {
    const f = new Framer();
    const out = pull(f, [stream.subarray(0, i), stream.subarray(i)]);
    assert.deepEqual(
      out.map((m) => m.hex),
      want,
      `split at ${i}`,
    );
    const spanning = ends.map((end, k) => i > (k === 0 ? 0 : ends[k - 1]!) && i < end);
    assert.deepEqual(
      out.map((m) => !m.view),
      spanning,
      `split at ${i}: copies`,
    );
    assert.equal(f.buffered, 0);
  }
});

test('next keeps returning false once the chunk is used up, and keeps the unfinished message for the next chunk', () => {
  const f = new Framer();
  f.add(stream.subarray(0, 25));
  assert.equal(f.next(), true);
  assert.equal(f.next(), false);
  assert.equal(f.next(), false);
  assert.equal(f.buffered, 6);
  f.add(stream.subarray(25));
  const rest: string[] = [];
  while (f.next()) rest.push(toHex(f.buf.subarray(f.start, f.end)));
  assert.deepEqual(rest, [update, notification, keepalive].map(toHex));
});

test('next hands out the messages before a bad header, then throws Bad Message Type', () => {
  const f = new Framer();
  f.add(Buffer.concat([keepalive, hex('ffffffffffffffffffffffffffffffff 0013 09')]));
  assert.equal(f.next(), true);
  assert.throws(
    () => f.next(),
    (e: unknown) => e instanceof BgpDecodeError && e.errorCode === 1 && e.errorSubcode === 3,
  );
});
