import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COMMUNITY_NAMES, formatCommunity, formatLargeCommunity, parseCommunity, parseLargeCommunity } from '../../src/config/index.js';

test('well-known community names map to their RFC values', () => {
  const values: [string, number][] = [
    ['no-export', 0xffffff01],
    ['no-advertise', 0xffffff02],
    ['no-export-subconfed', 0xffffff03],
    ['graceful-shutdown', 0xffff0000],
    ['blackhole', 0xffff029a],
  ];
  for (const [name, value] of values) {
    assert.deepEqual(parseCommunity(name), { ok: true, value });
    assert.equal(formatCommunity(value), name);
    assert.equal(COMMUNITY_NAMES[name], value);
  }
});

test('"a:b" communities: edges and refusals', () => {
  assert.deepEqual(parseCommunity('0:0'), { ok: true, value: 0 });
  assert.deepEqual(parseCommunity('65000:1'), { ok: true, value: 0xfde80001 });
  assert.deepEqual(parseCommunity('65535:65535'), { ok: true, value: 0xffffffff });
  for (const bad of ['65536:0', '1:65536', '1', '1:2:3', ':1', '1:', '-1:1', '1.5:1', 'a:b', ' 1:1', 'NO-EXPORT']) {
    const r = parseCommunity(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.error, /\(expected "a:b" with a and b in 0\.\.65535/);
  }
});

test('large communities: edges and refusals', () => {
  assert.deepEqual(parseLargeCommunity('4294967295:0:4294967295'), { ok: true, value: { global: 0xffffffff, local1: 0, local2: 0xffffffff } });
  for (const bad of ['4294967296:0:0', '1:2', '1:2:3:4', '1::3', 'a:1:2']) {
    const r = parseLargeCommunity(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.error, /expected "a:b:c"/);
  }
});

test('community text round-trips through parse and format', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (hi, lo) => {
      const r = parseCommunity(`${hi}:${lo}`);
      assert.ok(r.ok);
      assert.equal(r.value, hi * 65536 + lo);
      const again = parseCommunity(formatCommunity(r.value));
      assert.deepEqual(again, r);
    }),
  );
  fc.assert(
    fc.property(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), ([g, a, b]) => {
      const r = parseLargeCommunity(`${g}:${a}:${b}`);
      assert.ok(r.ok);
      assert.equal(formatLargeCommunity(r.value), `${g}:${a}:${b}`);
    }),
  );
});
