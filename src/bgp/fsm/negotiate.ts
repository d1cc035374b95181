// Checking the peer's OPEN, in the order of RFC 4271 6.2, and working out what
// the session negotiated. Peer AS per RFC 6793 4.1, identifier per RFC 6286,
// families per RFC 4760 8 and RFC 5492 5.

import { capabilitiesOfKind, encodeCapability, type AddPathMode } from '../codec/capabilities.js';
import { AS_TRANS, Afi, ErrorCode, OpenSubcode, Safi } from '../codec/constants.js';
import { ipv4ToNumber } from '../codec/ip.js';
import type { OpenMessage } from '../codec/open.js';
import type { CodecContext } from '../codec/types.js';
import { familyOf, type Family } from './families.js';
import { multiprotocolOf, type LocalSpeaker } from './local-open.js';

export interface PeerExpectations {
  readonly peerAs: number;
  /** Refuse a peer that lacks any configured family, not only one that shares none. */
  readonly requireFamilies?: boolean;
}

export interface PeerGracefulRestart {
  readonly restartTime: number;
  readonly restarting: boolean;
  readonly notification: boolean;
  readonly families: readonly { readonly family: Family; readonly forwarding: boolean }[];
}

export interface Negotiated {
  readonly peerAs: number;
  readonly peerRouterId: string;
  /** Seconds; 0 means no hold timer and no KEEPALIVEs (RFC 4271 4.4). */
  readonly holdTime: number;
  readonly keepaliveTime: number;
  /** Seconds, as the peer's OPEN proposed. */
  readonly peerHoldTime: number;
  readonly families: readonly Family[];
  readonly fourOctetAs: boolean;
  readonly routeRefresh: boolean;
  readonly enhancedRouteRefresh: boolean;
  readonly extendedMessage: boolean;
  readonly extendedNextHopIpv4: boolean;
  /** rx: the peer may send us several paths; tx: we may send it several (RFC 7911 5). */
  readonly addPath: { readonly rxIpv4: boolean; readonly rxIpv6: boolean; readonly txIpv4: boolean; readonly txIpv6: boolean };
  readonly peerGracefulRestart?: PeerGracefulRestart;
  readonly peerHostname?: string;
  /** Codec contexts for what we receive and what we send. */
  readonly rx: CodecContext;
  readonly tx: CodecContext;
}

/** The NOTIFICATION that refuses an OPEN. */
export interface OpenRejection {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export type OpenCheck =
  | { readonly ok: true; readonly negotiated: Negotiated }
  | { readonly ok: false; readonly notification: OpenRejection; readonly reason: string };

const reject = (subcode: number, reason: string, data: Uint8Array = new Uint8Array(0)): OpenCheck => ({
  ok: false,
  notification: { code: ErrorCode.OpenMessage, subcode, data },
  reason,
});

const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);

const ipv4Number = (text: string): number | undefined => {
  try {
    return ipv4ToNumber(text);
  } catch {
    return undefined;
  }
};

/** RFC 4760 8: a peer that sends no multiprotocol capability speaks IPv4 unicast only. */
function peerFamilies(open: OpenMessage): Set<Family> {
  const mp = capabilitiesOfKind(open.capabilities, 'multiprotocol');
  if (mp.length === 0) return new Set(['ipv4']);
  const out = new Set<Family>();
  for (const c of mp) {
    const f = familyOf(c.afi, c.safi);
    if (f !== undefined) out.add(f);
  }
  return out;
}

function peerAddPath(open: OpenMessage): Map<Family, AddPathMode> {
  const out = new Map<Family, AddPathMode>();
  for (const c of capabilitiesOfKind(open.capabilities, 'add-path')) {
    for (const e of c.entries) {
      const f = familyOf(e.afi, e.safi);
      if (f !== undefined) out.set(f, e.mode);
    }
  }
  return out;
}

function peerGracefulRestart(open: OpenMessage): PeerGracefulRestart | undefined {
  const gr = capabilitiesOfKind(open.capabilities, 'graceful-restart')[0];
  if (gr === undefined) return undefined;
  const families: { family: Family; forwarding: boolean }[] = [];
  for (const e of gr.families) {
    const family = familyOf(e.afi, e.safi);
    if (family !== undefined) families.push({ family, forwarding: e.forwarding });
  }
  return { restartTime: gr.restartTime, restarting: gr.restarting, notification: gr.notification, families };
}

/** Hold time is the smaller of the two; 0 on either side turns it off (RFC 4271 4.2). */
export const negotiateHoldTime = (ours: number, theirs: number): number => Math.min(ours, theirs);

/** RFC 4271 10 suggests one third of the hold time. */
export const keepaliveTimeOf = (holdTime: number): number => Math.floor(holdTime / 3);

export function checkPeerOpen(local: LocalSpeaker, peer: PeerExpectations, open: OpenMessage): OpenCheck {
  const as4 = capabilitiesOfKind(open.capabilities, 'four-octet-as')[0];
  // RFC 6793 4.1: AS_TRANS stands for a 4-octet AS only when the capability says which.
  if (as4 === undefined && open.myAs === AS_TRANS) {
    return reject(OpenSubcode.BadPeerAs, 'peer sent AS_TRANS without the 4-octet AS capability', u16(open.myAs));
  }
  const peerAs = as4?.asn ?? open.myAs;
  if (peerAs !== peer.peerAs) {
    return reject(OpenSubcode.BadPeerAs, `peer AS ${peerAs} is not the configured ${peer.peerAs}`, u16(open.myAs));
  }

  if (open.holdTime === 1 || open.holdTime === 2) {
    return reject(OpenSubcode.UnacceptableHoldTime, `hold time ${open.holdTime} s is below 3 and not 0`);
  }

  const peerId = ipv4Number(open.bgpId);
  if (peerId === undefined || peerId === 0) return reject(OpenSubcode.BadBgpIdentifier, `BGP identifier ${open.bgpId} is invalid`);
  // RFC 6286 2.2: identifiers must differ inside one AS; across ASes they may be equal.
  if (peerAs === local.localAs && peerId === ipv4Number(local.routerId)) {
    return reject(OpenSubcode.BadBgpIdentifier, `iBGP peer uses our own BGP identifier ${open.bgpId}`);
  }

  const offered = peerFamilies(open);
  const families = local.families.filter((f) => offered.has(f));
  const missing = local.families.filter((f) => !offered.has(f));
  if (families.length === 0 || (peer.requireFamilies === true && missing.length > 0)) {
    // RFC 5492 5: the data lists the capabilities we need and did not get.
    const data = Buffer.concat(missing.map((f) => encodeCapability(multiprotocolOf(f))));
    return reject(OpenSubcode.UnsupportedCapability, `peer does not offer ${missing.join(' and ')} unicast`, new Uint8Array(data));
  }

  const has = (kind: 'route-refresh' | 'enhanced-route-refresh' | 'extended-message'): boolean =>
    capabilitiesOfKind(open.capabilities, kind).length > 0;
  const fourOctetAs = as4 !== undefined;
  const extendedMessage = local.extendedMessage && has('extended-message');
  const extendedNextHopIpv4 =
    local.extendedNextHopIpv4 &&
    capabilitiesOfKind(open.capabilities, 'extended-next-hop').some((c) =>
      c.entries.some((e) => e.afi === Afi.Ipv4 && e.safi === Safi.Unicast && e.nextHopAfi === Afi.Ipv6),
    );

  // Our receive pairs with their send, and the other way round (RFC 7911 5).
  const theirs = peerAddPath(open);
  const theySend = (f: Family): boolean => theirs.get(f) === 'send' || theirs.get(f) === 'both';
  const theyReceive = (f: Family): boolean => theirs.get(f) === 'receive' || theirs.get(f) === 'both';
  const rx = (f: Family): boolean => families.includes(f) && local.addPathReceive?.includes(f) === true && theySend(f);
  const tx = (f: Family): boolean => families.includes(f) && local.addPathSend?.includes(f) === true && theyReceive(f);
  const addPath = { rxIpv4: rx('ipv4'), rxIpv6: rx('ipv6'), txIpv4: tx('ipv4'), txIpv6: tx('ipv6') };

  const holdTime = negotiateHoldTime(local.holdTime, open.holdTime);
  const gr = peerGracefulRestart(open);
  const fqdn = capabilitiesOfKind(open.capabilities, 'fqdn')[0];
  const negotiated: Negotiated = {
    peerAs,
    peerRouterId: open.bgpId,
    holdTime,
    keepaliveTime: keepaliveTimeOf(holdTime),
    peerHoldTime: open.holdTime,
    families,
    fourOctetAs,
    routeRefresh: has('route-refresh'),
    enhancedRouteRefresh: has('enhanced-route-refresh'),
    extendedMessage,
    extendedNextHopIpv4,
    addPath,
    ...(gr !== undefined ? { peerGracefulRestart: gr } : {}),
    ...(fqdn !== undefined ? { peerHostname: fqdn.hostname } : {}),
    // RFC 8654 3: the peer may send large messages once it has our capability; we only once we have its.
    rx: { fourOctetAs, extendedMessage: local.extendedMessage, addPathIpv4: addPath.rxIpv4, addPathIpv6: addPath.rxIpv6, external: peerAs !== local.localAs },
    tx: { fourOctetAs, extendedMessage, addPathIpv4: addPath.txIpv4, addPathIpv6: addPath.txIpv6 },
  };
  return { ok: true, negotiated };
}

/** 127.0.0.0/8 and ::1 (plain or IPv4-mapped): a peer there is on this host. */
const isLoopbackAddress = (a: string): boolean => /^(::ffff:)?127\./i.test(a) || a === '::1';

/**
 * How this peer's UPDATEs are read: a loopback NEXT_HOP is not a valid host
 * address (RFC 4271 6.3, RFC 7606 7.3) from a peer on another host, but it is
 * the only one a peer on this host (a local route server, the demo) can give.
 */
export function receiveContext(rx: CodecContext, peerAddress: string): CodecContext {
  return isLoopbackAddress(peerAddress) ? rx : { ...rx, rejectLoopbackNextHop: true };
}
