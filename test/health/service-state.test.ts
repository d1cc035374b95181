import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  initialServiceState,
  paceOf,
  SERVICE_STATES,
  stepService,
  type ServiceInput,
  type ServiceState,
  type ServiceStateName,
  type Thresholds,
} from '../../src/health/service-state.js';

const T: Thresholds = { rise: 3, fall: 2 };
const ok = (at = 1, detail = 'ok'): ServiceInput => ({ kind: 'result', ok: true, at, detail });
const bad = (at = 1, detail = 'bad'): ServiceInput => ({ kind: 'result', ok: false, at, detail });
const certain = (at = 1): ServiceInput => ({ kind: 'result', ok: false, at, detail: 'pid 42 is gone', certain: true });
const disable = (on: boolean, source = 'operator', at = 1): ServiceInput => ({ kind: 'disable', source, on, at });
const stop = (at = 1): ServiceInput => ({ kind: 'stop', at, reason: 'SIGTERM' });

/** Runs inputs from INIT; returns the final state and the names of the states passed through. */
function drive(inputs: readonly ServiceInput[], t: Thresholds = T, from: ServiceState = initialServiceState(0)) {
  let s = from;
  const path: string[] = [];
  for (const i of inputs) {
    const step = stepService(s, i, t);
    s = step.state;
    if (step.transition) path.push(step.transition.to);
  }
  return { s, path };
}

/** A state of each name, reached the ordinary way (with T). */
const reach: Record<ServiceStateName, readonly ServiceInput[]> = {
  INIT: [],
  RISING: [ok()],
  UP: [ok(), ok(), ok()],
  FALLING: [ok(), ok(), ok(), bad()],
  DOWN: [bad(), bad()],
  DISABLED: [ok(), ok(), ok(), disable(true)],
  STOPPING: [stop()],
};
const stateOf = (name: ServiceStateName): ServiceState => {
  const { s } = drive(reach[name]);
  assert.equal(s.name, name);
  return s;
};

test('initial state is INIT, not serving, nothing counted', () => {
  const s = initialServiceState(123);
  assert.deepEqual(s, { name: 'INIT', since: 123, successes: 0, failures: 0, serving: false, disabledBy: [], transitions: 0 });
});

// Next state for each (state, input) with rise 3, fall 2, from the states above.
const TABLE: Record<ServiceStateName, Record<'ok' | 'bad' | 'certain' | 'disable' | 'enable' | 'stop', ServiceStateName>> = {
  INIT: { ok: 'RISING', bad: 'FALLING', certain: 'DOWN', disable: 'DISABLED', enable: 'INIT', stop: 'STOPPING' },
  RISING: { ok: 'RISING', bad: 'DOWN', certain: 'DOWN', disable: 'DISABLED', enable: 'RISING', stop: 'STOPPING' },
  UP: { ok: 'UP', bad: 'FALLING', certain: 'DOWN', disable: 'DISABLED', enable: 'UP', stop: 'STOPPING' },
  FALLING: { ok: 'UP', bad: 'DOWN', certain: 'DOWN', disable: 'DISABLED', enable: 'FALLING', stop: 'STOPPING' },
  DOWN: { ok: 'RISING', bad: 'DOWN', certain: 'DOWN', disable: 'DISABLED', enable: 'DOWN', stop: 'STOPPING' },
  DISABLED: { ok: 'DISABLED', bad: 'DISABLED', certain: 'DISABLED', disable: 'DISABLED', enable: 'INIT', stop: 'STOPPING' },
  STOPPING: { ok: 'STOPPING', bad: 'STOPPING', certain: 'STOPPING', disable: 'STOPPING', enable: 'STOPPING', stop: 'STOPPING' },
};

test('every state x input goes where the table says, with a transition only on a change of name', () => {
  const inputs = { ok: ok(5), bad: bad(5), certain: certain(5), disable: disable(true, 'operator', 5), enable: disable(false, 'operator', 5), stop: stop(5) };
  for (const name of SERVICE_STATES) {
    for (const [key, input] of Object.entries(inputs) as [keyof typeof inputs, ServiceInput][]) {
      const from = stateOf(name);
      const step = stepService(from, input, T);
      const want = TABLE[name][key];
      assert.equal(step.state.name, want, `${name} + ${key}`);
      if (want === name) {
        assert.equal(step.transition, undefined, `${name} + ${key}: no transition`);
        assert.equal(step.state.since, from.since, `${name} + ${key}: since kept`);
      } else {
        assert.equal(step.transition?.from, name);
        assert.equal(step.transition?.to, want);
        assert.equal(step.transition?.at, 5);
        assert.equal(step.state.since, 5);
        assert.equal(step.state.transitions, from.transitions + 1);
      }
    }
  }
});

test('rise: INIT -> RISING -> UP after exactly `rise` passes in a row', () => {
  const { s, path } = drive([ok(1), ok(2), ok(3)]);
  assert.deepEqual(path, ['RISING', 'UP']);
  assert.equal(s.serving, true);
  assert.equal(s.since, 3);
  assert.equal(drive([ok(), ok()]).s.name, 'RISING');
  assert.equal(drive([ok(), ok()]).s.successes, 2);
});

test('fall: UP -> FALLING (still serving) -> DOWN after exactly `fall` failures in a row', () => {
  const up = stateOf('UP');
  const one = stepService(up, bad(10, 'refused'), T);
  assert.equal(one.state.name, 'FALLING');
  assert.equal(one.state.serving, true);
  assert.equal(one.transition?.reason, 'check failed (1/2): refused');
  const two = stepService(one.state, bad(11, 'refused'), T);
  assert.equal(two.state.name, 'DOWN');
  assert.equal(two.state.serving, false);
  assert.deepEqual(
    { ...two.transition },
    { from: 'FALLING', to: 'DOWN', reason: '2 checks failed in a row: refused', at: 11, wasServing: true, serving: false },
  );
});

test('a pass while FALLING from UP returns to UP at once', () => {
  const { s, path } = drive([...reach.UP, bad(), ok()]);
  assert.deepEqual(path, ['RISING', 'UP', 'FALLING', 'UP']);
  assert.equal(s.failures, 0);
});

test('a first failure from INIT is FALLING but not serving, and then needs the full rise', () => {
  const { s: falling } = drive([bad()]);
  assert.equal(falling.name, 'FALLING');
  assert.equal(falling.serving, false);
  const { path } = drive([ok(), ok(), ok()], T, falling);
  assert.deepEqual(path, ['RISING', 'UP']);
  assert.deepEqual(drive([bad(), bad()]).path, ['FALLING', 'DOWN']);
});

test('rise 1 and fall 1 go straight to UP and DOWN', () => {
  const one = { rise: 1, fall: 1 };
  assert.deepEqual(drive([ok()], one).path, ['UP']);
  assert.deepEqual(drive([bad()], one).path, ['DOWN']);
  assert.deepEqual(drive([ok(), bad(), ok()], one).path, ['UP', 'DOWN', 'UP']);
  const reason = stepService(initialServiceState(0), ok(1, 'tcp ok'), one).transition?.reason;
  assert.equal(reason, 'check passed: tcp ok');
});

test('nonsense thresholds act as 1', () => {
  assert.deepEqual(drive([ok()], { rise: 0, fall: Number.NaN }).path, ['UP']);
  assert.deepEqual(drive([bad()], { rise: -3, fall: 0.5 }).path, ['DOWN']);
});

test('a failure while RISING drops back to DOWN and the count starts again', () => {
  const { s, path } = drive([bad(), bad(), ok(), ok(), bad(), ok(), ok()]);
  assert.deepEqual(path, ['FALLING', 'DOWN', 'RISING', 'DOWN', 'RISING']);
  assert.equal(s.successes, 2);
});

test('DOWN stays DOWN without a transition on more failures (no UPDATE per check)', () => {
  const down = stateOf('DOWN');
  for (let i = 0; i < 5; i++) {
    const step = stepService(down, bad(100 + i), T);
    assert.equal(step.transition, undefined);
    assert.deepEqual(step.effects, []);
    assert.equal(step.state.since, down.since);
  }
});

test('a certain failure (event-driven probe) goes to DOWN from every live state', () => {
  for (const name of ['INIT', 'RISING', 'UP', 'FALLING'] as const) {
    const step = stepService(stateOf(name), certain(9), T);
    assert.equal(step.state.name, 'DOWN', name);
    assert.equal(step.transition?.reason, 'event: pid 42 is gone');
    assert.equal(step.state.serving, false);
  }
});

test('disabled: entered from any live state, checks ignored, INIT again when the last source clears', () => {
  for (const name of ['INIT', 'RISING', 'UP', 'FALLING', 'DOWN'] as const) {
    const d = stepService(stateOf(name), disable(true, 'file /x', 7), T);
    assert.equal(d.state.name, 'DISABLED');
    assert.equal(d.state.serving, false);
    assert.equal(d.transition?.reason, 'disabled by file /x');
    assert.equal(d.transition?.wasServing, name === 'UP' || name === 'FALLING');
  }
  const { s, path } = drive([
    ...reach.UP,
    disable(true, 'file /x'),
    disable(true, 'operator'),
    disable(true, 'operator'),
    ok(),
    bad(),
    certain(),
    disable(false, 'file /x'),
  ]);
  assert.deepEqual(path, ['RISING', 'UP', 'DISABLED']);
  assert.equal(s.name, 'DISABLED');
  assert.deepEqual(s.disabledBy, ['operator']);
  const back = stepService(s, disable(false, 'operator', 50), T);
  assert.equal(back.state.name, 'INIT');
  assert.equal(back.transition?.reason, 'enabled: operator cleared');
  assert.deepEqual(back.state.disabledBy, []);
  assert.deepEqual(back.effects, [{ kind: 'pace', pace: 'fast' }]);
  // Back from maintenance, the service proves itself again.
  assert.deepEqual(drive([ok(), ok(), ok()], T, back.state).path, ['RISING', 'UP']);
});

test('disabling sources are kept sorted and without duplicates; clearing an unknown source changes nothing', () => {
  const { s } = drive([disable(true, 'b'), disable(true, 'a'), disable(true, 'b')]);
  assert.deepEqual(s.disabledBy, ['a', 'b']);
  const same = stepService(stateOf('UP'), disable(false, 'nobody'), T);
  assert.equal(same.state.name, 'UP');
  assert.equal(same.transition, undefined);
});

test('stop is final: STOPPING from every state, not serving, later inputs ignored', () => {
  for (const name of SERVICE_STATES) {
    const from = stateOf(name);
    const step = stepService(from, stop(20), T);
    assert.equal(step.state.name, 'STOPPING');
    assert.equal(step.state.serving, false);
    if (name !== 'STOPPING') {
      assert.equal(step.transition?.reason, 'stop: SIGTERM');
      assert.deepEqual(step.effects, [{ kind: 'pace', pace: 'stopped' }]);
    }
    for (const i of [ok(), bad(), certain(), disable(true), disable(false), stop()]) {
      const after = stepService(step.state, i, T);
      assert.equal(after.state, step.state);
      assert.equal(after.transition, undefined);
    }
  }
});

test('pace: fast while settling, normal when settled, stopped at the end; effects only on a change of pace', () => {
  assert.deepEqual(
    SERVICE_STATES.map((n) => paceOf(n)),
    ['fast', 'fast', 'normal', 'fast', 'normal', 'normal', 'stopped'],
  );
  const toRising = stepService(initialServiceState(0), ok(), T);
  assert.deepEqual(toRising.effects, []);
  const toUp = drive([ok(), ok()]).s;
  assert.deepEqual(stepService(toUp, ok(), T).effects, [{ kind: 'pace', pace: 'normal' }]);
  assert.deepEqual(stepService(stateOf('UP'), bad(), T).effects, [{ kind: 'pace', pace: 'fast' }]);
});

test('transition times are recorded so a flap guard can be computed outside', () => {
  let s = initialServiceState(0);
  const times: number[] = [];
  const inputs = [ok(100), ok(600), ok(1100), bad(3100), bad(3600), ok(5600), ok(6100), ok(6600)];
  for (const i of inputs) {
    const step = stepService(s, i, T);
    s = step.state;
    if (step.transition) times.push(step.transition.at);
  }
  assert.deepEqual(times, [100, 1100, 3100, 3600, 5600, 6600]);
  assert.equal(s.transitions, 6);
  assert.equal(s.since, 6600);
});

const inputArb: fc.Arbitrary<ServiceInput> = fc.oneof(
  { weight: 6, arbitrary: fc.boolean().map((b): ServiceInput => ({ kind: 'result', ok: b, at: 0, detail: '' })) },
  { weight: 1, arbitrary: fc.constant<ServiceInput>({ kind: 'result', ok: false, at: 0, detail: '', certain: true }) },
  { weight: 1, arbitrary: fc.record({ on: fc.boolean(), src: fc.constantFrom('a', 'b') }).map((x): ServiceInput => ({ kind: 'disable', source: x.src, on: x.on, at: 0 })) },
  { weight: 1, arbitrary: fc.constant<ServiceInput>({ kind: 'stop', at: 0 }) },
);

test('property: serving turns on only after `rise` passes in a row, and off only after `fall` failures, a certain failure, disable or stop', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(inputArb, { maxLength: 60 }),
      (rise, fall, raw) => {
        const t = { rise, fall };
        let s = initialServiceState(0);
        let passes = 0;
        let fails = 0;
        raw.forEach((input0, i) => {
          const input = { ...input0, at: i + 1 } as ServiceInput;
          const step = stepService(s, input, t);
          const live = s.name !== 'DISABLED' && s.name !== 'STOPPING';
          if (input.kind === 'result' && live) {
            passes = input.ok ? passes + 1 : 0;
            fails = input.ok ? 0 : fails + 1;
          } else if (input.kind !== 'result' && step.transition) {
            passes = 0;
            fails = 0;
          }
          const n = step.state;
          // Invariants of every state.
          if (n.name === 'UP') assert.ok(n.serving);
          if (['INIT', 'DOWN', 'DISABLED', 'STOPPING'].includes(n.name)) assert.ok(!n.serving);
          assert.equal(n.disabledBy.length > 0, n.name === 'DISABLED');
          if (step.transition) assert.notEqual(step.transition.from, step.transition.to);
          else assert.equal(n.name, s.name);
          // Hysteresis.
          if (!s.serving && n.serving) assert.ok(passes >= rise, `on after ${passes} passes, rise ${rise}`);
          if (s.serving && !n.serving) {
            const why = input.kind !== 'result' || input.certain === true || fails >= fall;
            assert.ok(why, `off after ${fails} failures, fall ${fall}`);
          }
          s = n;
        });
      },
    ),
    { numRuns: 500 },
  );
});
