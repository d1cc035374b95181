import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogRateLimit } from '../../src/util/log-rate-limit.js';

const opts = { burst: 2, totalBurst: 5, intervalMs: 1_000, maxKeys: 3 };

test('a key gets `burst` lines per interval; the next line after a pause carries the count held back', () => {
  const rl = new LogRateLimit(opts);
  assert.deepEqual(rl.hit('a', 0), { log: true, suppressed: 0 });
  assert.deepEqual(rl.hit('a', 10), { log: true, suppressed: 0 });
  for (let t = 20; t < 1_000; t += 10) assert.deepEqual(rl.hit('a', t), { log: false });
  assert.deepEqual(rl.hit('a', 1_000), { log: true, suppressed: 98 });
  assert.deepEqual(rl.hit('a', 1_001), { log: true, suppressed: 0 });
  assert.deepEqual(rl.hit('a', 1_002), { log: false });
});

test('keys are limited apart, and all of them together by totalBurst', () => {
  const rl = new LogRateLimit(opts);
  assert.equal(rl.hit('a', 0).log, true);
  assert.equal(rl.hit('a', 0).log, true);
  assert.equal(rl.hit('a', 0).log, false);
  assert.equal(rl.hit('b', 0).log, true, 'another key has its own burst');
  assert.equal(rl.hit('b', 0).log, true);
  assert.equal(rl.hit('c', 0).log, true);
  assert.equal(rl.hit('c', 0).log, false, 'five lines in all this interval');
  assert.deepEqual(rl.hit('c', 1_000), { log: true, suppressed: 1 });
});

test('memory stays bounded by maxKeys: a quiet, expired key is forgotten first, else the least recently seen', () => {
  const rl = new LogRateLimit(opts);
  rl.hit('a', 0);
  rl.hit('b', 0);
  rl.hit('b', 0);
  rl.hit('b', 0);
  rl.hit('c', 500);
  rl.hit('d', 1_100);
  assert.equal(rl.size, 3);
  // 'a' was quiet and expired, so it went; 'b' still holds a count back.
  assert.deepEqual(rl.hit('b', 1_100), { log: true, suppressed: 1 });
  for (let i = 0; i < 100; i++) rl.hit(`x${i}`, 1_200);
  assert.equal(rl.size, 3);
});
