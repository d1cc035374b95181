import { parseAddress } from '../addresses.js';
import type { PresetNeighbor, PresetPlan } from './plan.js';
import type { LinodePreset } from './preset-schema.js';

/**
 * Linode's route servers: four per data centre, eBGP multihop from AS 65001,
 * IPv6 sessions that carry IPv4 routes too (RFC 8950), short timers because
 * the session is the failure detector when nothing else is.
 */
export const LINODE = {
  peerAs: 65000,
  localAs: 65001,
  holdTime: 9,
  connectRetry: 5,
  multihop: 16,
  communities: { primary: '65000:1', secondary: '65000:2' },
  /** lelastic's -infp: the production route servers' prefix, and the one of Linode's lab. */
  routeServerPrefix: '2600:3c0f',
  labRouteServerPrefix: '2600:3c1f',
} as const;

/**
 * The decimal id is written into the address as it is: id 10 -> 2600:3c0f:10:34::1..4
 * (lelastic builds the same text from -infp and -dcid).
 */
export const linodeRouteServers = (dcid: number, prefix: string = LINODE.routeServerPrefix): string[] =>
  [1, 2, 3, 4].map((i) => `${prefix}:${dcid}:34::${i}`);

/** Why `prefix` cannot stand before `:DCID:34::N`, or undefined. */
export function routeServerPrefixProblem(prefix: string): string | undefined {
  const expected = `expected one to four groups of hex digits such as ${LINODE.routeServerPrefix}, or ${LINODE.labRouteServerPrefix} for Linode's lab`;
  if (!/^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){0,3}$/.test(prefix)) return `${JSON.stringify(prefix)} is not an IPv6 prefix of whole groups (${expected})`;
  const r = parseAddress(`${prefix}:1:34::1`);
  return r.ok && r.value.family === 'ipv6' ? undefined : `${prefix}:DCID:34::1 is not an IPv6 address (${expected})`;
}

export function linodePlan(l: LinodePreset): PresetPlan {
  const at = ['preset', 'linode'];
  const neighbors = linodeRouteServers(l.dcid, l.routeServerPrefix).map(
    (address, i): PresetNeighbor => ({
      entry: {
        address,
        'peer-as': LINODE.peerAs,
        description: `linode route server ${i + 1}`,
        multihop: l.multihop,
        'hold-time': LINODE.holdTime,
        'connect-retry': LINODE.connectRetry,
        import: 'none',
        families: ['ipv4', 'ipv6'],
        'extended-next-hop': true,
        // A route kept by a restarting-peer helper would hold traffic on a dead instance.
        'graceful-restart': false,
        'next-hop': 'self',
      },
      from: at,
      written: false,
      keyFrom: { address: [...at, l.routeServerPrefix === LINODE.routeServerPrefix ? 'dcid' : 'route-server-prefix'], multihop: [...at, 'multihop'] },
    }),
  );
  const v6 = l.send56 ? 56 : 64;
  return {
    name: 'linode',
    localAs: LINODE.localAs,
    localAsFrom: at,
    neighbors,
    role: { role: l.role, style: 'community', communities: LINODE.communities, from: [...at, 'role'] },
    prefixProblem: (p) => {
      if (p.family === 'ipv4' && p.len !== 32) return `${p.text} is not a single address (expected IPv4 /32 prefixes: Linode shares IPv4 addresses one by one)`;
      if (p.family === 'ipv6' && p.len !== v6) {
        return l.send56
          ? `${p.text} is not a /56 (expected IPv6 /56 prefixes with send56: true)`
          : `${p.text} is not a /64 (expected IPv6 /64 prefixes, or /56 ones with send56: true)`;
      }
      return undefined;
    },
    requireAllow: false,
  };
}
