import { PASSWORD_KEYS, passwordKeys } from './plan.js';
import type { PresetNeighbor, PresetPlan } from './plan.js';
import type { GenericPreset } from './preset-schema.js';

/** Your own ASN and routers: the routers are neighbor entries; an allow list is required. */
export function genericPlan(g: GenericPreset): PresetPlan {
  const at = ['preset', 'generic'];
  const secret = passwordKeys(g, at);
  const neighbors = g.routers.map((r, i): PresetNeighbor => {
    const own = PASSWORD_KEYS.some((k) => k in r);
    return {
      entry: own ? r : { ...r, ...secret.entry },
      from: [...at, 'routers', i],
      written: true,
      keyFrom: own ? {} : secret.keyFrom,
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
