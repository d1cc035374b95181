import type { PathAttributes, Prefix } from '../codec/types.js';

/** One route floatd wants a peer to have: a prefix, its next hop(s) and attributes. */
export interface Route {
  readonly prefix: Prefix;
  /** One IPv4 or IPv6 address, or IPv6 global + link-local. */
  readonly nextHops: readonly string[];
  /** Without nextHop / mpReach / mpUnreach: the next hop travels in `nextHops`. */
  readonly attributes: PathAttributes;
}

export const prefixKey = (p: Prefix): string => (p.pathId === undefined ? `${p.addr}/${p.len}` : `${p.addr}/${p.len}#${p.pathId}`);

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/**
 * Every attribute the key must cover. Typed as a record over PathAttributes'
 * keys, so a new attribute cannot be added without deciding its place here.
 */
const KEY_PARTS: { readonly [K in keyof Required<PathAttributes>]: ((a: PathAttributes) => string) | null } = {
  origin: (a) => `${a.origin ?? ''}`,
  asPath: (a) => (a.asPath ?? []).map((s) => `${s.type}:${s.asns.join(' ')}`).join(';'),
  med: (a) => `${a.med ?? ''}`,
  localPref: (a) => `${a.localPref ?? ''}`,
  atomicAggregate: (a) => (a.atomicAggregate ? '1' : ''),
  aggregator: (a) => (a.aggregator ? `${a.aggregator.asn}@${a.aggregator.address}` : ''),
  communities: (a) => a.communities?.join(',') ?? '',
  extendedCommunities: (a) => a.extendedCommunities?.map(hex).join(',') ?? '',
  largeCommunities: (a) => a.largeCommunities?.map((c) => `${c.global}:${c.local1}:${c.local2}`).join(',') ?? '',
  originatorId: (a) => a.originatorId ?? '',
  clusterList: (a) => a.clusterList?.join(',') ?? '',
  unknown: (a) => a.unknown?.map((u) => `${u.flags}:${u.type}:${hex(u.value)}`).join(',') ?? '',
  // The next hop travels in Route.nextHops; MP attributes never sit in a stored attribute set.
  nextHop: null,
  mpReach: null,
  mpUnreach: null,
};
const PARTS = Object.values(KEY_PARTS).filter((f): f is (a: PathAttributes) => string => f !== null);

/**
 * A string equal for two routes exactly when they can share one UPDATE:
 * same family, same next hops and same attributes.
 */
export function attributeKey(r: Route): string {
  let k = `${r.prefix.afi}|${r.nextHops.join(',')}`;
  for (const part of PARTS) k += `|${part(r.attributes)}`;
  return k;
}
