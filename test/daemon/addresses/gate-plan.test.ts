import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressesToRemove, initialGateState, missingPrefixes, stepGate, type AddressNeed, type GateAction, type GateEvent, type GateState } from '../../../src/daemon/addresses/gate-plan.js';

const P = '192.0.2.10/32';
const Q = '192.0.2.11/32';
const need = (removeWhenWithdrawn: boolean, addr = P): AddressNeed => ({ interface: 'lo', addresses: [addr], removeWhenWithdrawn });

/** Runs events in order; returns the actions of each step as short strings. */
function run(needs: Map<string, AddressNeed>, events: GateEvent[]): { state: GateState; steps: string[][] } {
  let state = initialGateState(needs);
  const steps: string[][] = [];
  for (const e of events) {
    const r = stepGate(state, needs, e);
    state = r.state;
    steps.push(r.actions.map(show));
  }
  return { state, steps };
}

const show = (a: GateAction): string => (a.kind === 'forward' ? 'forward' : a.kind === 'failed' ? `failed ${a.op} ${a.prefix}` : `${a.kind} ${a.prefix}`);
const wanted = (...prefixes: string[]): GateEvent => ({ kind: 'wanted', prefixes: new Set(prefixes) });

test('up: the list goes on without the prefix, the add starts; once added, the prefix is announced', () => {
  const { state, steps } = run(new Map([[P, need(true)]]), [wanted(P), { kind: 'added', prefix: P }]);
  assert.deepEqual(steps, [['forward', `add ${P}`], [`announce ${P}`, 'forward']]);
  assert.equal(state.slots.get(P)?.announced, true);
});

test('down with remove-when-withdrawn: the withdraw is handed on first, the remove comes after it', () => {
  const { steps } = run(new Map([[P, need(true)]]), [wanted(P), { kind: 'added', prefix: P }, wanted(), { kind: 'removed', prefix: P }]);
  assert.deepEqual(steps[2], [`withdraw ${P}`, 'forward', `remove ${P}`]);
  assert.deepEqual(steps[3], []);
});

test('down without remove-when-withdrawn: the address stays; up again announces at once', () => {
  const { steps, state } = run(new Map([[P, need(false)]]), [wanted(P), { kind: 'added', prefix: P }, wanted(), wanted(P)]);
  assert.deepEqual(steps[2], [`withdraw ${P}`, 'forward']);
  assert.deepEqual(steps[3], [`announce ${P}`, 'forward']);
  assert.equal(state.slots.get(P)?.known, 'present');
});

test('a failed add is never announced; it is retried after the retry event, then announced', () => {
  const { steps, state } = run(new Map([[P, need(true)]]), [
    wanted(P),
    { kind: 'added', prefix: P, error: 'Operation not permitted' },
    wanted(P),
    { kind: 'retry', prefix: P },
    { kind: 'added', prefix: P },
  ]);
  assert.deepEqual(steps[1], [`failed add ${P}`, `retry-later ${P}`]);
  assert.deepEqual(steps[2], ['forward'], 'an unchanged list starts nothing while waiting for the retry');
  assert.deepEqual(steps[3], [`add ${P}`]);
  assert.deepEqual(steps[4], [`announce ${P}`, 'forward']);
  assert.equal(state.slots.get(P)?.error, undefined);
});

test('a failed add that is no longer wanted is not retried, and what it may have left is removed', () => {
  const { steps } = run(new Map([[P, need(true)]]), [wanted(P), wanted(), { kind: 'added', prefix: P, error: 'boom' }]);
  assert.deepEqual(steps[2], [`failed add ${P}`, `remove ${P}`]);
});

test('up/down while the add runs: the late add does not re-announce and the address goes', () => {
  const { steps, state } = run(new Map([[P, need(true)]]), [wanted(P), wanted(), { kind: 'added', prefix: P }]);
  assert.deepEqual(steps[1], ['forward'], 'nothing announced, nothing to remove yet');
  assert.deepEqual(steps[2], [`remove ${P}`]);
  assert.equal(state.slots.get(P)?.announced, false);
});

test('up/down/up while the add runs: announced once the add completes, never removed', () => {
  const { steps } = run(new Map([[P, need(true)]]), [wanted(P), wanted(), wanted(P), { kind: 'added', prefix: P }]);
  assert.deepEqual(steps[2], ['forward'], 'the add is still running: no second add');
  assert.deepEqual(steps[3], [`announce ${P}`, 'forward']);
});

test('up while the remove runs: the add waits for the remove, then the prefix is announced', () => {
  const { steps } = run(new Map([[P, need(true)]]), [
    wanted(P),
    { kind: 'added', prefix: P },
    wanted(),
    wanted(P),
    { kind: 'removed', prefix: P },
    { kind: 'added', prefix: P },
  ]);
  assert.deepEqual(steps[3], ['forward'], 'not announced while the address is being removed');
  assert.deepEqual(steps[4], [`add ${P}`]);
  assert.deepEqual(steps[5], [`announce ${P}`, 'forward']);
});

test('prepare adds the addresses that stay regardless of health, and only those', () => {
  const { steps, state } = run(
    new Map([
      [P, need(false)],
      [Q, need(true, Q)],
    ]),
    [{ kind: 'prepare' }, { kind: 'added', prefix: P }, wanted(P)],
  );
  assert.deepEqual(steps[0], [`add ${P}`]);
  assert.deepEqual(steps[1], [], 'held, not wanted: nothing announced');
  assert.deepEqual(steps[2], [`announce ${P}`, 'forward']);
  assert.equal(state.slots.get(Q)?.known, 'absent');
});

test('close: withdraws without forwarding, removes every address, including one still being added; later lists are ignored', () => {
  const { steps } = run(
    new Map([
      [P, need(false)],
      [Q, need(true, Q)],
    ]),
    [wanted(P, Q), { kind: 'added', prefix: P }, { kind: 'close' }, wanted(P, Q), { kind: 'added', prefix: Q }, { kind: 'close' }],
  );
  assert.deepEqual(steps[2], [`withdraw ${P}`, `remove ${P}`]);
  assert.deepEqual(steps[3], []);
  assert.deepEqual(steps[4], [`remove ${Q}`]);
  assert.deepEqual(steps[5], []);
});

test('a failed remove is not repeated by itself; close tries once more', () => {
  const { steps } = run(new Map([[P, need(true)]]), [
    wanted(P),
    { kind: 'added', prefix: P },
    wanted(),
    { kind: 'removed', prefix: P, error: 'busy' },
    wanted(),
    { kind: 'close' },
  ]);
  assert.deepEqual(steps[3], [`failed remove ${P}`]);
  assert.deepEqual(steps[4], ['forward']);
  assert.deepEqual(steps[5], [`remove ${P}`]);
});

test('a remove leaves the addresses another prefix still needs', () => {
  const WIDE = '192.0.2.0/24';
  const needs = new Map([
    [WIDE, { interface: 'lo', addresses: [P, '192.0.2.1/32'], removeWhenWithdrawn: true }],
    [P, need(true)],
    ['2001:db8::/64', { interface: 'eth0', addresses: ['192.0.2.1/32'], removeWhenWithdrawn: true }],
  ]);
  const { state } = run(needs, [wanted(WIDE, P, '2001:db8::/64'), { kind: 'added', prefix: WIDE }, { kind: 'added', prefix: P }, wanted(P, '2001:db8::/64')]);
  assert.deepEqual(addressesToRemove(state, needs, WIDE), ['192.0.2.1/32'], 'P still needs its address; another interface does not count');
  const later = run(needs, [wanted(WIDE, P), { kind: 'added', prefix: WIDE }, { kind: 'added', prefix: P }, wanted()]).state;
  assert.deepEqual(addressesToRemove(later, needs, WIDE), [P, '192.0.2.1/32']);
  assert.deepEqual(addressesToRemove(later, needs, 'nope'), []);
});

test('an address seen missing is added again without a withdraw; only a failed re-add withdraws', () => {
  const needs = new Map([[P, need(true)]]);
  const up = [wanted(P), { kind: 'added', prefix: P }] as GateEvent[];
  const ok = run(needs, [...up, { kind: 'missing', prefix: P }, { kind: 'added', prefix: P }]);
  assert.deepEqual(ok.steps.slice(2), [[`add ${P}`], []]);
  assert.equal(ok.state.slots.get(P)?.announced, true);
  const bad = run(needs, [...up, { kind: 'missing', prefix: P }, { kind: 'missing', prefix: P }, { kind: 'added', prefix: P, error: 'gone' }]);
  assert.deepEqual(bad.steps.slice(2), [[`add ${P}`], [], [`failed add ${P}`, `withdraw ${P}`, 'forward', `retry-later ${P}`]]);
  assert.equal(bad.state.slots.get(P)?.announced, false);
  // Nothing to repair: not believed present, not kept, or closed.
  assert.deepEqual(run(needs, [{ kind: 'missing', prefix: P }]).steps, [[]]);
  assert.deepEqual(run(needs, [...up, wanted(), { kind: 'removed', prefix: P }, { kind: 'missing', prefix: P }]).steps.at(-1), []);
  assert.deepEqual(run(new Map([[P, need(false)]]), [...up, wanted(), { kind: 'missing', prefix: P }]).steps.at(-1), [`add ${P}`], 'held addresses are repaired too');
});

test('missingPrefixes: idle prefixes believed present on that interface with an address not in the list', () => {
  const needs = new Map([
    [P, need(true)],
    [Q, need(true, Q)],
    ['2001:db8::10/128', { interface: 'eth0', addresses: ['2001:db8::10/128'], removeWhenWithdrawn: true }],
  ]);
  const { state } = run(needs, [wanted(P, Q, '2001:db8::10/128'), { kind: 'added', prefix: P }, { kind: 'added', prefix: '2001:db8::10/128' }]);
  assert.deepEqual(missingPrefixes(state, needs, 'lo', new Set(['192.0.2.10'])), []);
  assert.deepEqual(missingPrefixes(state, needs, 'lo', new Set()), [P], 'Q is still being added');
  assert.deepEqual(missingPrefixes(state, needs, 'eth0', new Set()), ['2001:db8::10/128']);
});

test('completions for unknown prefixes or without a running operation change nothing', () => {
  const needs = new Map([[P, need(true)]]);
  const s0 = initialGateState(needs);
  for (const e of [{ kind: 'added', prefix: P }, { kind: 'removed', prefix: P }, { kind: 'added', prefix: Q }, { kind: 'retry', prefix: P }] as GateEvent[]) {
    const r = stepGate(s0, needs, e);
    assert.deepEqual(r.actions, []);
    assert.equal(r.state, s0);
  }
});

const link = (up: boolean, iface = 'lo'): GateEvent => ({ kind: 'link', interface: iface, up });

test('link down: the announced prefix is withdrawn at once and its address stays; up again: announced at once', () => {
  const needs = new Map([[P, need(true)]]);
  const { steps, state } = run(needs, [wanted(P), { kind: 'added', prefix: P }, link(false), link(false), link(true), link(true)]);
  assert.deepEqual(steps[2], [`withdraw ${P}`, 'forward'], 'no remove: the address is present, only unusable');
  assert.deepEqual(steps[3], [], 'a second report of the same state is no event');
  assert.deepEqual(steps[4], [`announce ${P}`, 'forward']);
  assert.deepEqual(steps[5], []);
  assert.equal(state.slots.get(P)?.known, 'present');
  const r = stepGate(initialGateState(needs), needs, link(false));
  assert.equal(stepGate(r.state, needs, link(false)).state, r.state);
});

test('while the link is down nothing is announced: not when wanted, not when an add completes; withdraws still pass', () => {
  const needs = new Map([[P, need(true)]]);
  const { steps, state } = run(needs, [link(false), wanted(P), { kind: 'added', prefix: P }, wanted(), { kind: 'removed', prefix: P }, wanted(P), { kind: 'added', prefix: P }, link(true)]);
  assert.deepEqual(steps[1], ['forward', `add ${P}`], 'the address is put in place on the down link');
  assert.deepEqual(steps[2], [], 'present, but the link holds the prefix back');
  assert.deepEqual(steps[3], ['forward', `remove ${P}`], 'not wanted: nothing was announced, the address goes (remove-when-withdrawn)');
  assert.deepEqual(steps[6], []);
  assert.deepEqual(steps[7], [`announce ${P}`, 'forward']);
  assert.equal(state.slots.get(P)?.announced, true);
});

test('a link affects only the prefixes whose addresses live on it; close ignores link events', () => {
  const V6 = '2001:db8::10/128';
  const needs = new Map([
    [P, need(false)],
    [V6, { interface: 'eth0', addresses: [V6], removeWhenWithdrawn: false }],
  ]);
  const up = [wanted(P, V6), { kind: 'added', prefix: P }, { kind: 'added', prefix: V6 }] as GateEvent[];
  const { steps, state } = run(needs, [...up, link(false, 'eth0'), link(true, 'lo')]);
  assert.deepEqual(steps[3], [`withdraw ${V6}`, 'forward']);
  assert.deepEqual(steps[4], [], 'lo was up all along');
  assert.equal(state.slots.get(P)?.announced, true);
  assert.deepEqual([...state.down], ['eth0']);
  const closed = run(needs, [...up, { kind: 'close' }, link(false)]);
  assert.deepEqual(closed.steps.at(-1), []);
});

test('a link back up with an address that went while it was down: repaired first, announced once the add is done', () => {
  const needs = new Map([[P, need(false)]]);
  const { steps } = run(needs, [wanted(P), { kind: 'added', prefix: P }, link(false), { kind: 'missing', prefix: P }, link(true), { kind: 'added', prefix: P }]);
  assert.deepEqual(steps[3], [`add ${P}`]);
  assert.deepEqual(steps[4], [], 'the add is still running');
  assert.deepEqual(steps[5], [`announce ${P}`, 'forward']);
});

test('property: never announced without the address nor on a down link; never removed while announced; one operation at a time; stale missing reports are harmless; converges', () => {
  const prefixes = [P, Q, '2001:db8::10/128'];
  const ev = fc.oneof(
    fc.subarray(prefixes).map((ps) => ({ t: 'wanted' as const, ps })),
    fc.record({ t: fc.constant('complete' as const), i: fc.nat(), ok: fc.boolean() }),
    fc.record({ t: fc.constant('retry' as const), i: fc.nat() }),
    fc.constant({ t: 'prepare' as const }),
    fc.record({ t: fc.constant('missing' as const), i: fc.nat() }),
    fc.record({ t: fc.constant('link' as const), up: fc.boolean() }),
  );
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.array(ev, { maxLength: 60 }), fc.subarray(prefixes), (removal, events, finalWanted) => {
      const needs = new Map(prefixes.map((p, i) => [p, need(removal[i]!, p)]));
      let state = initialGateState(needs);
      const real = new Map<string, boolean>();
      const running = new Map<string, 'add' | 'remove'>();
      let sinkSet = new Set<string>();
      const step = (e: GateEvent): void => {
        const r = stepGate(state, needs, e);
        state = r.state;
        for (const a of r.actions) {
          if (a.kind === 'forward') {
            sinkSet = new Set([...state.slots].filter(([, s]) => s.announced).map(([p]) => p));
            for (const p of sinkSet) assert.ok(real.get(p), `${p} announced while its address is not there`);
          } else if (a.kind === 'add' || a.kind === 'remove') {
            assert.ok(!running.has(a.prefix), `second operation on ${a.prefix}`);
            if (a.kind === 'remove') assert.ok(!sinkSet.has(a.prefix), `${a.prefix} removed while the sink still has it`);
            running.set(a.prefix, a.kind);
          }
        }
        for (const [p, s] of state.slots) if (s.announced) assert.ok(s.wanted && s.known === 'present' && s.op !== 'remove' && !state.down.has('lo'), `${p} announced in a bad state`);
      };
      const complete = (p: string, ok: boolean): void => {
        const op = running.get(p)!;
        running.delete(p);
        if (ok) real.set(p, op === 'add');
        step(op === 'add' ? { kind: 'added', prefix: p, ...(ok ? {} : { error: 'x' }) } : { kind: 'removed', prefix: p, ...(ok ? {} : { error: 'x' }) });
      };
      for (const e of events) {
        if (e.t === 'wanted') step(wanted(...e.ps));
        else if (e.t === 'prepare') step({ kind: 'prepare' });
        else if (e.t === 'retry') step({ kind: 'retry', prefix: prefixes[e.i % prefixes.length]! });
        // A stale report: the address is still there.
        else if (e.t === 'missing') step({ kind: 'missing', prefix: prefixes[e.i % prefixes.length]! });
        else if (e.t === 'link') step(link(e.up));
        else {
          const keys = [...running.keys()];
          if (keys.length > 0) complete(keys[e.i % keys.length]!, e.ok);
        }
      }
      // From here on the link is up, every operation succeeds and every retry fires: the sink ends with exactly the wanted prefixes.
      step(link(true));
      step(wanted(...finalWanted));
      for (let n = 0; n < 20; n++) {
        for (const p of prefixes) step({ kind: 'retry', prefix: p });
        const keys = [...running.keys()];
        if (keys.length === 0) break;
        for (const p of keys) complete(p, true);
      }
      assert.deepEqual([...sinkSet].sort(), [...finalWanted].sort());
      for (const p of prefixes) if (finalWanted.includes(p)) assert.ok(real.get(p));
    }),
    { numRuns: 500 },
  );
});
