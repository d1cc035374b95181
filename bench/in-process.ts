// The in-process variant of the ingest benchmark (`npm run bench:ingest -- --in-process`):
// the feeder streams the table over loopback into a PeerSession living in
// the benchmark's own process (import none, then import all), and into BIRD 2
// on loopback. No root and no namespaces needed; memory is the heap and typed arrays held by
// the session, not a process's RSS. While the table arrives it measures
//   - the gaps between floatd's KEEPALIVEs (nominal: 1/3 of the hold time);
//   - how long a WITHDRAW that floatd queues mid-ingest takes to reach the peer.

import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ImportMode } from '../src/bgp/rib/adj-rib-in.js';
import { toAnnouncement } from '../src/bgp/rib/announcement.js';
import { PeerSession } from '../src/bgp/session/peer-session.js';
import { realClock } from '../src/util/clock.js';
import type { FullTable } from './full-table.js';
import { monoMs } from './mono.js';
import { streamTable } from './table-peer.js';

const HOLD = 3; // seconds: KEEPALIVE every 1 s (0.75..1 s with jitter)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  name: string;
  seconds: number;
  /** Prefixes the receiver ended up holding, if not all of them. */
  prefixes?: number;
  memory: string;
  keepaliveGapMax?: number;
  keepalives?: number;
  withdrawMs?: number;
}

async function floatd(table: FullTable, mode: ImportMode): Promise<Result> {
  gc();
  const heldNow = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const heapBefore = heldNow();
  const desired = [toAnnouncement({ prefix: '192.0.2.10/32', nextHop: '127.0.0.1', prepend: 0, communities: [], largeCommunities: [], neighbors: ['127.0.0.2'] })];
  const session = new PeerSession({
    address: '127.0.0.2',
    fsm: {
      passive: true,
      connectRetryMs: 5000,
      connectRetryMaxMs: 120000,
      idleHoldMs: 1000,
      idleHoldMaxMs: 60000,
      largeHoldMs: 240000,
      local: { localAs: 65001, routerId: '127.0.0.1', holdTime: HOLD, families: ['ipv4'], extendedNextHopIpv4: false, extendedMessage: false },
      peer: { peerAs: 65000 },
    },
    importMode: mode,
    clock: realClock,
    log: pino({ level: 'silent' }),
    connect: () => Promise.reject(new Error('passive')),
    target: { localAs: 65001, address: '127.0.0.2', peerAs: 65000, nextHop: 'self' },
  });
  const server = net.createServer((s) => session.acceptIncoming(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  session.setDesired(desired);
  session.start();
  const port = (server.address() as net.AddressInfo).port;
  const run = await streamTable({ host: '127.0.0.1', port, localAddress: '127.0.0.2', localAs: 65000, routerId: '127.0.0.2', holdTime: HOLD, table: table.bytes });

  // Queue a WITHDRAW a little into the ingest, as a failed health check would.
  await sleep(150);
  const withdrawAt = monoMs();
  session.setDesired([]);
  const inAtWithdraw = session.status().updates.in;

  while (session.status().updates.in < table.updates) await sleep(10);
  const end = monoMs();
  const arrived = run.updates.find((t) => t >= withdrawAt);
  const gaps = run.keepalives.filter((t) => t >= run.tableStart && t <= end).map((t, i, a) => (i === 0 ? t - run.tableStart : t - a[i - 1]!));
  gaps.push(end - (run.keepalives.filter((t) => t <= end).at(-1) ?? run.tableStart));
  gc();
  const held = heldNow() - heapBefore;
  const received = session.status().prefixes.received;
  if (received !== table.prefixes) throw new Error(`floatd (import ${mode}) counted ${received} prefixes, expected ${table.prefixes}`);
  console.log(`  floatd import ${mode}: withdraw queued after ${inAtWithdraw} of ${table.updates} UPDATEs had been processed`);
  run.close();
  await session.stop();
  server.close();
  return {
    name: `floatd (import ${mode})`,
    seconds: (end - run.tableStart) / 1000,
    memory: `${mb(held)} heap+arrays`,
    keepaliveGapMax: Math.max(...gaps) / 1000,
    keepalives: gaps.length - 1,
    ...(arrived === undefined ? {} : { withdrawMs: arrived - withdrawAt }),
  };
}

async function bird(table: FullTable): Promise<Result | string> {
  try {
    execFileSync('bird', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'BIRD not installed (apt-get install bird2): comparison skipped';
  }
  const dir = mkdtempSync(join(tmpdir(), 'floatd-bench-bird-'));
  const sock = join(dir, 'bird.ctl');
  const port = 11179;
  writeFileSync(
    join(dir, 'bird.conf'),
    `router id 127.0.0.1;
protocol device {}
# Covers the table's next hops, so BIRD resolves them at once (multihop sessions resolve next hops recursively).
protocol static nexthops { ipv4; route 10.0.0.0/8 blackhole; }
protocol bgp t {
  local 127.0.0.1 port ${port} as 65001;
  neighbor 127.0.0.2 as 65000;
  passive on;
  multihop; # a loopback peer has no directly connected interface
  hold time 90; # our peer's KEEPALIVEs queue behind the table; only floatd's timing is measured
  ipv4 { import all; export none; };
}
`,
  );
  const proc = spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', sock], { stdio: ['ignore', 'ignore', 'pipe'] });
  let birdErr = '';
  proc.stderr.on('data', (d: Buffer) => (birdErr += d.toString()));
  const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  // Asynchronous, so the table keeps streaming while birdc waits for a busy BIRD.
  const count = (): Promise<number> =>
    new Promise((resolve) =>
      // The channel's import counter: cheap for BIRD, unlike `show route count`, which walks the table.
      execFile('birdc', ['-s', sock, 'show', 'protocols', 'all', 't'], { encoding: 'utf8', timeout: 10_000 }, (err, out) =>
        resolve(err ? 0 : Number(/Routes:\s+(\d+) imported/.exec(out)?.[1] ?? 0)),
      ),
    );
  try {
    await sleep(500);
    if (proc.exitCode !== null) return `BIRD exited at start: ${birdErr.trim()}`;
    const before = rss();
    const run = await streamTable({ host: '127.0.0.1', port, localAddress: '127.0.0.2', localAs: 65000, routerId: '127.0.0.2', holdTime: HOLD, table: table.bytes });
    // Done when BIRD holds every prefix, or its count has not grown for 10 s (it may refuse some).
    const deadline = monoMs() + 120_000;
    let n = 0;
    let changed = monoMs();
    while (n < table.prefixes && monoMs() < deadline && (n === 0 || monoMs() - changed < 10_000)) {
      await sleep(200);
      const c = await count();
      if (c !== n) {
        n = c;
        changed = monoMs();
      }
    }
    const end = n === table.prefixes ? monoMs() : changed;
    run.close();
    if (n === 0) return 'BIRD accepted no prefixes within 120 s';
    if (n < table.prefixes) console.log(`  BIRD accepted ${n} of ${table.prefixes} prefixes (its count stopped growing); its rate below is over those`);
    return { name: 'BIRD 2 (import all)', seconds: (end - run.tableStart) / 1000, prefixes: n, memory: `${mb(rss() - before)} RSS` };
  } finally {
    // BIRD takes its time to shut down with a full table; it holds nothing worth a graceful stop here.
    proc.kill('SIGKILL');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs floatd (import none, import all) and BIRD in this process and prints the table. */
export async function runInProcess(table: FullTable, birdOnly: boolean): Promise<void> {
  console.log(`table: ${table.prefixes} IPv4 prefixes in ${table.updates} UPDATEs (${mb(table.bytes.length)}), hold time ${HOLD} s (KEEPALIVE every ${HOLD / 3} s nominal, 0.75..1 of it with jitter); in-process mode`);
  const results: (Result | string)[] = birdOnly ? [await bird(table)] : [await floatd(table, 'none'), await floatd(table, 'all'), await bird(table)];
  console.log('');
  console.log('receiver                 ingest    prefixes/s   memory held     max KEEPALIVE gap   WITHDRAW queued mid-ingest reached the peer after');
  for (const r of results) {
    if (typeof r === 'string') {
      console.log(r);
      continue;
    }
    console.log(
      `${r.name.padEnd(24)} ${r.seconds.toFixed(2).padStart(6)} s  ${((r.prefixes ?? table.prefixes) / r.seconds / 1e6).toFixed(2).padStart(6)} M/s   ${r.memory.padEnd(14)}  ${
        r.keepaliveGapMax === undefined ? '(not measured)    ' : `${r.keepaliveGapMax.toFixed(2)} s (${r.keepalives} sent)`.padEnd(18)
      }  ${r.withdrawMs === undefined ? '(not measured)' : `${r.withdrawMs.toFixed(1)} ms`}`,
    );
  }
}
