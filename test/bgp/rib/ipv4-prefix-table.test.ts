import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4PrefixTable } from '../../../src/bgp/rib/ipv4-prefix-table.js';

const A = 0xc0000200; // 192.0.2.0

test('a prefix is told apart by address and length', () => {
  const t = new Ipv4PrefixTable();
  assert.equal(t.set(A, 24, 7), -1);
  assert.equal(t.set(A, 25, 8), -1);
  assert.equal(t.get(A, 24), 7);
  assert.equal(t.get(A, 25), 8);
  assert.equal(t.get(A, 23), -1);
  assert.equal(t.size, 2);
  assert.equal(t.set(A, 24, 9), 7, 'set returns the value it replaced');
  assert.equal(t.size, 2);
  assert.equal(t.delete(A, 24), 9);
  assert.equal(t.delete(A, 24), -1, 'a second delete finds nothing');
  assert.equal(t.get(A, 25), 8);
  assert.equal(t.size, 1);
});

test('addresses with the top bit set and the default route round-trip', () => {
  const t = new Ipv4PrefixTable();
  t.set(0xffffffff, 32, 1);
  t.set(0, 0, 2);
  t.set(0x80000000, 1, 3);
  const seen: [number, number, number][] = [];
  t.forEach((addr, len, v) => seen.push([addr, len, v]));
  assert.deepEqual(
    seen.sort((x, y) => x[2] - y[2]),
    [
      [0xffffffff, 32, 1],
      [0, 0, 2],
      [0x80000000, 1, 3],
    ],
  );
});

test('a million /24s in a row, then every other one withdrawn: growing and shrinking keep every entry', () => {
  const t = new Ipv4PrefixTable();
  const n = 1 << 20;
  for (let i = 0; i < n; i++) t.set((0x01000000 + i * 256) >>> 0, 24, i);
  assert.equal(t.size, n);
  for (let i = 0; i < n; i += 2) assert.equal(t.delete((0x01000000 + i * 256) >>> 0, 24), i);
  assert.equal(t.size, n / 2);
  for (let i = 0; i < n; i++) assert.equal(t.get((0x01000000 + i * 256) >>> 0, 24), i % 2 === 0 ? -1 : i);
  for (let i = 1; i < n; i += 2) t.delete((0x01000000 + i * 256) >>> 0, 24);
  assert.equal(t.size, 0);
  let left = 0;
  t.forEach(() => left++);
  assert.equal(left, 0);
});

test('behaves like a Map under any sequence of sets and deletes', () => {
  // Few distinct keys, so the same prefix comes back, and long probe runs form.
  const key = fc.record({ addr: fc.constantFrom(0, 0x0a000000, 0x0a000100, 0xc0000200, 0xffffff00, 0x80000000), len: fc.integer({ min: 0, max: 32 }) });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key, value: fc.nat({ max: 1000 }) }),
    fc.record({ kind: fc.constant('delete' as const), key }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const t = new Ipv4PrefixTable();
      const model = new Map<string, number>();
      for (const o of ops) {
        const k = `${o.key.addr}/${o.key.len}`;
        const before = model.get(k) ?? -1;
        if (o.kind === 'set') {
          assert.equal(t.set(o.key.addr, o.key.len, o.value), before);
          model.set(k, o.value);
        } else {
          assert.equal(t.delete(o.key.addr, o.key.len), before);
          model.delete(k);
        }
        assert.equal(t.size, model.size);
      }
      const got = new Map<string, number>();
      t.forEach((addr, len, v) => got.set(`${addr}/${len}`, v));
      assert.deepEqual(got, model);
    }),
  );
});

test('clear empties the table', () => {
  const t = new Ipv4PrefixTable();
  for (let i = 0; i < 5000; i++) t.set(i * 256, 24, i);
  t.clear();
  assert.equal(t.size, 0);
  assert.equal(t.get(256, 24), -1);
});

test('behaves like a Map when thousands of prefixes come and go (resizes, wrapped probe runs)', () => {
  const op = fc.record({ del: fc.boolean(), i: fc.integer({ min: 0, max: 3000 }), value: fc.nat({ max: 1 << 30 }) });
  fc.assert(
    fc.property(fc.array(op, { minLength: 2000, maxLength: 6000 }), (ops) => {
      const t = new Ipv4PrefixTable();
      const model = new Map<number, number>();
      for (const o of ops) {
        const addr = (0xc6000000 + o.i * 256) >>> 0;
        if (o.del) {
          assert.equal(t.delete(addr, 24), model.get(addr) ?? -1);
          model.delete(addr);
        } else {
          assert.equal(t.set(addr, 24, o.value), model.get(addr) ?? -1);
          model.set(addr, o.value);
        }
      }
      for (let i = 0; i <= 3000; i++) {
        const addr = (0xc6000000 + i * 256) >>> 0;
        assert.equal(t.get(addr, 24), model.get(addr) ?? -1);
      }
      assert.equal(t.size, model.size);
    }),
    { numRuns: 30 },
  );
});
