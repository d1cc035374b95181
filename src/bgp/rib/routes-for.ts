// From announcements to the routes one neighbor should receive on the
// session it has now: a pure function of the desired set, the neighbor and
// what the session negotiated (next hop self is our address on it).

import { AsPathSegmentType, Origin } from '../codec/constants.js';
import type { PathAttributes } from '../codec/types.js';
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
}

/** An entry whose next hop cannot be expressed on a session (say, IPv6 prefix, next-hop self, IPv4-only session). */
export interface SkippedRoute {
  readonly prefix: string;
  readonly reason: string;
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
