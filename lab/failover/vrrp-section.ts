// The L2 section of `npm run lab`: builds the VRRP LAN once and runs each
// VRRP scenario with the floatd pair and the keepalived pair.

import { vrrpLan } from '../vrrp-lan.js';
import { PAIRS, Servers, type PairSettings } from '../vrrp-pair.js';
import type { ScenarioResult } from './scenario-types.js';
import { runVrrpScenario, VRRP_SCENARIOS, VRRP_TIMING, type VrrpScenario, type VrrpTiming } from './vrrp-scenarios.js';

export { VRRP_SCENARIOS };

/** floatd at its defaults (as the BGP section runs it) against keepalived's vrrp_script at the same advert interval. */
export const VRRP_PAIRS: readonly PairSettings[] = [PAIRS.floatdDefaults, PAIRS.keepalivedDefaults];

export async function vrrpSection(scenarios: readonly VrrpScenario[], say: (line: string) => void, pairs: readonly PairSettings[] = VRRP_PAIRS, t: VrrpTiming = VRRP_TIMING): Promise<ScenarioResult[]> {
  const lan = await vrrpLan('l2');
  const servers = new Servers(lan);
  const results: ScenarioResult[] = [];
  try {
    for (const s of scenarios) {
      for (const p of pairs) {
        const r = await runVrrpScenario(lan, servers, s, p, t);
        say(`  ${s.title} / ${p.id}: ${r.status}, ${r.failed} failed${r.recoveryMs !== undefined ? `, recovery ${(r.recoveryMs / 1000).toFixed(2)} s` : ''}${r.problems.length > 0 || r.note ? ` (${[...r.problems, r.note ?? ''].join('; ')})` : ''}`);
        results.push(r);
      }
    }
  } finally {
    await lan.lab.cleanup();
  }
  return results;
}
