// Drain, pure: the attributes a route is re-announced with before it is
// withdrawn. RFC 8326 (Graceful BGP Session Shutdown): the GRACEFUL_SHUTDOWN
// community 65535:0 asks the receiving AS to lower the route's preference
// (LOCAL_PREF 0), so it moves traffic to the other instances while this one
// still forwards; the withdraw that follows then drops no packet. LOCAL_PREF
// itself reaches iBGP neighbors only; eBGP neighbors act on the community.

import { WellKnownCommunity } from '../bgp/codec/constants.js';
import type { AnnounceAttributes } from './policy.js';

export const GRACEFUL_SHUTDOWN: number = WellKnownCommunity.GracefulShutdown;

export interface DrainSettings {
  /** How long the tagged routes stay before the withdraw (ms). */
  readonly timeMs: number;
  /** LOCAL_PREF while draining; RFC 8326 section 4 suggests 0. */
  readonly localPref: number;
}

/**
 * Three seconds: the upstream acts on the UPDATE as soon as it has it and
 * moves traffic within its own best-path run and FIB update, well under a
 * second on a route server or a BIRD/FRR router; the rest leaves room for a
 * second BGP hop (a router re-advertising to its iBGP peers). Short enough
 * that a stop under systemd's default TimeoutStopSec stays far from the kill.
 */
export const DEFAULT_DRAIN: DrainSettings = { timeMs: 3000, localPref: 0 };

/** `a` with GRACEFUL_SHUTDOWN added (once) and LOCAL_PREF set. */
export function drainAttributes(a: AnnounceAttributes, s: DrainSettings): AnnounceAttributes {
  const communities = a.communities ?? [];
  return {
    ...a,
    communities: communities.includes(GRACEFUL_SHUTDOWN) ? communities : [...communities, GRACEFUL_SHUTDOWN],
    localPref: s.localPref,
  };
}
