// `npm run lab`: builds the failover lab (root), runs every scenario once
// with floatd at its defaults, prints the table and tears everything down.
// Then the L2 section (vrrp-scenarios.ts): a floatd pair and a keepalived
// pair sharing a LAN by VRRP, each faulted on its Active host.
//   node dist/lab/failover/cli.js [--router bird|frr] [--scenario ID[,ID...]] [--quick] [--verbose]
// Exits 1 when a scenario did not behave as expected, 2 on bad usage.

import { Lab, requireLab } from '../netns.js';
import { floatdContender, floatdHasCommand } from './contenders.js';
import { textTable } from './report.js';
import { runScenario } from './runner.js';
import { FULL_TIMING, QUICK_TIMING } from './scenario-types.js';
import type { ScenarioResult } from './scenario-types.js';
import { SCENARIOS } from './scenarios.js';
import { vrrpSection, VRRP_SCENARIOS } from './vrrp-section.js';
import { FailoverLab } from './topology.js';
import type { RouterKind } from './topology.js';

const USAGE = 'usage: lab [--router bird|frr] [--scenario ID[,ID...]] [--quick] [--verbose]';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(`${USAGE}\nscenarios: ${[...SCENARIOS, ...VRRP_SCENARIOS].map((s) => s.id).join(', ')}`);
    return 0;
  }
  const router = (arg('--router') ?? 'bird') as RouterKind;
  if (router !== 'bird' && router !== 'frr') {
    console.error(USAGE);
    return 2;
  }
  const wanted = arg('--scenario')?.split(',');
  const all = [...SCENARIOS, ...VRRP_SCENARIOS];
  const unknown = wanted?.filter((id) => !all.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}`);
    return 2;
  }
  const scenarios = wanted === undefined ? SCENARIOS : SCENARIOS.filter((s) => wanted.includes(s.id));
  const l2 = wanted === undefined ? VRRP_SCENARIOS : VRRP_SCENARIOS.filter((s) => wanted.includes(s.id));
  const timing = process.argv.includes('--quick') ? QUICK_TIMING : FULL_TIMING;
  if (scenarios.length > 0) requireLab(router === 'bird' ? ['bird', 'birdc'] : ['vtysh', '/usr/lib/frr/zebra', '/usr/lib/frr/bgpd']);
  if (l2.length > 0) requireLab(['keepalived', 'curl']);
  const results: ScenarioResult[] = [];
  if (scenarios.length > 0) results.push(...(await bgpSection(router, scenarios, timing)));
  if (l2.length > 0) {
    console.log('\nL2: two hosts share a LAN and the floating address by VRRP; the Active host is faulted');
    const r = await vrrpSection(l2, (l) => console.log(l));
    console.log('');
    console.log(textTable(r));
    results.push(...r);
  }
  return results.some((r) => r.status === 'unexpected' || r.status === 'error') ? 1 : 0;
}

async function bgpSection(router: RouterKind, scenarios: typeof SCENARIOS, timing: typeof FULL_TIMING): Promise<ScenarioResult[]> {
  const contender = floatdContender({ drainCommand: await floatdHasCommand('drain') });
  const lab = new Lab('lab');
  const results: ScenarioResult[] = [];
  try {
    console.log(`building the lab: ${router === 'bird' ? 'BIRD 2' : 'FRR'} router with ECMP, instances a, b, c, a client at ${timing.rate} requests/s`);
    const fl = await FailoverLab.build(lab, { router });
    console.log(`floatd: ${contender.settings}`);
    for (const s of scenarios) {
      const r = await runScenario(fl, contender, s, { timing, say: (l) => console.log(l) });
      console.log(`  ${s.title}: ${r.status}, ${r.failed} failed${r.recoveryMs !== undefined ? `, recovery ${(r.recoveryMs / 1000).toFixed(2)} s` : ''}${r.problems.length > 0 ? ` (${r.problems.join('; ')})` : ''}`);
      results.push(r);
    }
  } finally {
    await lab.cleanup();
  }
  console.log('');
  console.log(textTable(results));
  return results;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
