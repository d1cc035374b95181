import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DRAIN, drainAttributes, GRACEFUL_SHUTDOWN } from '../../src/route-policy/drain.js';

test('GRACEFUL_SHUTDOWN is 65535:0 (RFC 8326 section 5)', () => {
  assert.equal(GRACEFUL_SHUTDOWN, 65535 * 65536 + 0);
  assert.equal(GRACEFUL_SHUTDOWN.toString(16), 'ffff0000');
});

test('drain attributes: the community added once, LOCAL_PREF set, everything else kept', () => {
  const a = { med: 100, prepend: 2, communities: [65000 * 65536 + 1], largeCommunities: [{ global: 65001, local1: 1, local2: 1 }], localPref: 200 };
  assert.deepEqual(drainAttributes(a, DEFAULT_DRAIN), { ...a, communities: [65000 * 65536 + 1, 0xffff0000], localPref: 0 });
  assert.deepEqual(drainAttributes({}, { timeMs: 1, localPref: 5 }), { communities: [0xffff0000], localPref: 5 });
  const twice = drainAttributes(drainAttributes(a, DEFAULT_DRAIN), DEFAULT_DRAIN);
  assert.deepEqual(twice.communities, [65000 * 65536 + 1, 0xffff0000]);
  assert.deepEqual(a.communities, [65000 * 65536 + 1], 'input not changed');
});

test('the default drain: 3 s at LOCAL_PREF 0', () => {
  assert.deepEqual(DEFAULT_DRAIN, { timeMs: 3000, localPref: 0 });
});
