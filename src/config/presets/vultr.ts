import { passwordKeys } from './plan.js';
import type { PresetNeighbor, PresetPlan } from './plan.js';
import type { VultrPreset } from './preset-schema.js';

/** Vultr's BGP service: the same peer in every location, reached two hops away. */
export const VULTR = {
  peerAs: 64515,
  ipv4Neighbor: '169.254.169.254',
  ipv6Neighbor: '2001:19f0:ffff::1',
  multihop: 2,
  /**
   * Without BFD the hold timer is how Vultr's router notices a dead instance.
   * Its route servers run BIRD, whose default hold time is 240 s and which
   * takes any shorter offer unless a minimum is set: 3 s (keepalive 1 s) is
   * what RFC 4271 allows at least; a refusal climbs to 9 s (Linode's choice for
   * the same job), 30 s, then 90 s (RFC 4271's suggestion).
   */
  holdTimes: [3, 9, 30, 90],
} as const;

export function vultrPlan(v: VultrPreset): PresetPlan {
  const at = ['preset', 'vultr'];
  const secret = passwordKeys(v, at);
  const neighbor = (address: string, family: 'ipv4' | 'ipv6', source: string, sourceKey: string): PresetNeighbor => ({
    entry: {
      address,
      'peer-as': VULTR.peerAs,
      description: 'vultr',
      'local-address': source,
      ...secret.entry,
      multihop: VULTR.multihop,
      'hold-time': [...VULTR.holdTimes],
      import: 'none',
      families: [family],
      // Off, as in every preset: a peer keeping a dead instance's routes is the opposite of failover. A neighbors entry for this address can turn it on.
      'graceful-restart': false,
      'next-hop': 'self',
    },
    from: at,
    written: false,
    keyFrom: { 'local-address': [...at, sourceKey], ...secret.keyFrom },
  });
  const neighbors = [neighbor(VULTR.ipv4Neighbor, 'ipv4', v.sourceAddress, 'source-address')];
  if (v.sourceAddressV6 !== undefined) neighbors.push(neighbor(VULTR.ipv6Neighbor, 'ipv6', v.sourceAddressV6, 'source-address-v6'));
  return {
    name: 'vultr',
    localAs: v.asn,
    localAsFrom: [...at, 'asn'],
    routerId: { value: v.sourceAddress, from: [...at, 'source-address'] },
    neighbors,
    ...(v.role !== undefined ? { role: { role: v.role, style: 'prepend' as const, from: [...at, 'role'] } } : {}),
    requireAllow: false,
  };
}
