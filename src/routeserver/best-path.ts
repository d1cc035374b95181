// The BGP decision process (RFC 4271 9.1.2.2), pure: the candidate routes for
// one prefix -> the equal-cost paths kept for multipath, best first.
//
// Like the RFC, it removes candidates rule by rule rather than sorting by one
// key, because MED is compared only between routes from the same neighboring
// AS and so is not a total order. The rules, in order:
//   1. highest LOCAL_PREF (eBGP routes get the default, 100; a route tagged
//      GRACEFUL_SHUTDOWN gets 0, RFC 8326 4.2)
//   2. highest community preference (a configurable map, e.g. Linode's route
//      servers: 65000:1 over 65000:2 over 65000:3)
//   3. shortest AS_PATH (an AS_SET counts as one, RFC 4271 9.1.2.2 a)
//   4. lowest ORIGIN (IGP < EGP < INCOMPLETE)
//   5. lowest MED among routes from the same neighboring AS (or among all,
//      with alwaysCompareMed); a missing MED is 0
//   6. eBGP over iBGP
// Whatever is left is equal-cost: all of it is kept (multipath), and one best
// path is picked by lowest router id, then lowest peer address.

import { AsPathSegmentType, Origin, WellKnownCommunity } from '../bgp/codec/constants.js';
import { parseIpv4, parseIpv6 } from '../bgp/codec/ip.js';
import type { AsPathSegment, PathAttributes } from '../bgp/codec/types.js';

/** One route for a prefix, as received from one peer. */
export interface Candidate {
  /** The peer that sent it (its session address). */
  readonly peerAddress: string;
  readonly peerAs: number;
  /** The peer's BGP identifier, from its OPEN. */
  readonly peerRouterId: string;
  /** iBGP: the peer is in our own AS. */
  readonly internal: boolean;
  readonly nextHops: readonly string[];
  readonly attributes: PathAttributes;
}

export interface DecisionOptions {
  /** LOCAL_PREF for routes that carry none, and for every eBGP route (default 100). */
  readonly defaultLocalPref?: number;
  /** Community -> preference; higher wins. A route takes its highest match; no match is 0. */
  readonly communityPreference?: ReadonlyMap<number, number>;
  /** Compare MED across neighboring ASes too (default false, RFC 4271 9.1.2.2 c). */
  readonly alwaysCompareMed?: boolean;
  /** Treat GRACEFUL_SHUTDOWN (65535:0) as LOCAL_PREF 0 (default true, RFC 8326 4.2). */
  readonly honorGracefulShutdown?: boolean;
  /** Most equal-cost paths kept (default: all). */
  readonly maxPaths?: number;
}

/** The rule that set the kept paths apart from the rest. */
export type DecisionStep = 'local-pref' | 'community' | 'as-path' | 'origin' | 'med' | 'ebgp';

export interface Decision<C extends Candidate = Candidate> {
  /** The equal-cost paths kept, best first, then in tie-break order. Never empty. */
  readonly paths: readonly C[];
  readonly best: C;
  /** Each rule that removed candidates, in order, with what it removed; empty when all were equal-cost. */
  readonly steps: readonly { readonly step: DecisionStep; readonly removed: readonly C[] }[];
}

/** Linode-style role communities: 65000:1 (primary) over 65000:2 over 65000:3. */
export const LINODE_COMMUNITY_PREFERENCE: ReadonlyMap<number, number> = new Map([
  [65000 * 65536 + 1, 3],
  [65000 * 65536 + 2, 2],
  [65000 * 65536 + 3, 1],
]);

const DEFAULT_LOCAL_PREF = 100;

/** RFC 4271 9.1.2.2 a: each AS in an AS_SEQUENCE counts, an AS_SET counts as one. */
export function asPathLength(path: readonly AsPathSegment[] | undefined): number {
  let n = 0;
  for (const seg of path ?? []) n += seg.type === AsPathSegmentType.AsSet ? Math.min(1, seg.asns.length) : seg.asns.length;
  return n;
}

/** The AS the route came from, for MED comparison: the first AS of the path, else the peer's. */
export function neighborAs(c: Candidate): number {
  const first = c.attributes.asPath?.[0];
  return first?.type === AsPathSegmentType.AsSequence && first.asns.length > 0 ? first.asns[0]! : c.peerAs;
}

/** LOCAL_PREF as the decision sees it. */
export function effectiveLocalPref(c: Candidate, o: DecisionOptions = {}): number {
  if ((o.honorGracefulShutdown ?? true) && c.attributes.communities?.includes(WellKnownCommunity.GracefulShutdown)) return 0;
  const dflt = o.defaultLocalPref ?? DEFAULT_LOCAL_PREF;
  // LOCAL_PREF is not sent between ASes (RFC 4271 5.1.5); one that arrives over eBGP is ignored.
  return c.internal ? (c.attributes.localPref ?? dflt) : dflt;
}

export function communityPreference(c: Candidate, map: ReadonlyMap<number, number> | undefined): number {
  if (!map || map.size === 0) return 0;
  let best = 0;
  for (const v of c.attributes.communities ?? []) best = Math.max(best, map.get(v) ?? 0);
  return best;
}

const originOf = (c: Candidate): number => c.attributes.origin ?? Origin.Incomplete;
const medOf = (c: Candidate): number => c.attributes.med ?? 0;

/** Keeps the candidates with the highest `score`. */
function keepHighest<C>(cs: readonly C[], score: (c: C) => number): C[] {
  let top = -Infinity;
  for (const c of cs) top = Math.max(top, score(c));
  return cs.filter((c) => score(c) === top);
}

function keepLowestMed<C extends Candidate>(cs: readonly C[], always: boolean): C[] {
  const groupOf = (c: C): number => (always ? 0 : neighborAs(c));
  const lowest = new Map<number, number>();
  for (const c of cs) lowest.set(groupOf(c), Math.min(lowest.get(groupOf(c)) ?? Infinity, medOf(c)));
  return cs.filter((c) => medOf(c) === lowest.get(groupOf(c)));
}

/** Addresses as comparable bytes: IPv4 sorts before IPv6. */
function addressBytes(a: string): Uint8Array {
  try {
    return a.includes(':') ? Uint8Array.from([6, ...parseIpv6(a)]) : Uint8Array.from([4, ...parseIpv4(a)]);
  } catch {
    return new Uint8Array(0);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** RFC 4271 9.1.2.2 f and g: lowest BGP identifier, then lowest peer address. */
export function compareTieBreak(a: Candidate, b: Candidate): number {
  return compareBytes(addressBytes(a.peerRouterId), addressBytes(b.peerRouterId)) || compareBytes(addressBytes(a.peerAddress), addressBytes(b.peerAddress));
}

/** Runs the decision over every candidate for one prefix; undefined when there are none. */
export function decide<C extends Candidate>(candidates: readonly C[], o: DecisionOptions = {}): Decision<C> | undefined {
  if (candidates.length === 0) return undefined;
  const rules: [DecisionStep, (cs: C[]) => C[]][] = [
    ['local-pref', (cs) => keepHighest(cs, (c) => effectiveLocalPref(c, o))],
    ['community', (cs) => keepHighest(cs, (c) => communityPreference(c, o.communityPreference))],
    ['as-path', (cs) => keepHighest(cs, (c) => -asPathLength(c.attributes.asPath))],
    ['origin', (cs) => keepHighest(cs, (c) => -originOf(c))],
    ['med', (cs) => keepLowestMed(cs, o.alwaysCompareMed ?? false)],
    ['ebgp', (cs) => (cs.some((c) => !c.internal) ? cs.filter((c) => !c.internal) : cs)],
  ];
  let left = [...candidates];
  const steps: { step: DecisionStep; removed: C[] }[] = [];
  for (const [step, rule] of rules) {
    const kept = rule(left);
    if (kept.length < left.length) steps.push({ step, removed: left.filter((c) => !kept.includes(c)).sort(compareTieBreak) });
    left = kept;
  }
  const paths = left.sort(compareTieBreak).slice(0, Math.max(1, o.maxPaths ?? Infinity));
  return { paths, best: paths[0]!, steps };
}
