import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlicedQueue } from '../../../src/bgp/session/sliced-queue.js';

/** Items are [id, steps]: an item takes `steps` steps, each costing `costPerStepMs` of fake time. */
function harness(costPerStepMs: number) {
  let t = 0;
  const slices: (() => void)[] = [];
  const processed: string[] = [];
  const events: string[] = [];
  const left = new Map<number, number>();
  const q = new SlicedQueue<[number, number]>({
    step: ([id, steps]) => {
      t += costPerStepMs;
      if (id < 0) throw new Error('bad item');
      const n = (left.get(id) ?? steps) - 1;
      left.set(id, n);
      processed.push(`${id}.${steps - n}`);
      return n === 0;
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

test('work runs in slices no longer than the budget (checked every 16 steps)', () => {
  const h = harness(0.1);
  for (let i = 0; i < 200; i++) h.q.push([i, 1]);
  assert.equal(h.processed.length, 0, 'nothing runs synchronously inside push');
  h.runOne();
  assert.equal(h.processed.length, 64, 'the slice stops at the first clock check past 5 ms');
  let slices = 1;
  while (h.runOne()) slices++;
  assert.equal(h.processed.length, 200);
  assert.deepEqual(
    h.processed,
    [...Array(200).keys()].map((i) => `${i}.1`),
    'order kept',
  );
  assert.equal(slices, 4);
});

test('an item of many steps is split across slices, and its bytes count until it is finished', () => {
  const h = harness(1);
  h.q.push([1, 40]);
  h.q.push([2, 3]);
  assert.equal(h.q.queuedBytes, 200);
  h.runOne();
  assert.equal(h.processed.length, 16, 'a slice ends between two steps of one item');
  assert.equal(h.q.queuedBytes, 200);
  assert.equal(h.q.length, 2);
  h.runOne();
  h.runOne();
  assert.equal(h.processed.length, 43);
  assert.deepEqual(h.processed.slice(38), ['1.39', '1.40', '2.1', '2.2', '2.3']);
  assert.equal(h.q.queuedBytes, 0);
  assert.equal(h.q.length, 0);
  assert.equal(h.runOne(), false, 'no slice is scheduled once the queue is empty');
});

test('the producer is paused above high water and resumed below low water', () => {
  const h = harness(1);
  for (let i = 0; i < 15; i++) h.q.push([i, 1]);
  assert.deepEqual(h.events, ['pause']);
  while (h.runOne());
  assert.deepEqual(h.events, ['pause', 'resume']);
  assert.equal(h.q.queuedBytes, 0);
});

test('a throwing item stops the queue and reports once', () => {
  const h = harness(0);
  h.q.push([1, 1]);
  h.q.push([-1, 1]);
  h.q.push([2, 1]);
  while (h.runOne());
  assert.deepEqual(h.processed, ['1.1']);
  assert.deepEqual(h.events, ['error:bad item']);
  h.q.push([3, 1]);
  assert.equal(h.slices.length, 0, 'a stopped queue takes no more work');
});

test('an item that stops the queue from inside its step ends the slice there', () => {
  let q: SlicedQueue<number> | undefined;
  const seen: number[] = [];
  const resumed: string[] = [];
  const slices: (() => void)[] = [];
  q = new SlicedQueue<number>({
    step: (x) => {
      seen.push(x);
      if (x === 2) q!.stop();
      return true;
    },
    sizeOf: () => 600,
    sliceMs: 5,
    highWater: 1000,
    lowWater: 300,
    pause: () => resumed.push('pause'),
    resume: () => resumed.push('resume'),
    now: () => 0,
    schedule: (fn) => slices.push(fn),
    onError: () => assert.fail('no error expected'),
  });
  for (const x of [1, 2, 3]) q.push(x);
  slices.shift()!();
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(resumed, ['pause'], 'a stopped queue does not resume its (closed) producer');
  assert.equal(slices.length, 0);
});
