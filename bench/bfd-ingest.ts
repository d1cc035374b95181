// BFD while a full table arrives: a real `floatd run` in a namespace has a
// BGP session with BFD to BIRD 2 (`bfd on`, 100 ms x 3, then 50 ms x 3) and
// a second BGP session (`import: all`) from the table feeder (feeder.ts),
// which sends a synthetic 1,000,000-prefix table; the feeding session is
// dropped and made again after each table, so the daemon decodes, stores and
// then frees the table over and over (the load is floatd's own work, not a
// synthetic one).
//
// Per timer set, two phases:
//  A. ingests only: any BFD Down on either side is false. floatd's Downs
//     come from `floatd status` (`bfd.downs`), BIRD's from its log
//     (`debug { states, events }`); the native thread's worst transmit gap and
//     lateness from `bfd.transmit`.
//  B. ingests go on while nftables drops BIRD's BFD packets in floatd's
//     namespace a few times: floatd's thread declares BIRD down at the
//     deadline, and the figure is its log's `delayMs`, from the thread's
//     decision to the event loop resetting the BGP session.
//
// Run as root: npm run bench:bfd-ingest [-- --prefixes N --ingests N --drops N --timers 100,50 --import all|none --poll-ms 200]
// Prints figures; asserts nothing.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '../src/control/client.js';
import type { BfdPeerStatus } from '../src/daemon/bfd-links.js';
import { Bird } from '../lab/daemons/bird.js';
import { Floatd } from '../lab/daemons/floatd.js';
import { Lab, LabError, Pending, check, requireLab, sleep, waitFor, type LabProcess } from '../lab/netns.js';
import { makeFullTable } from './full-table.js';
import { monoMs } from './mono.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const PREFIXES = Number(arg('prefixes', '1000000'));
const INGESTS = Number(arg('ingests', '8'));
const DROPS = Number(arg('drops', '8'));
const TIMERS = arg('timers', '100,50').split(',').map(Number);
const IMPORT = arg('import', 'all');
const POLL_MS = Number(arg('poll-ms', '200'));
const FEEDER_JS = fileURLToPath(new URL('./feeder.js', import.meta.url));

const BIRD = '10.214.0.1';
const FD = '10.214.0.2';
const FEED = '10.214.1.1';
const FD_FEED = '10.214.1.2';
const FLOATD_AS = 65001;
const FEEDER_AS = 65000;
const BIRD_AS = 65002;

interface PeerStatus {
  readonly address: string;
  readonly state: string;
  readonly prefixesReceived?: number;
  readonly establishedTransitions?: number;
  readonly bfd?: BfdPeerStatus;
}

interface Ingest {
  readonly phase: 'A' | 'B';
  /** First table byte to floatd counting every prefix. */
  readonly seconds: number;
  /** The feeding session closed to floatd holding none of it again. */
  readonly freeSeconds: number;
  readonly complete: boolean;
}

/** Phase A's parts: before the first table, a feeder starting and connecting, a table arriving, the feeding session closed (the table dropped). */
type Stage = 'idle' | 'connect' | 'table' | 'closed';

interface Row {
  readonly ms: number;
  readonly ingests: Ingest[];
  readonly phaseASeconds: number;
  readonly lateIn: Partial<Record<Stage, number>>;
  readonly falseFd: number;
  readonly falseBird: number;
  /** floatd's log line of each false Down. */
  readonly falseWhy: readonly string[];
  readonly notUpSamples: number;
  readonly gapA: number;
  readonly lateA: number;
  readonly gapAll: number;
  readonly lateAll: number;
  readonly realtime: boolean;
  readonly delays: number[];
  readonly dropsMidIngest: number;
  readonly downsB: number;
  readonly birdDownsB: number;
  readonly extraFd: number;
}

async function dropBirdBfd(lab: Lab, ns: string): Promise<() => Promise<void>> {
  const f = join(lab.dir, `nft-in-${ns}.conf`);
  writeFileSync(f, 'table inet fdbfdin {\n  chain in { type filter hook input priority 0; udp dport 3784 drop; }\n}\n');
  await check('ip', ['netns', 'exec', ns, 'nft', '-f', f]);
  return async () => void (await check('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', 'fdbfdin']));
}

const feederEvent = (p: LabProcess, name: string): { t: number } | undefined =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; t: number })
    .find((e) => e.event === name);

async function one(ms: number, tableFile: string): Promise<Row> {
  const lab = new Lab('bfdin');
  try {
    const nsBird = await lab.namespace('bird');
    const nsFd = await lab.namespace('fd');
    const nsFeed = await lab.namespace('feed');
    await lab.veth(nsBird, nsFd, { ifA: 'bib', ifB: 'bif', addrA: [`${BIRD}/30`], addrB: [`${FD}/30`] });
    await lab.veth(nsFeed, nsFd, { ifA: 'bie', ifB: 'bid', addrA: [`${FEED}/30`], addrB: [`${FD_FEED}/30`] });
    const timers = { minRxMs: ms, minTxMs: ms, multiplier: 3 };
    const bird = await Bird.start(lab, nsBird, 'bird', {
      routerId: BIRD,
      sessions: [{ name: 'floatd', localAddress: BIRD, localAs: BIRD_AS, neighborAddress: FD, neighborAs: FLOATD_AS, family: 'ipv4', holdTime: 9, bfd: timers }],
    });
    const floatd = Floatd.start(lab, nsFd, 'floatd', {
      'router-id': FD,
      'local-as': FLOATD_AS,
      listen: { address: FD_FEED },
      neighbors: [
        { address: BIRD, 'peer-as': BIRD_AS, 'local-address': FD, 'hold-time': 9, 'connect-retry': 1, bfd: { 'min-rx': ms, 'min-tx': ms, multiplier: 3 } },
        { address: FEED, 'peer-as': FEEDER_AS, passive: true, 'hold-time': 9, import: IMPORT },
      ],
      announce: [{ prefix: '192.0.2.10/32' }],
    });
    const socket = join(lab.dir, 'floatd.sock');
    let notUpSamples = 0;
    // Where in phase A the worst lateness grew (between two status polls 200 ms apart).
    let stage: Stage | undefined = 'idle';
    const lateIn: Partial<Record<Stage, number>> = {};
    let lastLate = 0;
    const peers = async (): Promise<{ bird?: PeerStatus; feed?: PeerStatus }> => {
      if (!floatd.process.running) throw new LabError(`floatd exited: ${floatd.process.output().trim().split('\n').slice(-5).join('\n')}`);
      const s = (await request(socket, 'status', 10_000)) as { peers: PeerStatus[] };
      const bird = s.peers.find((p) => p.address === BIRD);
      const late = bird?.bfd?.transmit.worstLateMs ?? 0;
      if (late > lastLate && stage !== undefined) lateIn[stage] = Math.max(lateIn[stage] ?? 0, late);
      lastLate = Math.max(lastLate, late);
      return { bird, feed: s.peers.find((p) => p.address === FEED) };
    };
    const bfdUp = (timeoutMs = 30_000) =>
      waitFor(`BFD Up at ${ms} ms`, async () => {
        const b = (await peers().catch(() => ({}) as { bird?: PeerStatus })).bird?.bfd;
        return b?.state === 'Up' && b.txIntervalMs === ms ? b : new Pending(JSON.stringify(b));
      }, { timeoutMs, intervalMs: 100 });
    const birdDowns = () => (bird.process.output().match(/changed state from Up to Down/g) ?? []).length;
    const fdDowns = () => floatd.logLines().filter((l) => String(l['msg'] ?? '').startsWith('BFD down:'));

    let n = 0;
    /** One table: the feeder connects and streams it; floatd counts every prefix; the feeder goes, floatd frees it. */
    const ingest = async (phase: 'A' | 'B', sample: boolean): Promise<Ingest> => {
      const i = ++n;
      const feeder = lab.spawn(nsFeed, `feeder${i}`, process.execPath, [
        FEEDER_JS,
        ...['--host', FD_FEED, '--local', FEED, '--as', String(FEEDER_AS), '--router-id', FEED],
        ...['--hold', '9', '--table', tableFile, '--report', join(lab.dir, `feeder${i}.json`)],
      ]);
      try {
        if (sample) stage = 'connect';
        // Status is read while the feeder starts too, so lateness in that part is seen there.
        const start = await waitFor('the feeder to start the table', async () => {
          if (sample) await peers();
          return feederEvent(feeder, 'table-start') ?? (feeder.running ? undefined : new Pending(`the feeder exited: ${feeder.output().slice(-300)}`));
        }, { timeoutMs: 60_000, intervalMs: 50 });
        let complete = false;
        let end = monoMs();
        if (sample) stage = 'table';
        for (;;) {
          const p = await peers();
          if (sample && p.bird?.bfd?.state !== 'Up') notUpSamples++;
          end = monoMs();
          if ((p.feed?.prefixesReceived ?? 0) >= PREFIXES) {
            complete = true;
            break;
          }
          if (end - start.t > 180_000 || feederEvent(feeder, 'closed')) break;
          await sleep(POLL_MS);
        }
        if (sample) stage = 'closed';
        await feeder.stop('SIGTERM', 5_000);
        const closed = monoMs();
        await waitFor('floatd to free the table', async () => {
          const p = await peers();
          if (sample && p.bird?.bfd?.state !== 'Up') notUpSamples++;
          return p.feed?.state !== 'Established' && (p.feed?.prefixesReceived ?? 0) === 0;
        }, { timeoutMs: 60_000, intervalMs: POLL_MS });
        const r: Ingest = { phase, seconds: (end - start.t) / 1000, freeSeconds: (monoMs() - closed) / 1000, complete };
        console.log(`  ${ms} ms x 3, phase ${phase}: table ${i}: ${PREFIXES} prefixes ${complete ? 'in' : 'NOT complete after'} ${r.seconds.toFixed(1)} s, freed in ${r.freeSeconds.toFixed(1)} s`);
        return r;
      } finally {
        await feeder.stop('SIGTERM', 5_000);
      }
    };

    await floatd.waitEstablished(BIRD, 30_000);
    await bfdUp();
    await sleep(2_000);

    // Phase A: tables only. Every Down is false.
    const fd0 = (await peers()).bird?.bfd?.downs ?? 0;
    const bd0 = birdDowns();
    const fdLines0 = fdDowns().length;
    const ingests: Ingest[] = [];
    const tA = monoMs();
    for (let i = 0; i < INGESTS; i++) ingests.push(await ingest('A', true));
    const phaseASeconds = (monoMs() - tA) / 1000;
    stage = undefined;
    const a = (await peers()).bird?.bfd;
    const falseFd = (a?.downs ?? 0) - fd0;
    const falseBird = birdDowns() - bd0;
    const falseWhy = fdDowns().slice(fdLines0).map((l) => String(l['msg']));

    // Phase B: tables go on; BIRD's BFD packets are dropped now and then.
    const fdB = fdDowns().length;
    const bdB = birdDowns();
    let feeding = true;
    let midIngest = false;
    let loopError: unknown;
    const loop = (async () => {
      try {
        while (feeding) {
          midIngest = true;
          ingests.push(await ingest('B', false));
          midIngest = false;
        }
      } catch (e) {
        loopError = e;
      }
    })();
    const delays: number[] = [];
    let dropsMidIngest = 0;
    try {
      for (let d = 0; d < DROPS && loopError === undefined; d++) {
        await sleep(1_000 + Math.random() * 1_000);
        await bfdUp(60_000);
        const p = await peers();
        if (midIngest && (p.feed?.prefixesReceived ?? 0) < PREFIXES) dropsMidIngest++;
        const before = fdDowns().length;
        const undo = await dropBirdBfd(lab, nsFd);
        try {
          const line = await waitFor('floatd to declare BIRD down', () => fdDowns()[before], { timeoutMs: 10_000, intervalMs: 20 });
          delays.push(Number(line['delayMs']));
        } finally {
          await undo();
        }
      }
    } finally {
      feeding = false;
      await loop;
    }
    if (loopError !== undefined) throw loopError;
    const all = (await peers()).bird?.bfd;
    if (process.env['BENCH_TRACE'] === '1') console.log(bird.process.output().split('\n').filter((l) => /bfd/i.test(l)).slice(-12).join('\n'));
    const downsB = fdDowns().length - fdB;
    return {
      ms,
      ingests,
      phaseASeconds,
      lateIn,
      falseFd,
      falseBird,
      falseWhy,
      notUpSamples,
      gapA: a?.transmit.worstGapMs ?? NaN,
      lateA: a?.transmit.worstLateMs ?? NaN,
      gapAll: all?.transmit.worstGapMs ?? NaN,
      lateAll: all?.transmit.worstLateMs ?? NaN,
      realtime: all?.transmit.realtime ?? false,
      delays,
      dropsMidIngest,
      downsB,
      birdDownsB: birdDowns() - bdB,
      extraFd: downsB - delays.length,
    };
  } catch (e) {
    console.error(`${ms} ms x 3 failed: ${(e as Error).message}\n${lab.logTails(20)}`);
    throw e;
  } finally {
    await lab.cleanup();
  }
}

requireLab(['bird', 'birdc', 'nft']);
const t0 = monoMs();
const table = makeFullTable(PREFIXES);
const dir = new Lab('bfdtb');
const tableFile = join(dir.dir, 'table.bin');
writeFileSync(tableFile, table.bytes);
console.log(`table: ${table.prefixes} IPv4 prefixes in ${table.updates} UPDATEs (${(table.bytes.length / 1048576).toFixed(0)} MiB), made in ${((monoMs() - t0) / 1000).toFixed(1)} s; floatd import: ${IMPORT}`);
const rows: Row[] = [];
try {
  for (const ms of TIMERS) rows.push(await one(ms, tableFile));
} finally {
  await dir.cleanup();
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '?');
const secs = (xs: readonly Ingest[]) => xs.map((i) => `${i.seconds.toFixed(1)}${i.complete ? '' : '+'}`).join(', ');
console.log('');
console.log('timers      tables (s each; A then B)                 false Downs A (floatd/BIRD)  worst tx gap A / all  worst lateness A / all  decision delay B: median / worst (n)  B: floatd Downs for drops (mid-table), BIRD Downs');
for (const r of rows) {
  const d = [...r.delays].sort((x, y) => x - y);
  const med = d[Math.floor(d.length / 2)];
  console.log(
    `${`${r.ms} ms x 3`.padEnd(11)} ${`A ${secs(r.ingests.filter((i) => i.phase === 'A'))}; B ${secs(r.ingests.filter((i) => i.phase === 'B'))}`.padEnd(42)} ` +
      `${`${r.falseFd}/${r.falseBird}${r.notUpSamples > 0 ? ` (${r.notUpSamples} samples not Up)` : ''}`.padEnd(28)} ` +
      `${`${f1(r.gapA)} / ${f1(r.gapAll)} ms`.padEnd(20)} ${`${f1(r.lateA)} / ${f1(r.lateAll)} ms`.padEnd(23)} ` +
      `${`${med === undefined ? '?' : f1(med)} / ${d.length === 0 ? '?' : f1(d.at(-1)!)} ms (${d.length})`.padEnd(37)} ` +
      `${r.downsB} for ${r.delays.length} (${r.dropsMidIngest} mid-table), ${r.birdDownsB}`,
  );
}
console.log(`phase A, tables only, lasted ${rows.map((r) => `${r.phaseASeconds.toFixed(1)} s (${r.ms} ms)`).join(', ')}; BIRD's BGP and BFD session restart after each drop in B`);
for (const r of rows) {
  const w = (k: Stage) => (r.lateIn[k] === undefined ? '-' : `${f1(r.lateIn[k])} ms`);
  console.log(`${r.ms} ms x 3, phase A: worst lateness reached while idle before the tables ${w('idle')}, a feeder connecting ${w('connect')}, a table arriving ${w('table')}, after the feeding session closed ${w('closed')}`);
}
for (const r of rows) for (const why of r.falseWhy) console.log(`${r.ms} ms x 3, phase A, floatd: ${why}`);
console.log(`native thread real-time priority: ${rows.map((r) => `${r.ms} ms: ${r.realtime}`).join(', ')}`);
console.log('"+": a table not fully counted within its cap. Worst gap: between two Up packets (interval with 75-100 % jitter); "all" includes phase B.');
