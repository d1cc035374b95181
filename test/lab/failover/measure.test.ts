import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { failureKind, firstServedBy, rehashResets, settledAfter, settledFor, shares, summarize } from '../../../lab/failover/measure.js';
import { parseRecords, succeeded } from '../../../lab/failover/records.js';
import type { RequestRecord } from '../../../lab/failover/records.js';

/** One request every 10 ms from t = 1000: `spec` letters name the answering instance, `!` a 500 from a, `x` a timeout, `r` a reset. */
function traffic(spec: string): RequestRecord[] {
  return [...spec].map((ch, n): RequestRecord => {
    const t = 1000 + n * 10;
    if (ch === '!') return { n, t, ms: 2, status: 500, by: 'a' };
    if (ch === 'x') return { n, t, ms: 1000, err: 'timeout' };
    if (ch === 'r') return { n, t, ms: 3, err: 'ECONNRESET' };
    return { n, t, ms: 2, status: 200, by: ch };
  });
}

test('summarize counts failures by kind and times the first and last from the event', () => {
  const s = summarize(traffic('abc!bc!xbcrbc'), 1000, 2000);
  assert.equal(s.requests, 13);
  assert.equal(s.failed, 4);
  assert.deepEqual(s.failures, { '500 from a': 2, timeout: 1, ECONNRESET: 1 });
  assert.deepEqual(s.servedBy, { a: 1, b: 4, c: 4 });
  assert.equal(s.firstFailureMs, 30);
  assert.equal(s.lastFailureMs, 100);
});

test('summarize only looks inside the window', () => {
  const s = summarize(traffic('!!abc!'), 1020, 1040);
  assert.equal(s.requests, 3);
  assert.equal(s.failed, 0);
});

test('settledAfter: time to the first request of the final clean run on the target', () => {
  // Index 5 is the last off-target request (a served it), so the run starts at index 6.
  assert.equal(settledAfter(traffic('abc!bacbcbcbc'), 1000, 2000, ['b', 'c']), 60);
  assert.equal(settledAfter(traffic('bcbcbc'), 1000, 2000, ['b', 'c']), 0, 'clean from the start');
  assert.equal(settledAfter(traffic('bcbca'), 1000, 2000, ['b', 'c']), undefined, 'still off target at the end');
  assert.equal(settledAfter(traffic('bcbcx'), 1000, 2000, ['b', 'c']), undefined, 'a failure at the end');
});

test('settledFor needs both the time and the request count of the clean run', () => {
  const rs = traffic('!!' + 'bc'.repeat(50));
  assert.equal(settledFor(rs, 1000, 2010, ['b', 'c'], 900, 50), true);
  assert.equal(settledFor(rs, 1000, 2010, ['b', 'c'], 1200, 50), false);
  assert.equal(settledFor(rs, 1000, 2010, ['b', 'c'], 900, 200), false);
});

test('firstServedBy and shares', () => {
  const rs = traffic('bcbc!bcab');
  assert.equal(firstServedBy(rs, 1000, 2000, 'a'), 70);
  assert.equal(firstServedBy(rs, 1000, 2000, 'd'), undefined);
  const s = shares(rs, 1000, 2000);
  assert.deepEqual(s, { b: 4 / 8, c: 3 / 8, a: 1 / 8 });
});

test('rehashResets counts resets alive during a FIB change, nothing else', () => {
  const rs: RequestRecord[] = [
    { n: 0, t: 1000, ms: 3, err: 'ECONNRESET' },
    { n: 1, t: 1100, ms: 3, err: 'ECONNRESET' },
    { n: 2, t: 1101, ms: 3, err: 'timeout' },
    { n: 3, t: 1102, ms: 3, status: 500, by: 'a' },
  ];
  assert.equal(rehashResets(rs, 0, 5000, [1102]), 1);
  assert.equal(rehashResets(rs, 0, 5000, [1500]), 0);
  assert.equal(rehashResets(rs, 0, 5000, [1001, 1102]), 2);
});

test('failureKind and succeeded', () => {
  assert.equal(failureKind({ n: 0, t: 0, ms: 1, err: 'ECONNREFUSED' }), 'ECONNREFUSED');
  assert.equal(failureKind({ n: 0, t: 0, ms: 1, status: 503, by: 'b' }), '503 from b');
  assert.equal(succeeded({ n: 0, t: 0, ms: 1, status: 200, by: 'b' }), true);
  assert.equal(succeeded({ n: 0, t: 0, ms: 1, status: 200, by: '' }), false);
});

test('parseRecords keeps records, skips other lines, sorts by send time', () => {
  const text = ['{"n":1,"t":20,"ms":1,"status":200,"by":"a"}', 'node warning', '{"n":0,"t":10,"ms":1000,"err":"timeout"}', '{"broken', '{"event":"x"}', ''].join('\n');
  assert.deepEqual(
    parseRecords(text).map((r) => r.n),
    [0, 1],
  );
});

test('property: recovery lies within the window and the run after it is clean on the target', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[abc!x]{1,80}$/), (spec) => {
      const rs = traffic(spec);
      const r = settledAfter(rs, 1000, 2000, ['b', 'c']);
      if (r === undefined) {
        const last = rs[rs.length - 1]!;
        assert.ok(!succeeded(last) || last.by === 'a');
        return;
      }
      assert.ok(r >= 0 && r <= 1000);
      for (const x of rs.filter((q) => q.t >= 1000 + r)) assert.ok(succeeded(x) && x.by !== 'a');
      const before = rs.filter((q) => q.t < 1000 + r);
      if (r > 0) assert.ok(!succeeded(before[before.length - 1]!) || before[before.length - 1]!.by === 'a');
    }),
  );
});
