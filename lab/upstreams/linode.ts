// A Linode-like upstream (seed 002): route servers in AS 65000 at
// 2600:3c0f:DCID:34::N, several hops from the instances, reached over IPv6
// sessions that carry both IPv4 and IPv6 routes (IPv4 with an IPv6 next
// hop, RFC 8950), hold time 9 s. They prefer a path tagged 65000:1
// (primary) over one tagged 65000:2 (secondary): a BIRD import filter sets
// LOCAL_PREF from the community, which BGP compares before the AS path.
// Each route server is its own BIRD bound to its own address.
//
//   instance K 2001:db8:K::2/64 -- ::1 linode-net 2001:db8:99::1 -- ::2 route servers (2600:3c0f:DCID:34::N on lo)

import { Bird } from '../daemons/bird.js';
import type { FloatdConfig } from '../daemons/floatd.js';
import type { Lab } from '../netns.js';

export const LINODE_AS = 65000;
export const LINODE_CUSTOMER_AS = 65001;
export const LINODE_HOLD_TIME = 9;
/** lelastic 0.2.0's TTL for the multihop sessions. */
export const LINODE_MULTIHOP = 16;
export const PRIMARY_COMMUNITY = '65000:1';
export const SECONDARY_COMMUNITY = '65000:2';

/** LOCAL_PREF per role community; untagged paths keep BIRD's default 100. */
export const ROLE_LOCAL_PREF = { primary: 300, secondary: 200 } as const;

/** The route servers' import filter: the role community decides before anything else. */
export const ROLE_FILTER = [
  'filter linode_role {',
  `  if (65000, 1) ~ bgp_community then bgp_local_pref = ${ROLE_LOCAL_PREF.primary};`,
  `  else if (65000, 2) ~ bgp_community then bgp_local_pref = ${ROLE_LOCAL_PREF.secondary};`,
  '  accept;',
  '}',
].join('\n');

/** The four route servers of data centre `dcid` (its decimal id written into the address as is). */
export function linodeRouteServers(dcid: number, count = 4): string[] {
  return Array.from({ length: count }, (_, i) => `2600:3c0f:${dcid}:34::${i + 1}`);
}

export interface LinodeInstance {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
  /** Protocol name for this instance in every route server. */
  readonly protocol: string;
}

export interface LinodeLab {
  readonly routeServers: readonly { readonly address: string; readonly bird: Bird }[];
  readonly instances: readonly LinodeInstance[];
  instance(name: string): LinodeInstance;
}

/** Namespaces, links and `count` route servers of data centre `dcid`, with instances `names` (at most eight). */
export async function buildLinodeLab(lab: Lab, o: { dcid: number; routeServers?: number; names?: readonly string[] }): Promise<LinodeLab> {
  const names = o.names ?? ['a', 'b'];
  const net = await lab.namespace('linode-net');
  const rsNs = await lab.namespace('linode-rs');
  await lab.sysctl(net, 'net.ipv6.conf.all.forwarding', '1');
  await lab.veth(net, rsNs, { ifA: 'ln0', ifB: 'lr0', addrA: ['2001:db8:99::1/64'], addrB: ['2001:db8:99::2/64'] });
  const servers = linodeRouteServers(o.dcid, o.routeServers ?? 2);
  for (const a of servers) await lab.addAddress(rsNs, 'lo', `${a}/128`);
  await lab.route(net, [`2600:3c0f:${o.dcid}:34::/64`, 'via', '2001:db8:99::2']);
  await lab.route(rsNs, ['default', 'via', '2001:db8:99::1']);
  const instances: LinodeInstance[] = [];
  for (const [k, name] of names.entries()) {
    const ns = await lab.namespace(`linode-${name}`);
    const n = k + 1;
    await lab.veth(net, ns, { ifA: `ln${n}`, ifB: `li${n}`, addrA: [`2001:db8:${n}::1/64`], addrB: [`2001:db8:${n}::2/64`] });
    await lab.route(ns, ['default', 'via', `2001:db8:${n}::1`]);
    instances.push({ name, ns, address: `2001:db8:${n}::2`, protocol: `cust_${name}` });
  }
  const routeServers: { address: string; bird: Bird }[] = [];
  for (const [k, address] of servers.entries()) {
    const bird = await Bird.start(lab, rsNs, `linode-rs${k + 1}`, {
      routerId: `10.213.0.${k + 1}`,
      filters: ROLE_FILTER,
      direct: ['ipv6'],
      // The instances' networks, for resolving their (multihop) next hops.
      staticRoutes: instances.map((_, i) => ({ prefix: `2001:db8:${i + 1}::/64`, via: '2001:db8:99::1' })),
      sessions: instances.map((i) => ({
        name: i.protocol,
        localAddress: address,
        localAs: LINODE_AS,
        neighborAddress: i.address,
        neighborAs: LINODE_CUSTOMER_AS,
        family: 'ipv6',
        channels: ['ipv4', 'ipv6'],
        extendedNextHop: true,
        multihop: LINODE_MULTIHOP,
        holdTime: LINODE_HOLD_TIME,
        import: 'filter linode_role',
        export: 'none',
      })),
    });
    routeServers.push({ address, bird });
  }
  return {
    routeServers,
    instances,
    instance: (name) => {
      const i = instances.find((x) => x.name === name);
      if (i === undefined) throw new RangeError(`no instance ${name}`);
      return i;
    },
  };
}

/**
 * floatd on a Linode instance, what lelastic sets up: a session to every
 * route server, IPv6 carrying IPv4 and IPv6 with extended next hop,
 * multihop, hold 9 s, connect retry 5 s; the role as community 65000:1 or
 * 65000:2.
 */
export function linodeFloatdConfig(o: {
  instance: LinodeInstance;
  routeServers: readonly string[];
  prefixes: readonly string[];
  check: Record<string, unknown>;
  role: 'primary' | 'secondary';
  /** More keys for the service (attributes, health settings). */
  service?: Record<string, unknown>;
}): FloatdConfig {
  return {
    'router-id': `10.213.1.${o.instance.name.charCodeAt(0) - 96}`,
    'local-as': LINODE_CUSTOMER_AS,
    neighbors: o.routeServers.map((address) => ({
      address,
      'peer-as': LINODE_AS,
      'local-address': o.instance.address,
      families: ['ipv4', 'ipv6'],
      'extended-next-hop': true,
      multihop: LINODE_MULTIHOP,
      'hold-time': LINODE_HOLD_TIME,
      'connect-retry': 5,
    })),
    services: [{ name: 'web', prefixes: [...o.prefixes], check: o.check, role: o.role, 'role-style': 'community', ...(o.service ?? {}) }],
  };
}
