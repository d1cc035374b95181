import { LINODE, linodeRouteServers } from './linode-route-servers.js';
import type { PresetNeighbor, PresetPlan } from './plan.js';
import type { LinodePreset } from './preset-schema.js';

export function linodePlan(l: LinodePreset): PresetPlan {
  const at = ['preset', 'linode'];
  const neighbors = linodeRouteServers(l.dcid, l.routeServerPrefix).map(
    (address, i): PresetNeighbor => ({
      entry: {
        address,
        'peer-as': LINODE.peerAs,
        description: `linode route server ${i + 1}`,
        multihop: l.multihop,
        'hold-time': [...LINODE.holdTimes],
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
