import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  INITIAL_LOAD_MED,
  levelWithHysteresis,
  medOfLevel,
  nearestLevel,
  nextLoadMed,
  stepsOf,
  type LoadMedSettings,
  type LoadMedState,
} from '../../src/route-policy/load-med.js';

/** Load 0..90 (say, connections) onto MED 100..1000 in steps of 100: 9 steps, each 10 connections wide. */
const S: LoadMedSettings = { low: 0, high: 90, minMed: 100, maxMed: 1000, step: 100, hysteresis: 0.5, minIntervalMs: 30_000 };

/** Feeds readings at the given times; returns the MED after each. */
function feed(s: LoadMedSettings, readings: readonly [number, number][]): { meds: (number | undefined)[]; changes: number } {
  let st: LoadMedState = INITIAL_LOAD_MED;
  const meds: (number | undefined)[] = [];
  let changes = 0;
  for (const [at, load] of readings) {
    const r = nextLoadMed(st, load, at, s);
    st = r.state;
    meds.push(r.med);
    if (r.changed) changes++;
  }
  return { meds, changes };
}

test('levels: steps from min to max, the last one cut at max', () => {
  assert.equal(stepsOf(S), 9);
  assert.deepEqual([0, 1, 8, 9].map((k) => medOfLevel(S, k)), [100, 200, 900, 1000]);
  const odd = { ...S, maxMed: 950 };
  assert.equal(stepsOf(odd), 9);
  assert.equal(medOfLevel(odd, 9), 950);
});

test('the first reading sets the nearest step at once; load outside low..high is clamped', () => {
  const cases: [number, number][] = [
    [-5, 100],
    [0, 100],
    [4, 100],
    [6, 200],
    [45, 600],
    [90, 1000],
    [700, 1000],
  ];
  for (const [load, med] of cases) {
    const r = nextLoadMed(INITIAL_LOAD_MED, load, 0, S);
    assert.equal(r.med, med, `load ${load}`);
    assert.equal(r.changed, true);
  }
  assert.equal(nearestLevel(S, 45), 5);
});

test('hysteresis 0.5: the load must reach the next step itself, not just pass the half-way boundary', () => {
  // At level 3 (centre 30); level 4's centre is 40.
  assert.equal(levelWithHysteresis(S, 3, 36), 3, 'past the boundary 35, not far enough');
  assert.equal(levelWithHysteresis(S, 3, 39.9), 3);
  assert.equal(levelWithHysteresis(S, 3, 40), 4);
  assert.equal(levelWithHysteresis(S, 3, 62), 6, 'a big rise jumps several steps at once');
  assert.equal(levelWithHysteresis(S, 3, 20.1), 3);
  assert.equal(levelWithHysteresis(S, 3, 20), 2);
  assert.equal(levelWithHysteresis(S, 3, -1), 0);
  const quarter = { ...S, hysteresis: 0.25 };
  assert.equal(levelWithHysteresis(quarter, 3, 37.4), 3);
  assert.equal(levelWithHysteresis(quarter, 3, 37.5), 4);
  const none = { ...S, hysteresis: 0 };
  assert.equal(levelWithHysteresis(none, 3, 35.1), 4, 'without hysteresis: nearest step');
  assert.equal(levelWithHysteresis(none, 3, 24.9), 2);
});

test('a load wobbling around a step boundary never changes the MED', () => {
  const readings: [number, number][] = [[0, 30]];
  for (let i = 1; i <= 200; i++) readings.push([i * 60_000, i % 2 === 0 ? 34 : 36]);
  const { meds, changes } = feed(S, readings);
  assert.equal(changes, 1, 'only the first reading');
  assert.ok(meds.every((m) => m === 400));
});

test('min-interval: a wanted change waits; the value it finally takes is the one the load asks for then', () => {
  const { meds } = feed(S, [
    [0, 10], // MED 200
    [5_000, 50], // wants 600: too soon after the first
    [29_999, 80], // wants 900: still too soon
    [30_000, 80], // 900
    [35_000, 10], // wants 200: too soon
    [60_000, 29], // 400
  ]);
  assert.deepEqual(meds, [200, 200, 200, 900, 900, 400]);
  const r = nextLoadMed({ level: 1, changedAt: 0 }, 50, 5_000, S);
  assert.equal(r.changed, false);
  assert.equal(r.reason, 'load 50 asks for MED 600; MED stays 200 for 25 s more (min-interval)');
  assert.equal(nextLoadMed({ level: 1, changedAt: 0 }, 12.5, 50_000, S).reason, 'load 12.500: MED stays 200');
  assert.equal(nextLoadMed({ level: 1, changedAt: 0 }, 300, 50_000, S).reason, 'load 300: MED 200 -> 1000');
});

test('properties: the MED stays within min..max, changes no faster than min-interval, and each change follows the load', () => {
  const settings = fc.record({
    low: fc.integer({ min: 0, max: 100 }),
    width: fc.integer({ min: 1, max: 1000 }),
    minMed: fc.integer({ min: 0, max: 1000 }),
    span: fc.integer({ min: 1, max: 5000 }),
    step: fc.integer({ min: 1, max: 2000 }),
    hysteresis: fc.double({ min: 0, max: 0.5, noNaN: true }),
    minIntervalMs: fc.integer({ min: 0, max: 60_000 }),
  });
  const readings = fc.array(fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.double({ min: -50, max: 2000, noNaN: true })), { minLength: 1, maxLength: 60 });
  fc.assert(
    fc.property(settings, readings, (p, rs) => {
      const s: LoadMedSettings = { low: p.low, high: p.low + p.width, minMed: p.minMed, maxMed: p.minMed + p.span, step: p.step, hysteresis: p.hysteresis, minIntervalMs: p.minIntervalMs };
      let st: LoadMedState = INITIAL_LOAD_MED;
      let at = 0;
      let lastChange = -Infinity;
      let med: number | undefined;
      for (const [gap, load] of rs) {
        at += gap;
        const r = nextLoadMed(st, load, at, s);
        assert.ok(r.med !== undefined && r.med >= s.minMed && r.med <= s.maxMed);
        if (r.changed) {
          if (med !== undefined) {
            assert.ok(at - lastChange >= s.minIntervalMs, 'no change before min-interval');
            // A rise in MED needs a load above the middle of the old step, and a fall one below it.
            const oldCentre = s.low + st.level! * ((s.high - s.low) / stepsOf(s));
            assert.ok(r.med > med ? load > oldCentre : load < oldCentre, `MED ${med} -> ${r.med} at load ${load}`);
          }
          lastChange = at;
        } else {
          assert.equal(r.med, med);
        }
        med = r.med;
        st = r.state;
      }
    }),
  );
});
