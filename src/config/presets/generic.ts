import { PASSWORD_KEYS, passwordKeys } from './plan.js';
import type { PresetNeighbor, PresetPlan } from './plan.js';
import type { GenericPreset } from './preset-schema.js';

/**
 * Your own routers take any hold time down to RFC 4271's 3 s unless told
 * otherwise; one that refuses gets the next candidate (see hold-ladder).
 */
export const GENERIC_HOLD_TIMES = [3, 9, 30, 90] as const;

/** Your own ASN and routers: the routers are neighbor entries; an allow list is required. */
export function genericPlan(g: GenericPreset): PresetPlan {
  const at = ['preset', 'generic'];
  const secret = passwordKeys(g, at);
  const neighbors = g.routers.map((r, i): PresetNeighbor => {
    const own = PASSWORD_KEYS.some((k) => k in r);
    const entry = 'hold-time' in r ? r : { ...r, 'hold-time': [...GENERIC_HOLD_TIMES] };
    return {
      entry: own ? entry : { ...entry, ...secret.entry },
      from: [...at, 'routers', i],
      written: true,
      keyFrom: { ...(own ? {} : secret.keyFrom), ...(entry === r ? {} : { 'hold-time': [...at, 'routers', i] }) },
    };
  });
  return {
    name: 'generic',
    localAs: g.asn,
    localAsFrom: [...at, 'asn'],
    neighbors,
    ...(g.role !== undefined ? { role: { role: g.role, style: 'prepend' as const, from: [...at, 'role'] } } : {}),
    requireAllow: true,
  };
}
