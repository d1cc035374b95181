import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlicedQueue } from '../../../src/bgp/session/sliced-queue.js';

function harness(costPerItemMs: number) {
  let t = 0;
  const slices: (() => void)[] = [];
  const processed: number[] = [];
  const events: string[] = [];
  const q = new SlicedQueue<number>({
    process: (x) => {
      t += costPerItemMs;
      processed.push(x);
      if (x < 0) throw new Error('bad item');
    },
    sizeOf: () => 100,
    sliceMs: 5,
    highWater: 1000,
    lowWater: 300,
    pause: () => events.push('pause'),
    resume: () => events.push('resume'),
    now: () => t,
    schedule: (fn) => slices.push(fn),
    onError: (e) => events.push(`error:${(e as Error).message}`),
  });
  const runOne = (): boolean => {
    const fn = slices.shift();
    fn?.();
    return fn !== undefined;
  };
  return { q, slices, processed, events, runOne };
}

test('work runs in slices no longer than the budget (checked every 32 items)', () => {
  const h = harness(0.1);
  for (let i = 0; i < 200; i++) h.q.push(i);
  assert.equal(h.processed.length, 0, 'nothing runs synchronously inside push');
  h.runOne();
  assert.equal(h.processed.length, 64, 'the slice stops at the first clock check past 5 ms');
  let slices = 1;
  while (h.runOne()) slices++;
  assert.equal(h.processed.length, 200);
  assert.deepEqual(h.processed, [...Array(200).keys()], 'order kept');
  assert.equal(slices, 4);
});

test('the producer is paused above high water and resumed below low water', () => {
  const h = harness(1);
  for (let i = 0; i < 15; i++) h.q.push(i);
  assert.deepEqual(h.events, ['pause']);
  while (h.runOne());
  assert.deepEqual(h.events, ['pause', 'resume']);
  assert.equal(h.q.queuedBytes, 0);
});

test('a throwing item stops the queue and reports once', () => {
  const h = harness(0);
  h.q.push(1);
  h.q.push(-1);
  h.q.push(2);
  while (h.runOne());
  assert.deepEqual(h.processed, [1, -1]);
  assert.deepEqual(h.events, ['error:bad item']);
  h.q.push(3);
  assert.equal(h.slices.length, 0, 'a stopped queue takes no more work');
});
