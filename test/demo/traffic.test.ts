import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hash32, pickPath, shareOf, TrafficLog } from '../../src/demo/traffic.js';

test('pickPath: no path, no pick; one path always; the same request always takes the same path', () => {
  assert.equal(pickPath([], 7), undefined);
  assert.equal(pickPath(['a'], 12345), 'a');
  fc.assert(
    fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), fc.nat(), (paths, id) => {
      const p = pickPath(paths, id);
      assert.ok(p !== undefined && paths.includes(p));
      assert.equal(pickPath(paths, id), p);
    }),
  );
});

test('pickPath spreads consecutive requests evenly over equal paths (ECMP)', () => {
  for (const n of [2, 3, 4]) {
    const paths = Array.from({ length: n }, (_, i) => i);
    const counts = new Array<number>(n).fill(0);
    const total = 3000;
    for (let id = 0; id < total; id++) counts[pickPath(paths, id)!]!++;
    for (const c of counts) assert.ok(Math.abs(c - total / n) < (total / n) * 0.1, `counts ${counts.join(',')} for ${n} paths`);
  }
  assert.notEqual(hash32(1), hash32(2));
  assert.equal(hash32(0), 0);
});

test('TrafficLog: windows by send or completion time, shares, failures by reason', () => {
  const log = new TrafficLog();
  log.add({ id: 0, sentAt: 0, doneAt: 5, instance: 'inst-1', ok: true });
  log.add({ id: 1, sentAt: 10, doneAt: 15, instance: 'inst-2', ok: true });
  log.add({ id: 2, sentAt: 20, doneAt: 820, instance: 'inst-1', ok: false, error: 'timeout' });
  log.add({ id: 3, sentAt: 30, doneAt: 30, instance: undefined, ok: false, error: 'no route' });
  log.add({ id: 4, sentAt: 40, doneAt: 41, instance: 'inst-2', ok: true });
  const all = log.window(0, 100);
  assert.equal(all.total, 5);
  assert.equal(all.ok, 3);
  assert.equal(all.failed, 2);
  assert.deepEqual([...all.failures], [['timeout', 1], ['no route', 1]]);
  assert.equal(shareOf(all, 'inst-2'), 2 / 3);
  assert.equal(shareOf(all, 'inst-3'), 0);
  const done = log.window(0, 100, 'done');
  assert.equal(done.total, 4, 'the timeout finished at 820');
  assert.equal(log.window(10, 30).total, 2, 'from inclusive, to exclusive');
  assert.equal(shareOf(log.window(500, 600), 'inst-1'), 0);
  assert.equal(log.size, 5);
});

test('TrafficLog.firstServed: the earliest finished success sent at or after the time, by instance', () => {
  const log = new TrafficLog();
  log.add({ id: 0, sentAt: 100, doneAt: 300, instance: 'inst-2', ok: true });
  log.add({ id: 1, sentAt: 110, doneAt: 120, instance: 'inst-2', ok: true });
  log.add({ id: 2, sentAt: 90, doneAt: 95, instance: 'inst-2', ok: true });
  log.add({ id: 3, sentAt: 105, doneAt: 106, instance: 'inst-2', ok: false, error: 'HTTP 503' });
  log.add({ id: 4, sentAt: 101, doneAt: 102, instance: 'inst-1', ok: true });
  assert.equal(log.firstServed(100, (n) => n !== 'inst-1')?.id, 1);
  assert.equal(log.firstServed(100, (n) => n === 'inst-1')?.id, 4);
  assert.equal(log.firstServed(200, () => true), undefined);
});
