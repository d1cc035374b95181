// VRRP failover, from a service's death to the other host serving a client,
// failed requests counted: two floatd pairs (`floatd run`, lab/vrrp-pair.ts)
// against two keepalived pairs with a vrrp_script (curl, interval 1, fall 2),
// in one run:
//   floatd-defaults   HTTP check at floatd's defaults (every 0.5 s, fall 2), adverts 1 s
//   floatd-default-check  the same HTTP check, adverts 0.1 s (the Backup's skew time shrinks with the interval)
//   floatd-fast       process check (event-driven: a death is seen within 50 ms), adverts 0.1 s
//   keepalived        the same script, adverts 1 s and 0.1 s
// The Active has priority 150, the Backup the default 100. A client in a
// third namespace sends 100 requests/s (100 ms timeout) and logs who
// answered. Prints each run and the medians, and writes the table to
// docs/vrrp-figures.md (--doc FILE elsewhere, --no-doc not at all).
//
// Needs root (namespaces, raw sockets). Run: npm run bench:vrrp [-- --runs N] [--doc FILE | --no-doc]

import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstServedBy, settledFor, summarize } from '../lab/failover/measure.js';
import { epochNow, parseRecords } from '../lab/failover/records.js';
import { REPO_ROOT } from '../lab/daemons/floatd.js';
import { requireLab, sleep } from '../lab/netns.js';
import { PAIRS, Servers, startPair, type PairSettings } from '../lab/vrrp-pair.js';
import { VIP, vrrpLan, type VrrpLan } from '../lab/vrrp-lan.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Math.max(1, Math.min(20, Number(arg('--runs') ?? 3)));
const GOALS: Record<string, number> = { 'floatd-defaults': 800, 'floatd-default-check': 800, 'floatd-fast': 350 };
const CLIENT_JS = fileURLToPath(new URL('../lab/failover/client.js', import.meta.url));
const ORDER: readonly PairSettings[] = [
  PAIRS.floatdDefaults,
  PAIRS.keepalivedDefaults,
  PAIRS.floatdDefaultCheckFastAdverts,
  PAIRS.floatdFast,
  PAIRS.keepalivedFast,
];

interface RunResult {
  readonly pair: string;
  /** Service death to the first answer from the other host, ms. */
  readonly servedAgainMs: number;
  /** Requests sent after the death that got no answer from a live server. */
  readonly failed: number;
}

async function oneRun(lan: VrrpLan, servers: Servers, s: PairSettings, run: number): Promise<RunResult> {
  servers.ensure('fd');
  const pair = await startPair(lan, servers, s);
  try {
    // A few adverts so the Backup has learned the Active's interval.
    await sleep(Math.max(1_000, 3 * (s.advertInterval ?? 1) * 1000));
    const client = lan.lab.spawn(lan.ns.cl, `client-${s.id}-${run}`, process.execPath, [CLIENT_JS, '--url', `http://${VIP}:8080/`, '--rate', '100', '--timeout', '100']);
    await sleep(1_000);
    const died = epochNow();
    servers.get('fd').signal('SIGKILL');
    const deadline = died + 10_000;
    while (epochNow() < deadline && !settledFor(parseRecords(client.output()), died, epochNow() - 300, ['ka'], 1_000, 50)) await sleep(100);
    await client.stop('SIGTERM', 3_000);
    const records = parseRecords(client.output());
    const end = records.at(-1)?.t ?? epochNow();
    return { pair: s.id, servedAgainMs: firstServedBy(records, died, end, 'ka') ?? Number.NaN, failed: summarize(records, died, end).failed };
  } finally {
    await pair.stop();
  }
}

const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  requireLab(['keepalived', 'curl']);
  const load = loadavg()[0]!;
  const lan = await vrrpLan('vbench');
  const servers = new Servers(lan);
  const results: RunResult[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const s of ORDER) {
        const r = await oneRun(lan, servers, s, i);
        results.push(r);
        console.log(`run ${i + 1} ${s.id.padEnd(20)} served again after ${r.servedAgainMs.toFixed(0).padStart(5)} ms, ${r.failed} failed requests`);
      }
    }
  } catch (err) {
    console.log(lan.lab.logTails(30));
    throw err;
  } finally {
    await lan.lab.cleanup();
  }
  const rows = ORDER.map((s) => {
    const rs = results.filter((r) => r.pair === s.id);
    const ms = median(rs.map((r) => r.servedAgainMs));
    const goal = GOALS[s.id];
    return {
      label: s.label,
      ms,
      failed: median(rs.map((r) => r.failed)),
      runs: rs.map((r) => r.servedAgainMs.toFixed(0)).join(', '),
      goal: goal === undefined ? '' : `under ${goal} ms: ${ms < goal ? 'met' : 'not met'}`,
    };
  });
  console.log(`\nmedians over ${RUNS} runs (service killed -> client served by the other host; 100 requests/s, 100 ms timeout; load average ${load.toFixed(1)} at the start)`);
  for (const r of rows) console.log(`${r.label.padEnd(64)} ${r.ms.toFixed(0).padStart(5)} ms  failed ${r.failed.toFixed(0).padStart(3)}  (${r.runs})  ${r.goal}`);
  const doc = arg('--doc') ?? join(REPO_ROOT, 'docs', 'vrrp-figures.md');
  if (!process.argv.includes('--no-doc')) {
    const table = [
      `Medians over ${RUNS} runs, load average ${load.toFixed(1)} at the start (\`npm run bench:vrrp\`, ${new Date().toISOString().slice(0, 10)}):`,
      '',
      '| pair | median | failed requests, median | runs (ms) | goal |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.label} | ${r.ms.toFixed(0)} ms | ${r.failed.toFixed(0)} | ${r.runs} | ${r.goal} |`),
      '',
    ].join('\n');
    writeFileSync(doc, table);
    console.log(`wrote ${doc}`);
  }
}

await main();
