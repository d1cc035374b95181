import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allOk, noFailures, seconds, servedBy, spreadAcross, verdict, within } from '../../src/demo/checks.js';
import type { WindowStats } from '../../src/demo/traffic.js';

const stats = (served: Record<string, number>, failures: Record<string, number> = {}): WindowStats => {
  const ok = Object.values(served).reduce((a, b) => a + b, 0);
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return { total: ok + failed, ok, failed, served: new Map(Object.entries(served)), failures: new Map(Object.entries(failures)) };
};

test('noFailures passes only with zero failures and names the reasons otherwise', () => {
  assert.deepEqual(noFailures(stats({ a: 10 })), { ok: true, text: 'no failed requests (10)' });
  const v = noFailures(stats({ a: 10 }, { timeout: 3, 'HTTP 503': 1 }), 'requests during drain');
  assert.equal(v.ok, false);
  assert.equal(v.text, '4 of 14 requests during drain failed (3 timeout, 1 HTTP 503)');
});

test('spreadAcross needs every instance at or above the share; nothing served is not a spread', () => {
  assert.equal(spreadAcross(stats({ a: 30, b: 35, c: 35 }), ['a', 'b', 'c'], 0.2).ok, true);
  const skewed = spreadAcross(stats({ a: 90, b: 10 }), ['a', 'b', 'c'], 0.2);
  assert.equal(skewed.ok, false);
  assert.match(skewed.text, /a 90%, b 10%, c 0%/);
  assert.equal(spreadAcross(stats({}), ['a'], 0).ok, false);
});

test('servedBy and within', () => {
  assert.equal(servedBy(stats({ a: 95, b: 5 }), 'a', 0.95).ok, true);
  assert.equal(servedBy(stats({ a: 94, b: 6 }), 'a', 0.95).ok, false);
  assert.deepEqual(within(340, 3000, 'traffic moved'), { ok: true, text: 'traffic moved after 0.34 s' });
  assert.deepEqual(within(3200, 3000, 'traffic moved'), { ok: false, text: 'traffic moved after 3.20 s (expected within 3.00 s)' });
  assert.deepEqual(within(undefined, 3000, 'traffic moved'), { ok: false, text: 'traffic moved: did not happen' });
  assert.equal(seconds(1234), '1.23 s');
  assert.equal(allOk([verdict(true, 'x'), verdict(true, 'y')]), true);
  assert.equal(allOk([verdict(true, 'x'), verdict(false, 'y')]), false);
});
