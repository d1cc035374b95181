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
 * A string equal for two routes exactly when they can share one UPDATE:
 * same next hops and same attributes (order of keys irrelevant).
 */
export function attributeKey(r: Route): string {
  const a = r.attributes;
  const parts: string[] = [r.prefix.afi === 1 ? '4' : '6', r.nextHops.join(',')];
  for (const k of Object.keys(a).sort()) {
    const v = (a as Record<string, unknown>)[k];
    if (v === undefined) continue;
    parts.push(`${k}=${JSON.stringify(v, (_key, x: unknown) => (x instanceof Uint8Array ? hex(x) : x))}`);
  }
  return parts.join('|');
}
