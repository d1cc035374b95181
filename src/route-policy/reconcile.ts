// One service's routes, pure: (what is announced, what is wanted, now) ->
// what to withdraw, announce or re-announce with new attributes, and the
// flap guard's new memory.
//
// Withdraws come first and are never delayed; only a prefix about to be
// announced asks the flap guard (RFC 2439 damping upstream is what it
// avoids). A prefix held back is looked at again at the earliest end of a
// hold-down. While draining (RFC 8326) the wanted routes carry the drain
// attributes, and only what is announced now stays: a drain never
// announces anything new.
//
// The maps are immutable values, copied only when a step changes them, so
// a step that changes nothing allocates next to nothing and returns the
// state it was given.

import { drainAttributes, type DrainSettings } from './drain.js';
import { admitAnnouncement, EMPTY_HISTORY, type FlapGuardSettings, type FlapHistory } from './flap-guard.js';
import type { AnnounceAttributes, WantedRoute } from './policy.js';

export interface RouteState {
  /** Prefix -> the attributes it is announced with now. */
  readonly announced: ReadonlyMap<string, AnnounceAttributes>;
  /** Prefix -> what the flap guard remembers of it. */
  readonly flap: ReadonlyMap<string, FlapHistory>;
  /** Prefix wanted but held back -> clock time (ms) its hold-down ends. */
  readonly held: ReadonlyMap<string, number>;
}

export const EMPTY_ROUTES: RouteState = { announced: new Map(), flap: new Map(), held: new Map() };

/** A prefix newly held back (or held until a new time), for the log. */
export interface HeldBack {
  readonly prefix: string;
  readonly until: number;
  readonly reason: string;
}

export interface ReconcileStep {
  /** The input state itself when nothing changed. */
  readonly state: RouteState;
  readonly withdrawn: readonly string[];
  readonly announced: readonly string[];
  /** Announced before and still, with other attributes. */
  readonly changed: readonly string[];
  readonly heldBack: readonly HeldBack[];
  /** When to reconcile again: the earliest end of a hold-down; undefined when nothing is held. */
  readonly recheckAt: number | undefined;
}

/**
 * One step at `now`. `drain`, while a drain runs, gives its attributes to
 * what is announced and keeps out everything else.
 */
export function reconcile(
  s: RouteState,
  wanted: readonly WantedRoute[],
  drain: DrainSettings | undefined,
  now: number,
  guard: FlapGuardSettings,
): ReconcileStep {
  const routes = drain
    ? wanted.filter((r) => s.announced.has(r.prefix)).map((r) => ({ prefix: r.prefix, attributes: drainAttributes(r.attributes, drain) }))
    : wanted;
  const wantedSet = new Set<string>();
  for (const r of routes) wantedSet.add(r.prefix);
  // Copies made on the first change only.
  let announcedMap: Map<string, AnnounceAttributes> | undefined;
  let flapMap: Map<string, FlapHistory> | undefined;
  let heldMap: Map<string, number> | undefined;
  const withdrawn: string[] = [];
  const announced: string[] = [];
  const changed: string[] = [];
  const heldBack: HeldBack[] = [];

  // Withdraws first, never delayed.
  for (const prefix of s.announced.keys()) {
    if (wantedSet.has(prefix)) continue;
    (announcedMap ??= new Map(s.announced)).delete(prefix);
    withdrawn.push(prefix);
  }
  for (const prefix of s.held.keys()) if (!wantedSet.has(prefix)) (heldMap ??= new Map(s.held)).delete(prefix);

  for (const r of routes) {
    const current = s.announced.get(r.prefix);
    if (current !== undefined) {
      if (!sameAttributes(current, r.attributes)) {
        (announcedMap ??= new Map(s.announced)).set(r.prefix, r.attributes);
        changed.push(r.prefix);
      }
      continue;
    }
    const history = (flapMap ?? s.flap).get(r.prefix) ?? EMPTY_HISTORY;
    const admission = admitAnnouncement(history, now, guard);
    if (admission.history !== history || !(flapMap ?? s.flap).has(r.prefix)) (flapMap ??= new Map(s.flap)).set(r.prefix, admission.history);
    const held = heldMap ?? s.held;
    if (!admission.allowed) {
      if (held.get(r.prefix) !== admission.until) {
        heldBack.push({ prefix: r.prefix, until: admission.until, reason: admission.reason });
        (heldMap ??= new Map(s.held)).set(r.prefix, admission.until);
      }
      continue;
    }
    if (held.has(r.prefix)) (heldMap ??= new Map(s.held)).delete(r.prefix);
    (announcedMap ??= new Map(s.announced)).set(r.prefix, r.attributes);
    announced.push(r.prefix);
  }

  const state =
    announcedMap || flapMap || heldMap ? { announced: announcedMap ?? s.announced, flap: flapMap ?? s.flap, held: heldMap ?? s.held } : s;
  let first = Infinity;
  for (const until of state.held.values()) first = Math.min(first, until);
  return { state, withdrawn, announced, changed, heldBack, recheckAt: first === Infinity ? undefined : first };
}

/** Whether the speaker's list changes with this step. */
export function changesRoutes(step: ReconcileStep): boolean {
  return step.withdrawn.length + step.announced.length + step.changed.length > 0;
}

/** What a step does to the routes, for the log ("withdrawing a; announcing b"). */
export function describeStep(step: ReconcileStep): string {
  const parts: string[] = [];
  if (step.withdrawn.length > 0) parts.push(`withdrawing ${step.withdrawn.join(', ')}`);
  if (step.announced.length > 0) parts.push(`announcing ${step.announced.join(', ')}`);
  if (step.changed.length > 0) parts.push(`new attributes for ${step.changed.join(', ')}`);
  return parts.join('; ');
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined, eq: (x: T, y: T) => boolean): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => eq(v, y[i]!));
}

export function sameAttributes(a: AnnounceAttributes, b: AnnounceAttributes): boolean {
  return (
    a.med === b.med &&
    (a.prepend ?? 0) === (b.prepend ?? 0) &&
    a.localPref === b.localPref &&
    sameList(a.communities, b.communities, (x, y) => x === y) &&
    sameList(a.largeCommunities, b.largeCommunities, (x, y) => x.global === y.global && x.local1 === y.local1 && x.local2 === y.local2)
  );
}
