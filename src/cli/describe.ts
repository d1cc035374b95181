// One-line, human-readable summaries of decoded BGP messages.

import { formatCommunity, formatLargeCommunity } from '../bgp/codec/attributes/index.js';
import type { Capability } from '../bgp/codec/capabilities.js';
import { AsPathSegmentType } from '../bgp/codec/constants.js';
import { errorActionName } from '../bgp/codec/errors.js';
import type { DecodedMessage } from '../bgp/codec/message.js';
import { quoteText } from '../util/terminal-text.js';
import { describeNotification } from '../bgp/codec/notification.js';
import { peerAsOf } from '../bgp/codec/open.js';
import type { AsPathSegment, PathAttributes, Prefix } from '../bgp/codec/types.js';
import { endOfRibFamily } from '../bgp/codec/update.js';

const family = (afi: number, safi: number): string =>
  `${afi === 1 ? 'ipv4' : afi === 2 ? 'ipv6' : `afi${afi}`}${safi === 1 ? '' : `/safi${safi}`}`;

/** Capabilities floatd keeps raw but can name (IANA capability codes). */
const UNPARSED_CAPABILITIES: Readonly<Record<number, string>> = {
  71: 'long-lived-graceful-restart',
  128: 'route-refresh-old',
};

export function describeCapability(c: Capability): string {
  switch (c.kind) {
    case 'multiprotocol':
      return `mp:${family(c.afi, c.safi)}`;
    case 'four-octet-as':
      return `as4:${c.asn}`;
    case 'graceful-restart':
      return `graceful-restart:${c.restartTime}s${c.restarting ? ',restarting' : ''}${c.families.map((f) => `,${family(f.afi, f.safi)}${f.forwarding ? '+fwd' : ''}`).join('')}`;
    case 'extended-next-hop':
      return `extended-next-hop:${c.entries.map((e) => `${family(e.afi, e.safi)}>${family(e.nextHopAfi, 1)}`).join(',')}`;
    case 'add-path':
      return `add-path:${c.entries.map((e) => `${family(e.afi, e.safi)}=${e.mode}`).join(',')}`;
    case 'fqdn':
      // Peer-chosen text: escaped as describeNotification escapes a shutdown communication.
      return `hostname:${quoteText(`${c.hostname}${c.domain ? `.${c.domain}` : ''}`)}`;
    case 'unknown':
      return UNPARSED_CAPABILITIES[c.code] ?? `cap${c.code}`;
    default:
      return c.kind;
  }
}

const prefixes = (ps: readonly Prefix[]): string =>
  ps.map((p) => `${p.addr}/${p.len}${p.pathId === undefined ? '' : `#${p.pathId}`}`).join(' ');

const asPath = (segs: readonly AsPathSegment[]): string =>
  segs.map((s) => (s.type === AsPathSegmentType.AsSet ? `{${s.asns.join(',')}}` : s.asns.join(' '))).join(' ');

export function describeAttributes(a: PathAttributes): string {
  const out: string[] = [];
  if (a.origin !== undefined) out.push(`origin ${['igp', 'egp', 'incomplete'][a.origin] ?? a.origin}`);
  if (a.asPath) out.push(`as-path [${asPath(a.asPath)}]`);
  if (a.nextHop) out.push(`next-hop ${a.nextHop}`);
  if (a.mpReach) out.push(`next-hop ${a.mpReach.nextHops.join(' ')}`);
  if (a.med !== undefined) out.push(`med ${a.med}`);
  if (a.localPref !== undefined) out.push(`local-pref ${a.localPref}`);
  if (a.atomicAggregate) out.push('atomic-aggregate');
  if (a.aggregator) out.push(`aggregator ${a.aggregator.asn} ${a.aggregator.address}`);
  if (a.communities?.length) out.push(`communities ${a.communities.map(formatCommunity).join(' ')}`);
  if (a.extendedCommunities?.length) out.push(`ext-communities ${a.extendedCommunities.map((e) => Buffer.from(e).toString('hex')).join(' ')}`);
  if (a.largeCommunities?.length) out.push(`large-communities ${a.largeCommunities.map(formatLargeCommunity).join(' ')}`);
  if (a.unknown?.length) out.push(`unknown ${a.unknown.map((u) => `type${u.type}`).join(' ')}`);
  return out.join(', ');
}

export function describeMessage(m: DecodedMessage): string {
  switch (m.type) {
    case 'open':
      return `OPEN as ${peerAsOf(m)} hold ${m.holdTime}s id ${m.bgpId} caps ${m.capabilities.map(describeCapability).join(' ')}`;
    case 'keepalive':
      return 'KEEPALIVE';
    case 'notification':
      return `NOTIFICATION ${describeNotification(m)}`;
    case 'route-refresh':
      return `ROUTE-REFRESH ${family(m.afi, m.safi)}${m.subtype === 1 ? ' begin' : m.subtype === 2 ? ' end' : ''}`;
    case 'update': {
      const eor = endOfRibFamily(m);
      if (eor !== undefined) return `UPDATE End-of-RIB ${family(eor, 1)}`;
      const parts: string[] = [];
      const withdrawn = [...m.withdrawn, ...(m.attributes.mpUnreach?.withdrawn ?? [])];
      const announced = [...m.nlri, ...(m.attributes.mpReach?.nlri ?? [])];
      if (withdrawn.length) parts.push(`withdraw ${prefixes(withdrawn)}`);
      if (announced.length) parts.push(`announce ${prefixes(announced)} with ${describeAttributes(m.attributes)}`);
      if (m.action !== undefined) parts.push(`(${errorActionName(m.action)}: ${m.errors.map((e) => e.message).join('; ')})`);
      return `UPDATE ${parts.join('; ')}`;
    }
  }
}
