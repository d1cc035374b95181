import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DrainControl } from '../../../src/daemon/service-routes/drain-control.js';
import { FakeClock } from '../../../src/util/clock.js';

/** Resolves to the value, or 'pending' if the promise has not settled after the microtasks ran. */
async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  let v: T | 'pending' = 'pending';
  void p.then((x) => (v = x));
  await new Promise((r) => setImmediate(r));
  return v;
}

test('a drain runs for its time, then expires; finish resolves every waiter with true, after the withdraw ran', async () => {
  const clock = new FakeClock();
  const d = new DrainControl(clock);
  assert.equal(d.active, false);
  assert.equal(d.until, undefined);
  clock.advance(100);
  const order: string[] = [];
  const first = d.begin(3000, () => {
    order.push('expired');
    d.finish(() => order.push(`withdraw, active ${d.active}`));
  });
  assert.equal(d.active, true);
  assert.equal(d.until, 3100);
  const second = d.join();
  clock.advance(2999);
  assert.deepEqual(order, []);
  assert.equal(await peek(first), 'pending');
  clock.advance(1);
  assert.deepEqual(order, ['expired', 'withdraw, active false']);
  assert.equal(await peek(first), true);
  assert.equal(await peek(second), true);
  assert.equal(d.active, false);
  assert.equal(clock.pending, 0);
});

test('cancel resolves the waiters with false and stops the timer; finish or cancel with no drain does nothing', async () => {
  const clock = new FakeClock();
  const d = new DrainControl(clock);
  let expired = false;
  const p = d.begin(3000, () => (expired = true));
  const seen: boolean[] = [];
  assert.equal(d.cancel(() => seen.push(d.active)), true);
  assert.deepEqual(seen, [false], 'the follow-up runs once the drain is over');
  assert.equal(await peek(p), false);
  clock.advance(5000);
  assert.equal(expired, false);
  assert.equal(d.cancel(), false);
  assert.equal(d.finish(() => seen.push(true)), false);
  assert.deepEqual(seen, [false]);
  assert.equal(await peek(d.join()), false, 'nothing to join: resolves as not drained');
});
