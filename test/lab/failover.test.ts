// Short failover scenarios against real BIRD with ECMP into its kernel FIB
// (lab/failover): three instances running `floatd run` with an HTTP
// service on the floating address, a client at 100 requests/s through the
// router. Outcomes only, never timings: which instances the router's FIB
// sends the floating address to, which instances answered, and no failed
// request on a graceful stop. Health settings are short so the whole file
// stays well under two minutes; every wait is bounded.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { FLOATD_BIN, floatdRunMissing } from '../../lab/daemons/floatd.js';
import { floatdContender } from '../../lab/failover/contenders.js';
import type { Contender } from '../../lab/failover/contenders.js';
import { runScenario } from '../../lab/failover/runner.js';
import { FULL_TIMING } from '../../lab/failover/scenario-types.js';
import type { ScenarioResult, Timing } from '../../lab/failover/scenario-types.js';
import { scenarioById } from '../../lab/failover/scenarios.js';
import { FailoverLab } from '../../lab/failover/topology.js';
import { Lab, LabError, requireLab } from '../../lab/netns.js';

const TIMING: Timing = { ...FULL_TIMING, settleMs: 1_000, capMs: 15_000, baselineMs: 500, readyMs: 30_000, spreadMs: 1_500 };
const HEALTH = { interval: 0.5, 'fast-interval': 0.2, rise: 2, fall: 2, timeout: 0.4 };

let lab: Lab | undefined;
let fl: FailoverLab | undefined;
let failed = false;

before(async () => {
  requireLab(['bird', 'birdc']);
  const missing = existsSync(FLOATD_BIN) ? await floatdRunMissing() : `${FLOATD_BIN} is missing`;
  if (missing !== undefined) throw new LabError(`\`floatd run\` is not available (build with \`npx tsc -p tsconfig.json\`): ${missing}`);
  lab = new Lab('fo');
  fl = await FailoverLab.build(lab, { router: 'bird' });
});

after(async () => {
  if (failed && lab !== undefined) console.log(`logs of ${lab.dir}\n${lab.logTails(15)}`);
  await lab?.cleanup();
});

async function scenario(id: string, contender: Contender): Promise<ScenarioResult> {
  const s = scenarioById(id);
  assert.ok(s, `scenario ${id}`);
  assert.ok(fl, 'the lab was built');
  const r = await runScenario(fl, contender, s, { timing: TIMING });
  if (r.status !== 'ok') failed = true;
  console.log(`[${id}] ${r.status}: ${r.failed} failed (${r.rehashResets} ECMP rehash resets), served ${JSON.stringify(r.servedBy)}${r.detail ? `; ${r.detail}` : ''}`);
  return r;
}

const ok = (r: ScenarioResult) => assert.equal(r.status, 'ok', `${r.scenario}: ${r.note ?? r.problems.join('; ')}`);
const fast = floatdContender({ id: 'floatd-ci', label: 'floatd (short checks)', health: HEALTH });

test('active-active: the router holds three next hops and every instance serves', { timeout: 60_000 }, async () => {
  const r = await scenario('active-active', fast);
  ok(r);
  for (const n of ['a', 'b', 'c']) assert.ok((r.servedBy[n] ?? 0) > 0, `${n} served nothing`);
  assert.equal(r.failed, 0);
});

test('service failure: a leaves the router\'s FIB and only b and c serve afterwards', { timeout: 60_000 }, async () => {
  const r = await scenario('service-failure', fast);
  ok(r);
  assert.ok(r.failed > 0, 'a answered 500 until it was withdrawn, so some requests failed');
  assert.ok((r.servedBy['b'] ?? 0) > 0 && (r.servedBy['c'] ?? 0) > 0, 'b and c served');
});

test('service recovery: a returns to the FIB once healthy and serves again, nothing fails', { timeout: 90_000 }, async () => {
  const r = await scenario('service-recovery', fast);
  ok(r);
  assert.ok((r.servedBy['a'] ?? 0) > 0, 'a served after its repair');
  assert.equal(r.failed - r.rehashResets, 0);
});

test('floatd killed with SIGKILL (graceful restart off): its route leaves the FIB, b and c serve', { timeout: 60_000 }, async () => {
  // With graceful restart (floatd's default) BIRD keeps a dead speaker's routes as stale for the restart time.
  const r = await scenario('daemon-kill', floatdContender({ id: 'floatd-ci-nogr', label: 'floatd (short checks, no GR)', health: HEALTH, neighborExtra: { 'graceful-restart': false } }));
  ok(r);
  assert.ok((r.servedBy['b'] ?? 0) > 0 && (r.servedBy['c'] ?? 0) > 0, 'b and c served');
});

test('graceful SIGTERM: a is withdrawn and no request fails (ECMP rehash resets aside)', { timeout: 60_000 }, async () => {
  const r = await scenario('graceful-stop', fast);
  ok(r);
  assert.equal(r.failed - r.rehashResets, 0, `failures: ${JSON.stringify(r.failures)}`);
});
