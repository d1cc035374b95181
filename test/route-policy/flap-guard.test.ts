import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admitAnnouncement, EMPTY_HISTORY, type FlapGuardSettings, type FlapHistory } from '../../src/route-policy/flap-guard.js';

const S: FlapGuardSettings = { threshold: 3, windowMs: 60_000, holdMs: 10_000, maxHoldMs: 40_000 };

function announceAt(times: number[], h: FlapHistory = EMPTY_HISTORY) {
  const out: (true | number)[] = [];
  for (const t of times) {
    const a = admitAnnouncement(h, t, S);
    h = a.history;
    out.push(a.allowed ? true : a.until);
  }
  return { out, h };
}

test('up to the threshold within the window, announcements pass', () => {
  assert.deepEqual(announceAt([0, 1000, 2000]).out, [true, true, true]);
  assert.deepEqual(announceAt([0, 30_000, 61_000, 91_000, 122_000]).out, [true, true, true, true, true], 'spread out, never held');
});

test('one more within the window is held down; the hold-down doubles and is capped', () => {
  const { out, h } = announceAt([0, 1000, 2000, 3000]);
  assert.deepEqual(out, [true, true, true, 13_000]);
  assert.equal(admitAnnouncement(h, 12_999, S).allowed, false, 'still held');
  const again = announceAt([13_000, 14_000, 15_000, 16_000, 17_000], h);
  assert.deepEqual(again.out, [true, true, true, 36_000, 36_000], 'after the hold-down, counting starts again; the second hold-down is 20 s');
  const third = announceAt([36_000, 37_000, 38_000, 39_000], again.h);
  assert.deepEqual(third.out, [true, true, true, 79_000], 'the third is 40 s, the cap');
});

test('a prefix quiet for a whole window after a hold-down starts afresh', () => {
  const { h } = announceAt([0, 1000, 2000, 3000]); // held until 13 000, level 1
  const later = announceAt([13_000 + 60_000 + 1, 74_000, 75_000, 76_000], h);
  assert.deepEqual(later.out, [true, true, true, 86_000], 'back to the first hold-down of 10 s');
});
