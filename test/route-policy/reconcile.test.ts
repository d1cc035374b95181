import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GRACEFUL_SHUTDOWN, type DrainSettings } from '../../src/route-policy/drain.js';
import type { FlapGuardSettings } from '../../src/route-policy/flap-guard.js';
import type { AnnounceAttributes, WantedRoute } from '../../src/route-policy/policy.js';
import { changesRoutes, describeStep, EMPTY_ROUTES, reconcile, sameAttributes, type RouteState } from '../../src/route-policy/reconcile.js';

const GUARD: FlapGuardSettings = { threshold: 2, windowMs: 60_000, holdMs: 10_000, maxHoldMs: 40_000 };
const UP: AnnounceAttributes = { med: 10, communities: [65000 * 65536 + 1] };
const A = '192.0.2.1/32';
const B = '198.51.100.0/24';
const want = (attributes: AnnounceAttributes, ...prefixes: string[]): WantedRoute[] => prefixes.map((prefix) => ({ prefix, attributes }));
const announcedOf = (s: RouteState): Record<string, AnnounceAttributes> => Object.fromEntries(s.announced);

test('announce: wanted prefixes go out with their attributes; the guard records them', () => {
  const step = reconcile(EMPTY_ROUTES, want(UP, A, B), undefined, 1000, GUARD);
  assert.deepEqual(step.announced, [A, B]);
  assert.deepEqual(step.withdrawn, []);
  assert.deepEqual(step.changed, []);
  assert.deepEqual(announcedOf(step.state), { [A]: UP, [B]: UP });
  assert.deepEqual(step.state.flap.get(A)?.announcements, [1000]);
  assert.equal(step.recheckAt, undefined);
  assert.equal(changesRoutes(step), true);
  assert.equal(describeStep(step), `announcing ${A}, ${B}`);
  assert.equal(EMPTY_ROUTES.announced.size, 0, 'the input state is left as it was');
});

test('withdraw: what is no longer wanted goes, whatever the guard remembers', () => {
  const up = reconcile(EMPTY_ROUTES, want(UP, A, B), undefined, 0, GUARD).state;
  const step = reconcile(up, want(UP, B), undefined, 1, GUARD);
  assert.deepEqual(step.withdrawn, [A]);
  assert.deepEqual(step.announced, []);
  assert.deepEqual(announcedOf(step.state), { [B]: UP });
  assert.equal(describeStep(step), `withdrawing ${A}`);
  const none = reconcile(step.state, [], undefined, 2, GUARD);
  assert.deepEqual(none.withdrawn, [B]);
  assert.equal(none.state.announced.size, 0);
  assert.equal(up.announced.size, 2, 'earlier states are values: untouched');
});

test('attribute change: the prefix is re-announced, counted as changed, not as announced again', () => {
  const up = reconcile(EMPTY_ROUTES, want(UP, A), undefined, 0, GUARD).state;
  const worse: AnnounceAttributes = { ...UP, med: 500 };
  const step = reconcile(up, want(worse, A), undefined, 1, GUARD);
  assert.deepEqual(step.changed, [A]);
  assert.deepEqual(step.announced, []);
  assert.deepEqual(step.state.announced.get(A), worse);
  assert.equal(step.state.flap.get(A), up.flap.get(A), 'a change is no comeback: the guard is not asked');
  assert.equal(describeStep(step), `new attributes for ${A}`);
});

test('nothing to do: the same state comes back and nothing changes', () => {
  const up = reconcile(EMPTY_ROUTES, want(UP, A), undefined, 0, GUARD).state;
  const step = reconcile(up, want({ med: 10, communities: [65000 * 65536 + 1], prepend: 0 }, A), undefined, 5, GUARD);
  assert.equal(step.state, up);
  assert.equal(changesRoutes(step), false);
  assert.equal(describeStep(step), '');
});

test('flap hold-down: a prefix that keeps coming back is held until the hold ends, then announced', () => {
  let s = EMPTY_ROUTES;
  // Two comebacks are allowed within the window; the third is held for 10 s.
  for (const at of [0, 1000]) {
    s = reconcile(s, want(UP, A), undefined, at, GUARD).state;
    s = reconcile(s, [], undefined, at + 500, GUARD).state;
  }
  const held = reconcile(s, want(UP, A), undefined, 2000, GUARD);
  assert.deepEqual(held.announced, []);
  assert.equal(changesRoutes(held), false);
  assert.deepEqual(held.heldBack, [{ prefix: A, until: 12_000, reason: '2 announcements within 60 s: held down for 10 s' }]);
  assert.equal(held.state.held.get(A), 12_000);
  assert.equal(held.recheckAt, 12_000);

  const still = reconcile(held.state, want(UP, A), undefined, 5000, GUARD);
  assert.deepEqual(still.heldBack, [], 'held until the same time: said once');
  assert.equal(still.recheckAt, 12_000);
  assert.deepEqual(still.announced, []);

  const end = reconcile(still.state, want(UP, A), undefined, 12_000, GUARD);
  assert.deepEqual(end.announced, [A]);
  assert.equal(end.state.held.size, 0);
  assert.equal(end.recheckAt, undefined);
});

test('flap hold-down never delays a withdraw, and a held prefix no longer wanted is forgotten', () => {
  let s = EMPTY_ROUTES;
  for (const at of [0, 1000]) {
    s = reconcile(s, want(UP, A), undefined, at, GUARD).state;
    s = reconcile(s, [], undefined, at + 500, GUARD).state;
  }
  s = reconcile(s, want(UP, A, B), undefined, 2000, GUARD).state;
  assert.deepEqual([...s.announced.keys()], [B]);
  assert.equal(s.held.get(A), 12_000);
  const down = reconcile(s, [], undefined, 2001, GUARD);
  assert.deepEqual(down.withdrawn, [B]);
  assert.equal(down.state.held.size, 0);
  assert.equal(down.recheckAt, undefined);
});

test('the recheck is at the earliest end of a hold-down', () => {
  const s: RouteState = {
    announced: new Map(),
    flap: new Map([
      [A, { announcements: [], holdUntil: 30_000, level: 1 }],
      [B, { announcements: [], holdUntil: 20_000, level: 1 }],
    ]),
    held: new Map(),
  };
  const step = reconcile(s, want(UP, A, B), undefined, 0, GUARD);
  assert.deepEqual(step.heldBack.map((h) => [h.prefix, h.until]), [
    [A, 30_000],
    [B, 20_000],
  ]);
  assert.equal(step.recheckAt, 20_000);
});

test('drain: what is announced gets GRACEFUL_SHUTDOWN and the drain LOCAL_PREF; nothing new is announced', () => {
  const drain: DrainSettings = { timeMs: 3000, localPref: 0 };
  const up = reconcile(EMPTY_ROUTES, want(UP, A), undefined, 0, GUARD).state;
  const step = reconcile(up, want(UP, A, B), drain, 1, GUARD);
  assert.deepEqual(step.changed, [A]);
  assert.deepEqual(step.announced, [], 'B is wanted but was not announced: a drain keeps it out');
  assert.deepEqual(step.state.announced.get(A), { ...UP, communities: [...UP.communities!, GRACEFUL_SHUTDOWN], localPref: 0 });
  assert.equal(step.state.announced.has(B), false);
  const again = reconcile(step.state, want(UP, A, B), drain, 2, GUARD);
  assert.equal(again.state, step.state, 'the drain attributes are applied once');
  const down = reconcile(step.state, [], drain, 3, GUARD);
  assert.deepEqual(down.withdrawn, [A], 'a service that fails while draining is withdrawn');
  const off = reconcile(step.state, want(UP, A), undefined, 4, GUARD);
  assert.deepEqual(off.changed, [A], 'a drain called off brings the normal attributes back');
  assert.deepEqual(off.state.announced.get(A), UP);
});

test('sameAttributes: absent and empty lists, and prepend 0, are the same', () => {
  assert.equal(sameAttributes({ med: 1 }, { med: 1, prepend: 0, communities: [], largeCommunities: [] }), true);
  assert.equal(sameAttributes({ med: 1 }, { med: 2 }), false);
  assert.equal(sameAttributes({ communities: [1, 2] }, { communities: [2, 1] }), false);
  assert.equal(sameAttributes({ largeCommunities: [{ global: 1, local1: 2, local2: 3 }] }, { largeCommunities: [{ global: 1, local1: 2, local2: 4 }] }), false);
  assert.equal(sameAttributes({ localPref: 0 }, {}), false);
});
