// Full-table ingest: a feeder process streams a synthetic full IPv4 table
// (1,000,000 prefixes by default) over a veth pair into a receiver in
// another network namespace, one receiver at a time, all in one run:
//   floatd (`node bin/floatd.js run`) with import: none and with import: all,
//   BIRD 2, GoBGP 3 (capped, it may need minutes).
// For each: seconds from the first table byte until the receiver reports
// every prefix, its peak RSS (VmHWM), and the worst gap between its
// KEEPALIVEs (hold time 3 s) while the table arrived. For floatd also: how
// long a WITHDRAW takes to reach the feeder when, mid-ingest, the health check
// of the service it announces fails, and when floatd is stopped (SIGTERM).
//
// Needs root (namespaces, port 179). Run: npm run bench:ingest [-- options]
//   --prefixes N     table size (default 1000000)
//   --attribute-sets K   UPDATEs share K attribute sets (default: every UPDATE has its own, the worst case)
//   --only LIST      receivers to run, comma-separated: none,all,withdraw,bird,gobgp
//   --gobgp-cap S    seconds GoBGP gets (default 180)
//   --baseline DIR   also run the floatd of another (built) checkout, import none and all, for a before/after
//   --in-process     the older variant: floatd's PeerSession inside this process, loopback, no root

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable, Lab } from '../lab/netns.js';
import { makeFullTable } from './full-table.js';
import { runInProcess } from './in-process.js';
import { startBird, startFloatd, startGobgp } from './lab-receivers.js';
import { healthWithdrawRun, ingestRun, POLL_MS, withdrawRun, type IngestResult, type RunOptions, type WithdrawResult } from './lab-run.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const HOLD = 3;
const prefixes = Number(arg('--prefixes') ?? 1_000_000);
const only = new Set((arg('--only') ?? 'none,all,withdraw,bird,gobgp').split(','));
const gobgpCapMs = Number(arg('--gobgp-cap') ?? 180) * 1000;
const mib = (kib: number | undefined): string => (kib === undefined || Number.isNaN(kib) ? '?' : `${(kib / 1024).toFixed(0)} MiB`);

const sets = arg('--attribute-sets');
const makeTable = () => makeFullTable(prefixes, 42, sets === undefined ? undefined : Number(sets));

if (process.argv.includes('--in-process')) {
  await runInProcess(makeTable(), process.argv.includes('--bird-only'));
  process.exit(0);
}

if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  console.error('bench:ingest needs root: it creates network namespaces and its receivers listen on port 179.');
  console.error('Run it as root (sudo npm run bench:ingest), or `npm run bench:ingest -- --in-process` for the loopback variant without namespaces.');
  process.exit(1);
}
if (findExecutable('ip') === undefined) {
  console.error('bench:ingest needs iproute2 (`ip`).');
  process.exit(1);
}
const table = makeTable();

const lab = new Lab('bench');
const rows: (IngestResult | string)[] = [];
const withdrawals: (WithdrawResult & { trigger: 'health' | 'SIGTERM'; afterMs: number })[] = [];

function withdrawText(w: WithdrawResult & { trigger: 'health' | 'SIGTERM' }): string {
  if (w.withdrawMs === undefined) return `no WITHDRAW seen${w.note ? ` (${w.note})` : ''}`;
  const what = w.trigger === 'health' ? 'the service died' : 'the signal';
  const verdict = w.fromVerdictMs === undefined ? '' : `, ${w.fromVerdictMs.toFixed(1)} ms after floatd had the failed check's result`;
  const held = w.heldAtSignal === undefined ? '' : ` (${w.heldAtSignal} prefixes in by then)`;
  return `WITHDRAW at the feeder ${w.withdrawMs.toFixed(1)} ms after ${what}${verdict}${held}${w.note ? `; ${w.note}` : ''}`;
}
try {
  const tableFile = join(lab.dir, 'table.bin');
  writeFileSync(tableFile, table.bytes);
  const o: RunOptions = { tableFile, prefixes: table.prefixes, holdTime: HOLD, capMs: 120_000 };
  const sharing = sets === undefined ? 'each with its own attribute set' : `sharing ${sets} attribute sets`;
  console.log(`table: ${table.prefixes} IPv4 prefixes in ${table.updates} UPDATEs ${sharing} (${(table.bytes.length / 1048576).toFixed(0)} MiB); hold time ${HOLD} s; counts polled every ${POLL_MS} ms`);
  let n = 0;
  const say = (r: IngestResult): IngestResult => {
    const refused = r.seen - r.prefixes;
    console.log(`  ${r.name}: ${r.seen} prefixes in ${r.seconds.toFixed(2)} s${refused > 0 ? ` (${refused} refused, ${r.prefixes} held)` : ''}${r.note ? `, ${r.note}` : ''}`);
    return r;
  };
  const ingestSeconds: Record<string, number> = {};
  const baseline = arg('--baseline');
  for (const mode of ['none', 'all'] as const) {
    if (!only.has(mode)) continue;
    const r = say(await ingestRun(lab, ++n, (l, p, name) => startFloatd(l, p, name, mode, HOLD), o));
    rows.push(r);
    ingestSeconds[mode] = r.seconds;
    if (baseline !== undefined) rows.push(say(await ingestRun(lab, ++n, (l, p, name) => startFloatd(l, p, name, mode, HOLD, { root: baseline }), o)));
  }
  if (only.has('withdraw')) {
    for (const mode of ['none', 'all'] as const) {
      // About 40% into the ingest, by the time the full run took (or a guess).
      const afterMs = Math.max(300, (ingestSeconds[mode] ?? (mode === 'none' ? 1.5 : 3)) * 400);
      const h = await healthWithdrawRun(lab, ++n, mode, o, afterMs);
      withdrawals.push({ trigger: 'health', afterMs, ...h });
      const s = await withdrawRun(lab, ++n, (l, p, name) => startFloatd(l, p, name, mode, HOLD), o, afterMs);
      withdrawals.push({ trigger: 'SIGTERM', afterMs, ...s });
      for (const w of withdrawals.slice(-2)) console.log(`  ${w.name}, ${w.trigger} ${afterMs.toFixed(0)} ms into the table: ${withdrawText(w)}`);
    }
  }
  if (only.has('bird')) {
    if (findExecutable('bird') === undefined || findExecutable('birdc') === undefined) rows.push('BIRD 2: not installed (apt-get install bird2)');
    else rows.push(say(await ingestRun(lab, ++n, (l, p, name) => startBird(l, p, name, HOLD), o)));
  }
  if (only.has('gobgp')) {
    if (findExecutable('gobgpd') === undefined || findExecutable('gobgp') === undefined) rows.push('GoBGP 3: not installed (apt-get install gobgpd)');
    else rows.push(say(await ingestRun(lab, ++n, (l, p, name) => startGobgp(l, p, name, HOLD), { ...o, capMs: gobgpCapMs })));
  }
} catch (e) {
  console.error(`bench:ingest failed: ${(e as Error).message}`);
  console.error(lab.logTails(20));
  process.exitCode = 1;
} finally {
  await lab.cleanup();
}

console.log('');
console.log(`receiver (each in its own namespace)   ingest      prefixes   peak RSS   RSS before   worst KEEPALIVE gap`);
for (const r of rows) {
  if (typeof r === 'string') {
    console.log(r);
    continue;
  }
  const time = `${r.seconds.toFixed(2)} s${r.complete ? '' : '+'}`;
  const gap = r.keepaliveGapMax === undefined ? '?' : `${r.keepaliveGapMax.toFixed(2)} s (${r.keepalives} sent)`;
  console.log(
    `${r.name.padEnd(38)} ${time.padStart(9)}   ${String(r.prefixes).padStart(8)}   ${mib(r.hwmKiB).padStart(8)}   ${mib(r.rssBeforeKiB).padStart(10)}   ${gap.padEnd(20)}${r.note ? `  ${r.note}` : ''}`,
  );
}
const bird = rows.find((r): r is IngestResult => typeof r !== 'string' && r.name.startsWith('BIRD') && r.seen >= table.prefixes);
if (bird) {
  for (const r of rows) {
    if (typeof r === 'string' || !r.name.startsWith('floatd') || !r.complete || r.hwmKiB === undefined || bird.hwmKiB === undefined) continue;
    console.log(`${r.name}: ${(r.seconds / bird.seconds).toFixed(2)}x BIRD's time, ${(r.hwmKiB / bird.hwmKiB).toFixed(2)}x its peak RSS`);
  }
}
if (withdrawals.length > 0) {
  console.log('');
  console.log('WITHDRAW while the table arrives (floatd announces 192.0.2.10/32; the feeder times its withdrawal):');
  for (const w of withdrawals) console.log(`  ${`${w.name}, ${w.trigger === 'health' ? 'health check fails' : 'SIGTERM'}:`.padEnd(42)} ${withdrawText(w)}`);
  console.log(
    '  health: the service is a TCP listener in floatd\'s namespace, checked every 100 ms (fall 1); it is killed mid-ingest.' +
      '\n  SIGTERM: a stopping floatd withdraws everything before its NOTIFICATION.',
  );
}
console.log('');
console.log(
  `ingest: first table byte to the first count reply showing every prefix (within ${POLL_MS} ms plus the reply's own delay); "+" marks a receiver that did not finish.` +
    '\nBIRD refuses the multicast and other bogus prefixes of the synthetic table (logged, not stored); it has dealt with them all when its "received" count is full.',
);
