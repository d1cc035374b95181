import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimit, suppressedNote } from '../../src/util/rate-limit.js';

test('at most max lines per window; the first line of the next window reports how many were left out', () => {
  const rl = new RateLimit({ max: 3, intervalMs: 1000 });
  const got = Array.from({ length: 10 }, (_, i) => rl.take(i));
  assert.deepEqual(got, [0, 0, 0, -1, -1, -1, -1, -1, -1, -1]);
  // 999 ms after the window opened at 0: still the same window.
  assert.equal(rl.take(999), -1);
  assert.equal(rl.take(1000), 8);
  assert.equal(rl.take(1001), 0);
  assert.equal(rl.take(1002), 0);
  assert.equal(rl.take(1003), -1);
  assert.equal(rl.flush(), 1);
  assert.equal(rl.flush(), 0);
});

test('a quiet source never loses a line', () => {
  const rl = new RateLimit({ max: 1, intervalMs: 60_000 });
  for (let t = 0; t < 10 * 60_000; t += 60_000) assert.equal(rl.take(t), 0);
});

test('the suppressed note', () => {
  assert.equal(suppressedNote(0), '');
  assert.equal(suppressedNote(1), ' (1 similar line suppressed)');
  assert.equal(suppressedNote(7), ' (7 similar lines suppressed)');
});
