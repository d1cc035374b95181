// The OPEN floatd sends (RFC 4271 4.2) and the capabilities in it (RFC 5492).
// 4-octet AS (RFC 6793), route refresh (RFC 2918) and enhanced route refresh
// (RFC 7313) are always offered; the rest follows the configuration.

import type { Capability } from '../codec/capabilities.js';
import { Afi, Safi } from '../codec/constants.js';
import { BGP_VERSION, twoOctetAsOf, type OpenMessage } from '../codec/open.js';
import { familyAfi, type Family } from './families.js';

export interface LocalSpeaker {
  readonly localAs: number;
  readonly routerId: string;
  /** Seconds: 0, or at least 3 (RFC 4271 4.2). */
  readonly holdTime: number;
  readonly families: readonly Family[];
  /** Offer IPv4 unicast routes with IPv6 next hops (RFC 8950). */
  readonly extendedNextHopIpv4: boolean;
  /** RFC 4724; forwarding is offered for every configured family. */
  readonly gracefulRestart?: { readonly restartTime: number; readonly restarting: boolean; readonly forwarding: boolean };
  /** RFC 8654. */
  readonly extendedMessage: boolean;
  /** FQDN capability (draft-walton-bgp-hostname-capability). */
  readonly hostname?: string;
  readonly domainName?: string;
  /** RFC 7911: families for which we accept, or send, several paths per prefix. */
  readonly addPathReceive?: readonly Family[];
  readonly addPathSend?: readonly Family[];
}

export const multiprotocolOf = (f: Family): Capability => ({ kind: 'multiprotocol', afi: familyAfi(f), safi: Safi.Unicast });

export function buildLocalOpen(cfg: LocalSpeaker): OpenMessage {
  const caps: Capability[] = cfg.families.map(multiprotocolOf);
  caps.push({ kind: 'route-refresh' }, { kind: 'enhanced-route-refresh' }, { kind: 'four-octet-as', asn: cfg.localAs });
  if (cfg.extendedNextHopIpv4) {
    caps.push({ kind: 'extended-next-hop', entries: [{ afi: Afi.Ipv4, safi: Safi.Unicast, nextHopAfi: Afi.Ipv6 }] });
  }
  if (cfg.extendedMessage) caps.push({ kind: 'extended-message' });
  const gr = cfg.gracefulRestart;
  if (gr !== undefined) {
    caps.push({
      kind: 'graceful-restart',
      restarting: gr.restarting,
      notification: false,
      restartTime: gr.restartTime,
      families: cfg.families.map((f) => ({ afi: familyAfi(f), safi: Safi.Unicast, forwarding: gr.forwarding })),
    });
  }
  const addPath = cfg.families.flatMap((f) => {
    const rx = cfg.addPathReceive?.includes(f) === true;
    const tx = cfg.addPathSend?.includes(f) === true;
    if (!rx && !tx) return [];
    return [{ afi: familyAfi(f), safi: Safi.Unicast, mode: rx && tx ? ('both' as const) : rx ? ('receive' as const) : ('send' as const) }];
  });
  if (addPath.length > 0) caps.push({ kind: 'add-path', entries: addPath });
  if (cfg.hostname !== undefined) caps.push({ kind: 'fqdn', hostname: cfg.hostname, domain: cfg.domainName ?? '' });
  return {
    type: 'open',
    version: BGP_VERSION,
    myAs: twoOctetAsOf(cfg.localAs),
    holdTime: cfg.holdTime,
    bgpId: cfg.routerId,
    capabilities: caps,
    otherParameters: [],
  };
}
