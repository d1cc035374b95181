// A reload that only drops address families a session never negotiated
// leaves nothing to reset: the session carries none of them (RFC 4760 8,
// only families both OPENs named are exchanged), and our next OPEN simply
// names fewer. Such neighbors move from the plan's `reset` to `infoOnly`.
// Pure: the sessions' negotiated families are given.

import type { Config } from '../config/index.js';
import type { NeighborChange, ReloadPlan } from './config-diff.js';

/**
 * A neighbor's session as the reload sees it: the families negotiated when
 * Established, [] before any OPEN was sent (Idle, Connect, Active), and
 * undefined while an OPEN exchange runs (our OPEN already named the old families).
 */
export type NegotiatedFamilies = (address: string) => readonly string[] | undefined;

export function keepSessionsOfUnusedFamilies(plan: ReloadPlan, old: Config, next: Config, negotiated: NegotiatedFamilies): ReloadPlan {
  const before = new Map(old.neighbors.map((n) => [n.address, n]));
  const after = new Map(next.neighbors.map((n) => [n.address, n]));
  const reset: NeighborChange[] = [];
  const kept: NeighborChange[] = [];
  const lines = new Map<string, string>();
  for (const c of plan.neighbors.reset) {
    const a = before.get(c.address);
    const b = after.get(c.address);
    const had = negotiated(c.address);
    const dropped = a && b ? a.families.filter((f) => !b.families.includes(f)) : [];
    const onlyDropped = c.keys.length === 1 && c.keys[0] === 'families' && b !== undefined && b.families.every((f) => a?.families.includes(f));
    if (!onlyDropped || had === undefined || dropped.some((f) => had.includes(f))) {
      reset.push(c);
      continue;
    }
    kept.push(c);
    lines.set(`neighbor ${c.address} reset: ${c.changes.join(', ')}`, `neighbor ${c.address} updated: ${c.changes.join(', ')} (${dropped.join(' ')} never negotiated: the session stays)`);
  }
  if (kept.length === 0) return plan;
  return {
    ...plan,
    neighbors: { ...plan.neighbors, reset, infoOnly: [...plan.neighbors.infoOnly, ...kept] },
    changes: plan.changes.map((l) => lines.get(l) ?? l),
  };
}
