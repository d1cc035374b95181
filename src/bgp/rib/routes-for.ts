// From announcements to the routes one neighbor should receive on the
// session it has now: a pure function of the desired set, the neighbor and
// what the session negotiated (next hop self is our address on it).

import { AsPathSegmentType, Origin } from '../codec/constants.js';
import { parsePrefix } from '../codec/ip.js';
import { prefixText } from '../codec/nlri.js';
import type { PathAttributes, Prefix } from '../codec/types.js';
import type { Negotiated } from '../fsm/index.js';
import type { Announcement } from './announcement.js';
import type { Route } from './route.js';

/** Who receives the routes: the neighbor as the desired set names it, and its next-hop default. */
export interface RouteTarget {
  readonly localAs: number;
  readonly address: string;
  readonly peerAs: number;
  /** "self" or an address; used where an announcement names no next hop. */
  readonly nextHop: string;
  /**
   * The config's `allow` list, parsed. The config refuses prefixes outside it
   * (and default routes it does not list); this is the check again where
   * routes are built, so no path into the desired set can send one.
   */
  readonly allow?: readonly Prefix[] | undefined;
}

/** An entry whose next hop cannot be expressed on a session (say, IPv6 prefix, next-hop self, IPv4-only session). */
export interface SkippedRoute {
  readonly prefix: string;
  readonly reason: string;
  /** Refused by `allow`: a fault upstream of here, not a session limit. */
  readonly refused?: true;
}

/** True when `inner` is equal to or more specific than `outer`. */
function covers(outer: Prefix, inner: Prefix): boolean {
  if (outer.afi !== inner.afi || outer.len > inner.len) return false;
  const a = outer.bytes ?? parsePrefix(prefixText(outer)).bytes;
  const b = inner.bytes ?? parsePrefix(prefixText(inner)).bytes;
  for (let bit = 0; bit < outer.len; bit += 8) {
    const n = Math.min(8, outer.len - bit);
    const mask = (0xff << (8 - n)) & 0xff;
    if (((a[bit >> 3] ?? 0) & mask) !== ((b[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

/** Why `p` may not be sent under `allow`: a default route only if listed, anything else only inside an entry. */
export function allowRefusal(p: Prefix, allow: readonly Prefix[] | undefined): string | undefined {
  if (p.len === 0 && !(allow ?? []).some((a) => a.len === 0 && a.afi === p.afi)) return 'a default route not listed in allow';
  if (allow !== undefined && !allow.some((a) => covers(a, p))) return 'outside the allow list';
  return undefined;
}

/** RFC 7404 aside, an IPv6 next hop must be global; a link-local local address is used only as the second next hop. */
const isLinkLocal = (a: string): boolean => /^fe[89ab]/i.test(a);

export function routesFor(
  target: RouteTarget,
  entries: readonly Announcement[],
  session: { negotiated: Negotiated; localAddress: string },
  skipped: SkippedRoute[] = [],
): Route[] {
  const ibgp = target.peerAs === target.localAs;
  const local = session.localAddress.replace(/^::ffff:/, '');
  const out: Route[] = [];
  for (const a of entries) {
    if (!a.neighbors.includes(target.address)) continue;
    const p = a.nlri;
    const refusal = allowRefusal(p, target.allow);
    if (refusal !== undefined) {
      skipped.push({ prefix: a.prefix, reason: refusal, refused: true });
      continue;
    }
    const wanted = a.nextHop ?? target.nextHop;
    let nextHop: string;
    if (wanted === 'self') {
      const v6Local = local.includes(':');
      if (p.afi === 2 && !v6Local) {
        skipped.push({ prefix: a.prefix, reason: 'next-hop self needs an IPv6 session for an IPv6 prefix (set next-hop explicitly)' });
        continue;
      }
      if (p.afi === 1 && v6Local && !session.negotiated.extendedNextHopIpv4) {
        skipped.push({ prefix: a.prefix, reason: 'IPv4 prefix over an IPv6 session needs extended-next-hop (RFC 8950) or an explicit next-hop' });
        continue;
      }
      if (isLinkLocal(local)) {
        skipped.push({ prefix: a.prefix, reason: `our session address ${local} is link-local (set next-hop explicitly)` });
        continue;
      }
      nextHop = local;
    } else {
      nextHop = wanted;
    }
    out.push({ prefix: p, nextHops: [nextHop], attributes: attributesOf(a, target.localAs, ibgp) });
  }
  return out;
}

/** ORIGIN IGP; our AS (eBGP) plus prepends; MED, communities; LOCAL_PREF only towards iBGP (RFC 4271 5.1.5). */
export function attributesOf(a: Announcement, localAs: number, ibgp: boolean): PathAttributes {
  const copies = (ibgp ? 0 : 1) + a.prepend;
  const attrs: PathAttributes = {
    origin: Origin.Igp,
    asPath: copies > 0 ? [{ type: AsPathSegmentType.AsSequence, asns: new Array<number>(copies).fill(localAs) }] : [],
  };
  if (a.med !== undefined) attrs.med = a.med;
  if (ibgp) attrs.localPref = a.localPref ?? 100;
  if (a.communities.length > 0) attrs.communities = a.communities;
  if (a.largeCommunities.length > 0) attrs.largeCommunities = a.largeCommunities;
  return attrs;
}
