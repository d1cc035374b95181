// Withdraw latency: from the health-check result that crosses the fall
// threshold to the WITHDRAW arriving at the router, over many failovers,
// (a) idle and (b) while a full table is being received on another session.
//
// Method. The service's check is a small C program (withdraw-latency/check.c)
// that fails while a flag file exists and, when it fails, writes the
// CLOCK_MONOTONIC time to a stamps file just before it exits: the moment the
// failed result exists. A receiver process (withdraw-latency/receiver.ts)
// holds the BGP session on loopback and notes, on the same clock, when the
// UPDATE withdrawing the prefix is read off its socket. One failover: wait a
// random part of the interval (so the flag lands anywhere in the probe
// cycle), create the flag, wait for the WITHDRAW, take the fall-th stamp after
// the flag as the start; remove the flag and wait for the route to return.
// For floatd ServiceRoutes' observer also reports its own figure: from the
// probe result reaching ServiceRoutes to the WITHDRAW written to every
// socket. For (b) a feeder process (withdraw-latency/feeder.ts) sends the
// synthetic table of bench/full-table.ts again and again on a second
// session for the whole run. The same is done with ExaBGP 4 and its
// healthcheck process when it is installed: same check, same thresholds.
//
// Run: npm run build && node dist/bench/withdraw-latency.js [options]
//   --failovers N        per floatd scenario (default 200)
//   --peer-failovers N   per ExaBGP scenario (default 50)
//   --prefixes N         full-table size (default 1000000)
//   --attribute-sets K   table UPDATEs share K attribute sets (default: each its own)
//   --fall N             failed checks before DOWN (default 2)
//   --only LIST          subjects, comma-separated: floatd,exabgp (default both)
//   --scenarios LIST     idle,table (default both)
// No root needed: everything is on 127.0.0.0/8. Prints figures; asserts no timings.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventLoopLag } from '../src/metrics/process-metrics.js';
import { monoMs } from './mono.js';
import { Helper, type HelperEvent } from './withdraw-latency/children.js';
import { summarize, type Summary } from './withdraw-latency/stats.js';
import { FEEDER, PREFIX, RECEIVER, startExabgp, startFloatd, type CheckFiles, type Peers, type Subject, type Timing } from './withdraw-latency/subjects.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const failovers = Number(arg('--failovers') ?? 200);
const peerFailovers = Number(arg('--peer-failovers') ?? 50);
const prefixes = Number(arg('--prefixes') ?? 1_000_000);
const attributeSets = arg('--attribute-sets');
const only = new Set((arg('--only') ?? 'floatd,exabgp').split(','));
const scenarios = (arg('--scenarios') ?? 'idle,table').split(',').filter((s): s is 'idle' | 'table' => s === 'idle' || s === 'table');
const timing: Timing = { fall: Number(arg('--fall') ?? 2), interval: 0.1, fastInterval: 0.05 };
const EXABGP = '/usr/sbin/exabgp';
const WAIT_MS = 10_000;

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  readonly subject: string;
  readonly scenario: 'idle' | 'table';
  /** Check's failed result to WITHDRAW read by the receiver, ms. */
  readonly endToEnd: number[];
  /** The daemon's own figure, ms. */
  readonly own: number[];
  /** Where the daemon reports when it wrote the WITHDRAW: check's failed result to written, and written to read by the receiver. */
  readonly toWritten: number[];
  readonly toRead: number[];
  /** Failovers whose fall-th failure was not a stamped check failure (a check timed out under load). */
  unstamped: number;
  /** Failovers during which the feeder's table kept flowing into the subject. */
  underLoad: number;
  missed: number;
  note?: string;
  lag?: EventLoopLag;
}

function stamps(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Number(BigInt(l)) / 1e6);
}

/** The feeder's report for `source` at or before `t` (or, with `after`, the first at or after). */
function reportAt(feeder: Helper, source: string, t: number, after: boolean): HelperEvent | undefined {
  const reports = feeder.events.filter((e) => e.event === 'progress' && e.from === source);
  return after ? reports.find((e) => e.t >= t) : reports.filter((e) => e.t <= t).at(-1);
}

async function failoverRun(
  subject: Subject,
  scenario: 'idle' | 'table',
  n: number,
  receiver: Helper,
  /** The receiver's event count before the subject started. */
  mark: number,
  feeder: Helper | undefined,
  check: CheckFiles,
): Promise<Run> {
  const src = subject.source;
  const isWithdraw = (e: HelperEvent): boolean => e.event === 'withdraw' && e.from === src;
  const isAnnounce = (e: HelperEvent): boolean => e.event === 'announce' && e.from === src;
  const run: Run = { subject: subject.name, scenario, endToEnd: [], own: [], toWritten: [], toRead: [], underLoad: 0, missed: 0, unstamped: 0 };
  if (!(await receiver.wait(isAnnounce, 60_000, mark))) return { ...run, note: 'the route was never announced' };
  if (feeder) {
    if (!(await feeder.wait((e) => e.event === 'table-start' && e.from === src, 60_000))) return { ...run, note: 'the table session never came up' };
    await sleep(1000); // well into the table
  }
  for (let i = 0; i < n; i++) {
    await sleep(Math.random() * timing.interval * 1000);
    const stampsBefore = stamps(check.stamps).length;
    const ownBefore = subject.ownLatencies?.length ?? 0;
    const since = receiver.events.length;
    const flagAt = monoMs();
    writeFileSync(check.flag, '');
    const w = await receiver.wait(isWithdraw, WAIT_MS, since);
    unlinkSync(check.flag);
    if (!w) {
      run.missed++;
      run.note = `no WITHDRAW within ${WAIT_MS / 1000} s at failover ${i + 1}; stopped there`;
      break;
    }
    const crossing = stamps(check.stamps).slice(stampsBefore)[timing.fall - 1];
    const own = subject.ownLatencies?.slice(ownBefore) ?? [];
    const written = subject.writtenAt?.slice(ownBefore) ?? [];
    if (own[0] !== undefined) run.own.push(own[0]);
    if (crossing === undefined) run.unstamped++;
    else {
      run.endToEnd.push(w.t - crossing);
      if (written[0] !== undefined) {
        run.toWritten.push(written[0] - crossing);
        run.toRead.push(w.t - written[0]);
      }
    }
    if (feeder) {
      // Table bytes waiting for the subject before the flag and after the WITHDRAW: it was behind the whole time.
      const before = reportAt(feeder, src, flagAt, false);
      const after = reportAt(feeder, src, w.t, true) ?? (await feeder.wait((e) => e.event === 'progress' && e.from === src && e.t >= w.t, 2000));
      if (Number(before?.waiting ?? 0) > 0 && Number(after?.waiting ?? 0) > 0) run.underLoad++;
    }
    if (!(await receiver.wait(isAnnounce, WAIT_MS, receiver.events.indexOf(w) + 1))) {
      run.note = `the route did not come back after failover ${i + 1}; stopped there`;
      break;
    }
  }
  return run;
}

async function scenarioRun(
  name: 'floatd' | 'exabgp',
  scenario: 'idle' | 'table',
  n: number,
  receiver: Helper,
  receiverPort: number,
  dir: string,
  check: CheckFiles,
): Promise<Run> {
  let feeder: Helper | undefined;
  let subject: Subject | undefined;
  try {
    let peers: Peers = { receiverPort };
    if (scenario === 'table') {
      feeder = Helper.start('feeder', here('./withdraw-latency/feeder.js'), [
        '--host',
        FEEDER,
        '--prefixes',
        String(prefixes),
        ...(attributeSets === undefined ? [] : ['--attribute-sets', attributeSets]),
      ]);
      const listening = await feeder.wait((e) => e.event === 'listening', 120_000);
      if (!listening) throw new Error(`the feeder did not start: ${feeder.errorText()}`);
      peers = { receiverPort, feederPort: Number(listening.port) };
    }
    if (existsSync(check.flag)) unlinkSync(check.flag);
    const mark = receiver.events.length;
    subject = name === 'floatd' ? await startFloatd(peers, check, timing, dir) : await startExabgp(peers, check, timing, dir, EXABGP);
    process.stdout.write(`  ${subject.name}, ${scenario}: ${n} failovers ... `);
    const r = await failoverRun(subject, scenario, n, receiver, mark, feeder, check);
    const lag = subject.eventLoopLag?.();
    if (lag) r.lag = lag;
    if (feeder) {
      const reports = feeder.events.filter((e) => e.event === 'progress' && e.from === subject!.source);
      const read = Number(reports.at(-1)?.flushed ?? 0) - Number(reports[0]?.flushed ?? 0);
      const bytes = Number(feeder.events.find((e) => e.event === 'ready')?.bytes ?? 1);
      console.log(`done (${r.endToEnd.length} measured; ${(read / bytes).toFixed(1)} tables' worth of UPDATEs read meanwhile)`);
    } else console.log(`done (${r.endToEnd.length} measured)`);
    return r;
  } finally {
    await subject?.stop();
    await feeder?.stop();
    // Let the receiver see the session go before the next subject connects.
    await sleep(300);
  }
}

const WIDTH = 70;
const ms = (v: number | undefined): string => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
function row(label: string, s: Summary | undefined): string {
  if (!s) return `${label.padEnd(WIDTH)} ${'(not measured)'.padStart(8)}`;
  return `${label.padEnd(WIDTH)} ${String(s.n).padStart(5)} ${ms(s.p50).padStart(8)} ${ms(s.p99).padStart(8)} ${ms(s.max).padStart(8)}`;
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const loadBefore = load();
const dir = mkdtempSync(join(tmpdir(), 'floatd-withdraw-latency-'));
const runs: Run[] = [];
const skipped: string[] = [];
let receiver: Helper | undefined;
try {
  const check: CheckFiles = { bin: join(dir, 'check'), flag: join(dir, 'down'), stamps: join(dir, 'stamps') };
  try {
    execFileSync('cc', ['-O2', '-o', check.bin, here('../../bench/withdraw-latency/check.c')], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`cannot build the check program with cc: ${(e as Error).message}`);
  }
  receiver = Helper.start('receiver', here('./withdraw-latency/receiver.js'), ['--host', RECEIVER, '--prefix', PREFIX]);
  const listening = await receiver.wait((e) => e.event === 'listening', 10_000);
  if (!listening) throw new Error(`the receiver did not start: ${receiver.errorText()}`);
  const receiverPort = Number(listening.port);
  console.log(
    `withdraw latency: service ${PREFIX}, check every ${timing.interval * 1000} ms (${timing.fastInterval * 1000} ms while falling), fall ${timing.fall}, rise 1; ` +
      `full table: ${prefixes} IPv4 prefixes${attributeSets === undefined ? ', each UPDATE with its own attributes' : `, ${attributeSets} attribute sets`}`,
  );
  for (const name of ['floatd', 'exabgp'] as const) {
    if (!only.has(name)) continue;
    if (name === 'exabgp' && !existsSync(EXABGP)) {
      skipped.push('ExaBGP: not installed (apt-get install exabgp)');
      continue;
    }
    for (const scenario of scenarios) {
      runs.push(await scenarioRun(name, scenario, name === 'floatd' ? failovers : peerFailovers, receiver, receiverPort, dir, check));
    }
  }
} catch (e) {
  console.error(`withdraw-latency failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await receiver?.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log('');
console.log(`${'ms'.padEnd(WIDTH)} ${'n'.padStart(5)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
for (const r of runs) {
  const where = r.scenario === 'idle' ? 'idle' : 'full table arriving';
  console.log(row(`${r.subject}, ${where}: failed check -> WITHDRAW at router`, summarize(r.endToEnd)));
  if (r.toWritten.length > 0) {
    console.log(row(`  of which: failed check -> WITHDRAW written by ${r.subject}`, summarize(r.toWritten)));
    console.log(row(`  of which: written -> read by the router`, summarize(r.toRead)));
  }
  if (r.own.length > 0) console.log(row(`${r.subject}, ${where}: own figure (result -> written)`, summarize(r.own)));
  if (r.lag) console.log(`${''.padEnd(4)}event-loop lag of its process over the run: p50 ${ms(r.lag.p50 * 1000)}, p99 ${ms(r.lag.p99 * 1000)}, max ${ms(r.lag.max * 1000)} ms`);
  const notes = [
    r.missed > 0 ? `${r.missed} failovers without a WITHDRAW` : '',
    r.unstamped > 0 ? `${r.unstamped} failovers whose fall-th failure was a check timing out under load, not counted` : '',
    r.scenario === 'table' ? `${r.underLoad} of ${r.endToEnd.length + r.missed + r.unstamped} failovers with the daemon behind on the table` : '',
    r.note ?? '',
  ].filter((x) => x !== '');
  if (notes.length > 0) console.log(`${''.padEnd(4)}${notes.join('; ')}`);
}
for (const s of skipped) console.log(s);
console.log(`load average (1, 5, 15 min): ${loadBefore} at the start, ${load()} at the end, on ${availableParallelism()} CPUs`);
console.log('');
console.log(
  'failed check -> WITHDRAW at router: from the check program stamping its failed result (the fall-th failure in a row)\n' +
    'to the receiver reading the UPDATE off its socket, both on CLOCK_MONOTONIC: it includes noticing the check\n' +
    "process's exit, the state machine, the UPDATE and the loopback hop. floatd reports (ServiceRoutes observer) when it has\n" +
    'written the WITHDRAW to every socket, which splits that in two. Its own figure is floatd_withdraw_latency_seconds:\n' +
    'from the result reaching ServiceRoutes to the WITHDRAW written to every socket.\n' +
    'ExaBGP offers no own figure. "behind on the table": the feeder had table bytes waiting for the daemon both before\n' +
    'the flag and after the WITHDRAW, i.e. the daemon was still working through the table the whole time.',
);
