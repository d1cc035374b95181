// The lab's L2 section, short: a floatd pair (process check, adverts 0.1 s)
// sharing a LAN by VRRP, with a client at 100 requests/s. Behaviour only,
// never speed: after each fault on the Active host the client ends in a
// clean run of answers from the other host, and the address is never on
// both hosts while both routers run.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requireLab } from '../../lab/netns.js';
import { vrrpLan, type VrrpLan } from '../../lab/vrrp-lan.js';
import { PAIRS, Servers } from '../../lab/vrrp-pair.js';
import { runVrrpScenario, VRRP_TIMING, vrrpScenarioById } from '../../lab/failover/vrrp-scenarios.js';
import type { ScenarioResult } from '../../lab/failover/scenario-types.js';

const TIMING = { ...VRRP_TIMING, settleMs: 1_000, capMs: 10_000 };
let lan: VrrpLan | undefined;
let servers: Servers | undefined;
let failed = false;

before(async () => {
  requireLab(['keepalived', 'curl']);
  lan = await vrrpLan('l2t');
  servers = new Servers(lan);
});

after(async () => {
  if (failed && lan !== undefined) console.log(lan.lab.logTails(20));
  await lan?.lab.cleanup();
});

async function scenario(id: string): Promise<ScenarioResult> {
  const s = vrrpScenarioById(id);
  assert.ok(s && lan && servers);
  const r = await runVrrpScenario(lan, servers, s, PAIRS.floatdFast, TIMING);
  console.log(`[${id}] ${r.status}: ${r.failed} failed of ${r.requests}, served ${JSON.stringify(r.servedBy)}; ${r.detail ?? r.note ?? ''}`);
  if (r.status !== 'ok') failed = true;
  return r;
}

function servedAfterFailover(r: ScenarioResult): void {
  assert.equal(r.status, 'ok', `${r.scenario}: ${r.note ?? r.problems.join('; ')}`);
  assert.ok(r.recoveryMs !== undefined, 'traffic settled on the other host');
  assert.ok((r.servedBy['ka'] ?? 0) > 0, 'the other host served');
  assert.ok(r.failed < r.requests, 'not every request failed');
}

test('service killed on the Active: the other floatd serves, never both holding the address', { timeout: 90_000 }, async () => {
  servedAfterFailover(await scenario('vrrp-service-death'));
});

test('Active floatd stopped (SIGTERM): the other serves, never both holding the address', { timeout: 90_000 }, async () => {
  servedAfterFailover(await scenario('vrrp-graceful-stop'));
});

test('Active floatd frozen (SIGSTOP): the other takes over and serves', { timeout: 90_000 }, async () => {
  servedAfterFailover(await scenario('vrrp-freeze'));
});
