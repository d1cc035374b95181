// Failover, measured in one run: every lab scenario (lab/failover) with
// floatd at its defaults, ExaBGP 4 with its healthcheck program at its
// defaults, and ExaBGP at its fastest sensible settings, against the same
// BIRD router with ECMP. Prints failed requests and recovery time per
// scenario and contender, checks the project's targets, and writes
// docs/failover.md and docs/failover.svg.
//
// Needs root (namespaces, port 179). Run: npm run bench:failover [-- options]
//   --scenario ID[,ID...]  only these scenarios (docs are then written only with --write)
//   --runs N               runs per scenario and contender (default 1; medians reported)
//   --quick                shorter waits and flapping
//   --contenders LIST      floatd,exabgp,exabgp-fast (default all three)
//   --router bird|frr      the router daemon (default bird)
//   --write / --no-write   force or skip writing docs/
//   --json FILE            also save the run (settings and every result) as JSON
//   --render FILE          no lab: print and write docs from a run saved with --json

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../lab/daemons/floatd.js';
import { failoverChart } from '../lab/failover/chart.js';
import { exabgpDefaults, exabgpFast, floatdContender, floatdHasCommand } from '../lab/failover/contenders.js';
import type { Contender } from '../lab/failover/contenders.js';
import { failoverDoc } from '../lab/failover/doc.js';
import { combineRuns, textTable } from '../lab/failover/report.js';
import { runScenario } from '../lab/failover/runner.js';
import { FULL_TIMING, QUICK_TIMING } from '../lab/failover/scenario-types.js';
import type { ScenarioResult, Timing } from '../lab/failover/scenario-types.js';
import { SCENARIOS } from '../lab/failover/scenarios.js';
import { checkTargets, targetsText } from '../lab/failover/targets.js';
import { FailoverLab } from '../lab/failover/topology.js';
import type { RouterKind } from '../lab/failover/topology.js';
import { Lab, requireLab } from '../lab/netns.js';

/** One benchmark run, everything the report needs. */
interface SavedRun {
  readonly started: number;
  readonly durationS: number;
  readonly machine: string;
  readonly software: string;
  readonly router: RouterKind;
  readonly runs: number;
  readonly timing: Timing;
  readonly contenders: readonly { readonly id: string; readonly label: string; readonly settings: string }[];
  readonly scenarios: readonly string[];
  readonly results: readonly ScenarioResult[];
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

function version(cmd: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? '?';
}

const log = (r: ScenarioResult) => {
  const rec = r.recoveryMs === undefined ? '' : `, recovery ${(r.recoveryMs / 1000).toFixed(2)} s`;
  console.log(`  ${r.scenario.padEnd(17)} ${r.contender.padEnd(12)} ${r.status.padEnd(10)} ${String(r.failed).padStart(4)} failed${rec}${r.problems.length > 0 ? `  (${r.problems.join('; ')})` : ''}${r.note ? `  ${r.note}` : ''}`);
};

async function measure(): Promise<{ run: SavedRun; write: boolean }> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error('bench:failover needs root: it creates network namespaces and runs BGP daemons on port 179.');
    process.exit(1);
  }
  const router = (arg('--router') ?? 'bird') as RouterKind;
  const runs = Number(arg('--runs') ?? 1);
  const timing = process.argv.includes('--quick') ? QUICK_TIMING : FULL_TIMING;
  const wanted = arg('--scenario')?.split(',');
  const unknown = wanted?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0 || (router !== 'bird' && router !== 'frr') || !Number.isInteger(runs) || runs < 1) {
    console.error('usage: bench:failover [--scenario ID[,ID...]] [--runs N] [--quick] [--contenders floatd,exabgp,exabgp-fast] [--router bird|frr] [--write|--no-write] [--json FILE] [--render FILE]');
    console.error(`scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    process.exit(2);
  }
  const scenarios = wanted === undefined ? SCENARIOS : SCENARIOS.filter((s) => wanted.includes(s.id));
  const write = process.argv.includes('--write') || (wanted === undefined && !process.argv.includes('--no-write'));

  requireLab([...(router === 'bird' ? ['bird', 'birdc'] : ['vtysh', '/usr/lib/frr/zebra', '/usr/lib/frr/bgpd']), '/usr/bin/exabgp-healthcheck', '/usr/sbin/python3-exabgp', 'curl']);
  const drainCommand = await floatdHasCommand('drain');
  const all: Contender[] = [floatdContender({ drainCommand }), exabgpDefaults(), exabgpFast()];
  const chosen = arg('--contenders')?.split(',') ?? all.map((c) => c.id);
  const contenders = all.filter((c) => chosen.includes(c.id));

  const started = Date.now();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, load average at start ${loadavg()[0]!.toFixed(2)} (shared with other work)`;
  const software = [
    `Node.js ${process.version}`,
    router === 'bird' ? `BIRD ${version('bird', ['--version'], /version\s+(\S+)/i)}` : `FRR ${version('/usr/lib/frr/bgpd', ['--version'], /version\s+(\S+)/i)}`,
    `ExaBGP ${version('dpkg-query', ['-W', '-f=${Version}', 'exabgp'], /^(\S+)/)} (Debian package, healthcheck /usr/bin/exabgp-healthcheck)`,
    `curl ${version('curl', ['--version'], /^curl (\S+)/)}`,
  ].join(', ');

  console.log(`failover benchmark: ${scenarios.length} scenarios × ${contenders.length} contenders × ${runs} run(s), ${router === 'bird' ? 'BIRD 2' : 'FRR'} router with ECMP`);
  console.log(machine);
  for (const c of contenders) console.log(`  ${c.label}: ${c.settings}`);

  const lab = new Lab('bfail');
  const perRun: ScenarioResult[][] = [];
  try {
    const fl = await FailoverLab.build(lab, { router });
    for (const s of scenarios) {
      for (const c of contenders) {
        const list: ScenarioResult[] = [];
        for (let i = 0; i < runs; i++) {
          const r = await runScenario(fl, c, s, { timing });
          log(r);
          list.push(r);
        }
        perRun.push(list);
      }
    }
  } finally {
    await lab.cleanup();
  }
  return {
    write,
    run: {
      started,
      durationS: (Date.now() - started) / 1000,
      machine,
      software,
      router,
      runs,
      timing,
      contenders: contenders.map((c) => ({ id: c.id, label: c.label, settings: c.settings })),
      scenarios: scenarios.map((s) => s.id),
      results: perRun.map(combineRuns),
    },
  };
}

/** Observations that belong next to the figures, from what the run saw. */
function notesFor(run: SavedRun): string[] {
  const get = (s: string, c: string) => run.results.find((r) => r.scenario === s && r.contender === c);
  const notes: string[] = [];
  if (get('daemon-kill', 'floatd')?.status === 'unexpected') {
    notes.push(
      'BGP daemon killed: floatd announces the graceful restart capability by default (`graceful-restart: 120`), so BIRD keeps the routes of a floatd that died without a NOTIFICATION as stale, for up to 120 s or until floatd is back. Traffic stays on a (its service still answers there, so nothing fails); with `graceful-restart: false` the route leaves at once (test/lab/failover.test.ts checks that). ExaBGP advertises no graceful restart unless configured, so its session loss withdraws at once.',
    );
  }
  if (get('link-down', 'floatd') !== undefined) {
    notes.push('Instance link down: the router is attached by a veth pair and sees the carrier go, so it drops the next hop at once whoever announces; in a cloud the link loss is invisible to the router and behaves like "instance frozen" (hold timer).');
  }
  const nf = get('no-failback', 'floatd');
  if (nf !== undefined && nf.status !== 'n/a') {
    notes.push('Failback off: the old primary comes back at the lowest tier (tertiary: two AS-path prepends, one more than the secondary), so the router keeps the secondary\'s path even though it merges equal paths (ECMP), and traffic stays on the secondary. With `role-style: community` it would come back with the secondary\'s 65000:2 instead, tied with it (docs/services.md, Roles and failback).');
  }
  if (get('drain', 'floatd') !== undefined) {
    notes.push('Drain: `floatd drain web` re-announces with GRACEFUL_SHUTDOWN (65535:0) and withdraws a few seconds later; the lab router applies RFC 8326 on receipt (LOCAL_PREF 0), so traffic leaves at the re-announcement. The figure includes starting the floatd CLI.');
  }
  notes.push("ExaBGP's healthcheck announces a worse MED (1000) instead of withdrawing when a service is down (`--withdraw-on-down` is off by default); BIRD then stops using that path because the others carry MED 100, so the traffic moves as it would on a withdraw.");
  notes.push("Instance frozen: everything on the instance is stopped (the daemon, ExaBGP's healthcheck, the HTTP service) while the kernel keeps the sessions open; only the router's hold timer (9 s, keepalive 3 s) notices, for every contender alike.");
  notes.push(`Requests are counted by send time, one every ${1000 / run.timing.rate} ms, which is the resolution of every figure; a request without an answer within ${run.timing.requestTimeoutMs} ms failed at the time it was sent. One run is one sample: the polled checks' phase against the fault varies from run to run.`);
  return notes;
}

function report(run: SavedRun, write: boolean): void {
  const targets = checkTargets(run.results);
  console.log('');
  console.log(textTable(run.results));
  console.log('');
  console.log(targetsText(targets));
  console.log('');
  console.log(`${(run.durationS / 60).toFixed(1)} min`);
  if (!write) return;
  const scenarios = run.scenarios.map((id) => SCENARIOS.find((s) => s.id === id)).filter((s) => s !== undefined);
  const docs = join(REPO_ROOT, 'docs');
  const date = new Date(run.started).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const routerText = run.router === 'bird' ? 'BIRD 2' : 'FRR';
  writeFileSync(
    join(docs, 'failover.md'),
    failoverDoc({
      date,
      machine: run.machine,
      software: run.software,
      router: `${routerText} with ECMP into the kernel FIB`,
      runs: run.runs,
      timing: run.timing,
      contenders: run.contenders,
      scenarios,
      results: run.results,
      targets,
      durationS: run.durationS,
      notes: notesFor(run),
    }),
  );
  writeFileSync(
    join(docs, 'failover.svg'),
    failoverChart(run.results, {
      title: 'Failover: floatd vs ExaBGP 4 healthcheck',
      subtitle: [
        `${date}, ${routerText} router with ECMP, ${run.timing.rate} requests/s, ${run.runs} run(s) per bar (docs/failover.md has the method)`,
        'recovery: from the event until every request is answered by the instances the traffic should end on',
      ],
      contenders: run.contenders,
      scenarios: scenarios.map((s) => ({ id: s.id, title: s.title, hasRecovery: s.recovery !== 'n/a' })),
      capMs: run.timing.capMs,
    }),
  );
  console.log(`wrote ${join(docs, 'failover.md')} and ${join(docs, 'failover.svg')}`);
}

const saved = arg('--render');
if (saved !== undefined) {
  report(JSON.parse(readFileSync(saved, 'utf8')) as SavedRun, !process.argv.includes('--no-write'));
} else {
  const { run, write } = await measure();
  const json = arg('--json');
  if (json !== undefined) writeFileSync(json, JSON.stringify(run, null, 1));
  report(run, write);
}
