// Runs one scenario with one contender on a built FailoverLab: starts the
// HTTP services and the contender's daemons, waits for the routes and for
// clean traffic, runs the scenario, and always puts the lab back: undo
// steps, daemons and services stopped, the router without the floating
// route (sessions reset if a route outlived its daemon), so the next
// scenario starts from the same state.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError, sleep, waitFor } from '../netns.js';
import type { LabProcess } from '../netns.js';
import type { Contender, InstancePlan, RunningInstance } from './contenders.js';
import { FibWatch } from './fib-watch.js';
import { startHttpService } from './http-service-process.js';
import { rehashResets, settledFor, summarize } from './measure.js';
import { epochNow, parseRecords } from './records.js';
import type { RequestRecord } from './records.js';
import type { Scenario, ScenarioContext, ScenarioOutcome, ScenarioResult, Timing } from './scenario-types.js';
import { HTTP_PORT, VIP } from './topology.js';
import type { FailoverLab } from './topology.js';

const CLIENT_JS = fileURLToPath(new URL('./client.js', import.meta.url));

export interface RunScenarioOptions {
  readonly timing: Timing;
  /** Progress lines; default silent. */
  readonly say?: (line: string) => void;
}

let runs = 0;

function plansFor(fl: FailoverLab, scenario: Scenario, tag: string): InstancePlan[] {
  const plan = (name: string, extra: Partial<InstancePlan> = {}): InstancePlan => ({
    site: fl.site(name),
    disableFile: join(fl.lab.dir, `${tag}-${name}.disable`),
    tag: `${tag}-${name}`,
    ...extra,
  });
  if (scenario.layout === 'active-active') return fl.sites.map((s) => plan(s.name));
  return [plan('a', { role: 'primary', failback: scenario.failback ?? true }), plan('b', { role: 'secondary' })];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

export async function runScenario(fl: FailoverLab, contender: Contender, scenario: Scenario, o: RunScenarioOptions): Promise<ScenarioResult> {
  const base = { scenario: scenario.id, title: scenario.title, contender: contender.id, contenderLabel: contender.label };
  const empty = { requests: 0, failed: 0, rehashResets: 0, failures: {}, servedBy: {}, problems: [] };
  const why = scenario.unsupported?.(contender);
  if (why !== undefined) return { ...base, ...empty, status: 'n/a', note: why };

  const say = o.say ?? (() => undefined);
  const t = o.timing;
  runs += 1;
  const tag = `${scenario.id}-${contender.id}-${runs}`;
  const plans = plansFor(fl, scenario, tag);
  const servers = new Map<string, LabProcess>();
  const instances = new Map<string, RunningInstance>();
  const undo: (() => Promise<void>)[] = [];
  let client: LabProcess | undefined;
  let fib: FibWatch | undefined;
  let records: RequestRecord[] = [];
  const readRecords = () => (client === undefined ? [] : parseRecords(client.output()));
  const complete = () => epochNow() - t.requestTimeoutMs - 250;

  try {
    for (const s of fl.sites) servers.set(s.name, await startHttpService(fl.lab, s.ns, `${tag}-http-${s.name}`, s.name, VIP, HTTP_PORT));
    for (const p of plans) instances.set(p.site.name, await contender.start(fl.lab, p));
    const announcing = plans.map((p) => p.site.name).sort();
    const carrying = scenario.layout === 'active-active' ? announcing : ['a'];
    await waitFor(
      `routes from ${announcing.join(', ')} at the router, and its FIB sending to ${carrying.join(', ')}`,
      async () => {
        for (const i of instances.values()) if (!i.daemon.running) throw new LabError(`${i.daemon.name} exited (${i.daemon.exitCode ?? i.daemon.exitSignal})`);
        const [sources, now] = [await fl.bgpSources(), await fl.fib()];
        return announcing.every((n) => sources.includes(n)) && sameSet(now, carrying);
      },
      { timeoutMs: t.readyMs, intervalMs: 200 },
    );
    fib = FibWatch.start(fl.lab, fl.routerNs, `${tag}-fib`, VIP);
    client = fl.lab.spawn(fl.clientNs, `${tag}-client`, process.execPath, [CLIENT_JS, '--url', `http://${VIP}:${HTTP_PORT}/`, '--rate', String(t.rate), '--timeout', String(t.requestTimeoutMs)]);
    const started = epochNow();
    await waitFor(
      `${t.baselineMs} ms of clean traffic on ${carrying.join(', ')}`,
      () => settledFor(readRecords(), started, complete(), carrying, t.baselineMs, (t.baselineMs * t.rate) / 2000),
      { timeoutMs: t.baselineMs + t.requestTimeoutMs + 15_000, intervalMs: 100 },
    );

    const fibWatch = fib;
    const ctx: ScenarioContext = {
      fl,
      contender,
      timing: t,
      instance: (n) => instances.get(n) ?? failMissing('instance', n),
      server: (n) => servers.get(n) ?? failMissing('service', n),
      plan: (n) => plans.find((p) => p.site.name === n) ?? failMissing('plan', n),
      records: readRecords,
      fibEvents: () => fibWatch.events(),
      onCleanup: (step) => undo.push(step),
      complete,
      say,
      async waitSettled(from, target) {
        const deadline = from + t.capMs + t.requestTimeoutMs + 250;
        const minRequests = (t.settleMs * t.rate) / 2000;
        for (;;) {
          const upTo = complete();
          if (settledFor(readRecords(), from, upTo, target, t.settleMs, minRequests)) return true;
          if (epochNow() > deadline) return false;
          await sleep(200);
        }
      },
    };
    say(`  ${scenario.id} / ${contender.id}: event`);
    const outcome: ScenarioOutcome = await scenario.run(ctx);
    await client.stop('SIGTERM', t.requestTimeoutMs + 2_000);
    records = readRecords();
    const s = summarize(records, outcome.event, outcome.end);
    const resets = rehashResets(records, outcome.event, outcome.end, fib.events().map((e) => e.t));
    const problems = [...outcome.problems];
    if (scenario.zeroFailures === true && s.failed > resets) problems.unshift(`${s.failed - resets} failed requests besides ECMP rehash resets (${Object.entries(s.failures).map(([k, v]) => `${v} ${k}`).join(', ')})`);
    return {
      ...base,
      status: problems.length === 0 ? 'ok' : 'unexpected',
      requests: s.requests,
      failed: s.failed,
      rehashResets: resets,
      ...(s.lastFailureMs !== undefined ? { lastFailureMs: s.lastFailureMs } : {}),
      ...(outcome.recoveryMs !== undefined ? { recoveryMs: outcome.recoveryMs } : {}),
      failures: s.failures,
      servedBy: s.servedBy,
      ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
      problems,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    say(`  ${scenario.id} / ${contender.id}: error: ${message}`);
    if (process.env['FLOATD_LAB_VERBOSE'] === '1') say(fl.lab.logTails(20));
    return { ...base, ...empty, status: 'error', note: message };
  } finally {
    await client?.stop('SIGTERM', t.requestTimeoutMs + 2_000);
    await fib?.stop();
    for (const step of undo.reverse()) await step().catch((e: unknown) => say(`  undo failed: ${String(e)}`));
    await Promise.all([...instances.values()].map((i) => i.stop()));
    await Promise.all([...servers.values()].map((p) => p.stop('SIGTERM', 3_000)));
    for (const p of plans) if (existsSync(p.disableFile)) rmSync(p.disableFile);
    await clearRouter(fl);
  }
}

function failMissing(what: string, name: string): never {
  throw new LabError(`this scenario has no ${what} ${name}`);
}

/** Waits for the floating route to leave the router; resets the sessions when one outlives its daemon (graceful restart keeps stale routes). */
async function clearRouter(fl: FailoverLab): Promise<void> {
  const gone = async () => (await fl.bgpSources()).length === 0 && (await fl.fib()).length === 0;
  try {
    await waitFor('the floating route to leave the router', gone, { timeoutMs: 3_000, intervalMs: 100 });
    return;
  } catch {
    await fl.router.resetSessions();
  }
  await waitFor('the floating route to leave the router after a session reset', gone, { timeoutMs: 15_000, intervalMs: 200 });
}
