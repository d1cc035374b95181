// `floatd routes`: per neighbor, what we announce and (import: all) what it sent us.

import { formatCommunity, formatLargeCommunity } from '../bgp/codec/attributes/communities.js';
import type { AsPathSegment } from '../bgp/codec/types.js';
import { table } from './format-table.js';
import type { NeighborRoutesView, RouteView } from './format-views.js';

const ORIGINS = ['IGP', 'EGP', 'incomplete'];

/** RFC 4271 AS_SEQUENCE as plain numbers, AS_SET in braces; RFC 5065 confederation segments in () and []. */
export function asPathText(path: readonly AsPathSegment[] | undefined): string {
  if (!path || path.length === 0) return '-';
  return path
    .map((s) => {
      const asns = s.asns.join(' ');
      switch (s.type as number) {
        case 1:
          return `{${asns}}`;
        case 3:
          return `(${asns})`;
        case 4:
          return `[${asns}]`;
        default:
          return asns;
      }
    })
    .join(' ');
}

/** JSON turns octet arrays into arrays or index-keyed objects; either way, hex. */
function octetsHex(v: unknown): string {
  const values = Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.values(v) : [];
  return values.map((b) => (Number(b) & 0xff).toString(16).padStart(2, '0')).join('');
}

export function communitiesText(a: RouteView['attributes']): string {
  const parts = [
    ...(a.communities ?? []).map(formatCommunity),
    ...(a.largeCommunities ?? []).map(formatLargeCommunity),
    ...(a.extendedCommunities ?? []).map((e) => `ext:${octetsHex(e)}`),
  ];
  return parts.join(' ') || '-';
}

function routeRow(dir: string, r: RouteView): string[] {
  const a = r.attributes;
  return [
    dir,
    r.prefix,
    r.nextHops.join(' ') || a.nextHop || '-',
    asPathText(a.asPath),
    a.origin === undefined ? '-' : (ORIGINS[a.origin] ?? String(a.origin)),
    a.med === undefined ? '-' : String(a.med),
    a.localPref === undefined ? '-' : String(a.localPref),
    communitiesText(a),
  ];
}

export function formatRoutes(neighbors: readonly NeighborRoutesView[]): string {
  if (neighbors.length === 0) return 'no neighbors configured\n';
  return neighbors
    .map((n) => {
      const total = n.receivedTotal ?? n.received.length;
      const shown = total > n.received.length ? ` (the first ${n.received.length} shown)` : '';
      const head = `Neighbor ${n.neighbor}: ${n.announced.length} announced, ${total} received${shown}\n`;
      if (n.announced.length + n.received.length === 0) return `${head}  (no routes)\n`;
      const rows = [
        ['Dir', 'Prefix', 'Next hop', 'AS path', 'Origin', 'MED', 'LocPref', 'Communities'],
        ...n.announced.map((r) => routeRow('out', r)),
        ...n.received.map((r) => routeRow('in', r)),
      ];
      return `${head}${table(rows, '  ')}\n`;
    })
    .join('\n');
}
