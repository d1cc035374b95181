// Instance death, measured in one run: an instance dies (nftables in its
// namespace drops every packet, both ways; the link stays up, so nothing
// tells the router but silence) and we time how long the router keeps its
// route. Contenders: floatd with BFD 100 ms x 3; floatd with hold time 3 s
// and no BFD; floatd with each preset against that preset's emulated
// upstream (lab/upstreams), once with the preset's hold-time ladder and once
// with the 90 s floatd proposed before the ladder; BIRD to BIRD with BFD
// 100 ms x 3 as the reference. Where the router is our own BIRD it exports
// the route to its kernel and the time is the FIB's (`ip monitor`, lab/failover's
// fib-watch); at the emulated upstreams birdc is polled back to back.
// The death's time is the wall clock read by `date` right after `nft` exits
// (in the same shell), so a figure may be short by the millisecond or two
// between nft's commit and that read.
//
// Needs root (namespaces, nftables, port 179). Run: npm run bench:death [-- options]
//   --runs N      deaths per contender (default 3; medians printed)
//   --quick       one run each, and contenders whose negotiated hold time is over 10 s
//                 are not measured (their hold time is printed instead)
//   --only LIST   contender ids, comma-separated

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bird } from '../lab/daemons/bird.js';
import type { BirdSession } from '../lab/daemons/bird.js';
import { Floatd } from '../lab/daemons/floatd.js';
import type { FloatdConfig, FloatdNeighborStatus } from '../lab/daemons/floatd.js';
import { FibWatch } from '../lab/failover/fib-watch.js';
import { Lab, Pending, check, requireLab, sleep, waitFor } from '../lab/netns.js';
import { buildLinodeLab, LINODE_HOLD_TIME } from '../lab/upstreams/linode.js';
import { buildVultrLab, VULTR_CUSTOMER_AS, VULTR_HOLD_TIME, VULTR_ROUTER } from '../lab/upstreams/vultr.js';

const PREFIX = '192.0.2.10/32';
const ROUTER_AS = 65000;
const INSTANCE_AS = 65001;
const BFD = { minRxMs: 100, minTxMs: 100, multiplier: 3 };
const QUICK_MAX_HOLD_S = 10;
const LINODE_DCID = 10;
const VULTR_KEY = 'vultr-bench-key';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** One instance set up and routed: how to kill it, revive it, and see its route at the router. */
interface Subject {
  /** The namespace whose packets are dropped. */
  readonly ns: string;
  /** The router holds the instance's route. */
  routePresent(): Promise<boolean>;
  /** The router's FIB, when the router exports the route to its kernel. */
  readonly fib?: FibWatch;
  /** What detects the death, as negotiated: "BFD 100 ms x 3", "hold 3 s". */
  detection(): Promise<{ text: string; holdS?: number }>;
}

interface Contender {
  readonly id: string;
  readonly label: string;
  build(lab: Lab): Promise<Subject>;
}

/** A router namespace and an instance namespace on one veth: router .1, instance .2 of 10.214.K.0/30. */
async function pair(lab: Lab, k: number): Promise<{ nsR: string; nsI: string; router: string; instance: string }> {
  const nsR = await lab.namespace('router');
  const nsI = await lab.namespace('inst');
  const router = `10.214.${k}.1`;
  const instance = `10.214.${k}.2`;
  await lab.veth(nsR, nsI, { ifA: `dr${k}`, ifB: `di${k}`, addrA: [`${router}/30`], addrB: [`${instance}/30`] });
  return { nsR, nsI, router, instance };
}

const routerSession = (p: { router: string; instance: string }, o: Partial<BirdSession> = {}): BirdSession => ({
  name: 'inst',
  localAddress: p.router,
  localAs: ROUTER_AS,
  neighborAddress: p.instance,
  neighborAs: INSTANCE_AS,
  family: 'ipv4',
  // BIRD's default, as on a router nobody tuned.
  holdTime: 240,
  ...o,
});

async function present(bird: Bird, protocol: string): Promise<boolean> {
  return (await bird.routeSources(PREFIX)).some((s) => s.protocol === protocol);
}

function floatdDetection(f: Floatd, neighbor: string, bfd: boolean) {
  return async () => {
    const n = (await f.neighbor(neighbor)) as (FloatdNeighborStatus & { bfd?: { state?: string; detectionTimeMs?: number } }) | undefined;
    const hold = n?.holdTime;
    const ladder = n?.holdLadder ? ` (ladder ${n.holdLadder.candidates.join(', ')} s, step ${n.holdLadder.step}; the router offered ${n.peerHoldTime ?? '?'} s)` : '';
    const text = bfd ? `BFD ${BFD.minTxMs} ms x ${BFD.multiplier} (detect ${n?.bfd?.detectionTimeMs ?? '?'} ms), hold ${hold ?? '?'} s` : `hold ${hold ?? '?'} s${ladder}`;
    return bfd ? { text } : { text, ...(hold !== undefined ? { holdS: hold } : {}) };
  };
}

async function floatdPair(lab: Lab, k: number, neighbor: Record<string, unknown>, session: Partial<BirdSession>, bfd: boolean): Promise<Subject> {
  const p = await pair(lab, k);
  const bird = await Bird.start(lab, p.nsR, 'router', { routerId: p.router, sessions: [routerSession(p, session)], kernel: { families: ['ipv4'] } });
  const fib = FibWatch.start(lab, p.nsR, 'fib', PREFIX.replace('/32', ''));
  const cfg: FloatdConfig = {
    'router-id': p.instance,
    'local-as': INSTANCE_AS,
    neighbors: [{ address: p.router, 'peer-as': ROUTER_AS, 'local-address': p.instance, 'connect-retry': 1, ...neighbor }],
    announce: [{ prefix: PREFIX }],
  };
  const f = Floatd.start(lab, p.nsI, 'floatd', cfg);
  await f.waitEstablished(p.router, 30_000);
  return { ns: p.nsI, routePresent: () => present(bird, 'inst'), fib, detection: floatdDetection(f, p.router, bfd) };
}

const CONTENDERS: readonly Contender[] = [
  {
    id: 'floatd-bfd',
    label: 'floatd, BFD 100 ms x 3',
    build: (lab) => floatdPair(lab, 1, { bfd: true }, { bfd: BFD }, true),
  },
  {
    id: 'floatd-hold3',
    label: 'floatd, hold 3 s, no BFD',
    build: (lab) => floatdPair(lab, 2, { 'hold-time': 3 }, {}, false),
  },
  ...(['ladder', 'hold90'] as const).map(
    (variant): Contender => ({
      id: `vultr-${variant}`,
      label: variant === 'ladder' ? 'floatd, preset vultr (its ladder)' : 'floatd, preset vultr, hold-time 90',
      build: async (lab) => {
        const v = await buildVultrLab(lab, VULTR_KEY, ['a']);
        const i = v.instance('a');
        const keyFile = join(lab.dir, 'vultr.md5');
        writeFileSync(keyFile, `${VULTR_KEY}\n`, { mode: 0o600 });
        const f = Floatd.start(lab, i.ns, 'floatd', {
          preset: { vultr: { asn: VULTR_CUSTOMER_AS, 'password-file': keyFile, 'source-address': i.address } },
          ...(variant === 'hold90' ? { neighbors: [{ address: VULTR_ROUTER, 'hold-time': 90 }] } : {}),
          announce: [{ prefix: PREFIX }],
        });
        await f.waitEstablished(VULTR_ROUTER, 30_000);
        return { ns: i.ns, routePresent: () => present(v.router, i.protocol), detection: floatdDetection(f, VULTR_ROUTER, false) };
      },
    }),
  ),
  {
    id: 'linode-ladder',
    label: 'floatd, preset linode (its ladder)',
    build: async (lab) => {
      const l = await buildLinodeLab(lab, { dcid: LINODE_DCID, routeServers: 4, names: ['a'] });
      const i = l.instance('a');
      const f = Floatd.start(lab, i.ns, 'floatd', {
        'router-id': '10.213.1.1',
        preset: { linode: { dcid: LINODE_DCID, role: 'primary' } },
        announce: [{ prefix: PREFIX }],
      });
      const rs1 = l.routeServers[0]!;
      await f.waitEstablished(rs1.address, 30_000);
      return { ns: i.ns, routePresent: () => present(rs1.bird, i.protocol), detection: floatdDetection(f, rs1.address, false) };
    },
  },
  {
    id: 'bird-bfd',
    label: 'BIRD to BIRD, BFD 100 ms x 3 (reference)',
    build: async (lab) => {
      const p = await pair(lab, 3);
      const router = await Bird.start(lab, p.nsR, 'router', { routerId: p.router, sessions: [routerSession(p, { bfd: BFD })], kernel: { families: ['ipv4'] } });
      const fib = FibWatch.start(lab, p.nsR, 'fib', PREFIX.replace('/32', ''));
      await Bird.start(lab, p.nsI, 'instance', {
        routerId: p.instance,
        originate: [PREFIX],
        sessions: [{ name: 'up', localAddress: p.instance, localAs: INSTANCE_AS, neighborAddress: p.router, neighborAs: ROUTER_AS, family: 'ipv4', holdTime: 240, bfd: BFD }],
      });
      await waitFor('BIRD\'s BFD session', async () => ((await router.birdc('show', 'bfd', 'sessions')).includes('Up') ? true : new Pending('BFD not Up')), { timeoutMs: 30_000 });
      return { ns: p.nsI, routePresent: () => present(router, 'inst'), fib, detection: async () => ({ text: `BFD ${BFD.minTxMs} ms x ${BFD.multiplier}, hold 240 s` }) };
    },
  },
];

/** Every packet in and out of `ns` dropped; returns the epoch ms right after, and the undo that deletes the table. */
async function kill(lab: Lab, ns: string): Promise<{ at: number; revive: () => Promise<void> }> {
  const script = join(lab.dir, `nft-death-${ns}.conf`);
  const chain = (hook: string) => `  chain ${hook} { type filter hook ${hook === 'in' ? 'input' : 'output'} priority -300; policy drop; }`;
  writeFileSync(script, `table inet fddeath {\n${chain('in')}\n${chain('out')}\n}\n`);
  const out = await check('ip', ['netns', 'exec', ns, 'sh', '-c', `nft -f '${script}' && date +%s.%N`]);
  const at = Number(out.trim()) * 1000;
  if (!Number.isFinite(at)) throw new Error(`no time from date after nft: ${JSON.stringify(out)}`);
  return { at, revive: async () => void (await check('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', 'fddeath'])) };
}

interface Death {
  /** Death to route gone, ms. */
  readonly ms: number;
  /** Where the time comes from: the FIB's timestamp, or birdc polls of this many ms. */
  readonly source: string;
}

async function oneDeath(lab: Lab, s: Subject, limitMs: number): Promise<Death> {
  await waitFor('the route at the router', async () => ((await s.routePresent()) ? true : new Pending('no route')), { timeoutMs: 90_000, intervalMs: 200 });
  // A random point of the keepalive and BFD cycles.
  await sleep(1000 + Math.random() * 1500);
  const { at: epoch0, revive } = await kill(lab, s.ns);
  try {
    for (;;) {
      const start = Date.now();
      const there = await s.routePresent();
      const end = Date.now();
      if (!there) {
        const gone = s.fib === undefined ? undefined : await fibGone(s.fib, epoch0);
        if (gone !== undefined) return { ms: gone - epoch0, source: 'FIB' };
        return { ms: (start + end) / 2 - epoch0, source: `birdc poll ${end - start} ms` };
      }
      if (end - epoch0 > limitMs) throw new Error(`the route was still at the router ${Math.round(limitMs / 1000)} s after the death`);
    }
  } finally {
    await revive();
  }
}

/** The FIB's deletion of the route after `epoch0`; ip monitor may print it a moment after BIRD's table changed. */
async function fibGone(fib: FibWatch, epoch0: number): Promise<number | undefined> {
  for (let i = 0; i < 20; i++) {
    const e = fib.events().find((x) => x.t >= epoch0 && x.gateways.length === 0);
    if (e !== undefined) return e.t;
    await sleep(50);
  }
  return undefined;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

interface Row {
  readonly id: string;
  readonly label: string;
  readonly detection: string;
  readonly deaths: readonly number[];
  readonly note?: string;
}

async function main(): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error('bench:death needs root: it creates network namespaces, nftables tables and runs BGP daemons on port 179.');
    process.exit(1);
  }
  requireLab(['bird', 'birdc', 'nft']);
  const quick = process.argv.includes('--quick');
  const runs = Number(arg('--runs') ?? (quick ? 1 : 3));
  const only = arg('--only')?.split(',');
  if (!Number.isInteger(runs) || runs < 1 || only?.some((id) => !CONTENDERS.some((c) => c.id === id))) {
    console.error(`usage: bench:death [--runs N] [--quick] [--only ${CONTENDERS.map((c) => c.id).join(',')}]`);
    process.exit(2);
  }
  console.log(`instance death: every packet of the instance dropped (nftables, link up) -> route gone at the router; ${runs} run(s) each${quick ? ', quick' : ''}`);
  const rows: Row[] = [];
  for (const c of CONTENDERS.filter((x) => only === undefined || only.includes(x.id))) {
    const lab = new Lab('death');
    try {
      const s = await c.build(lab);
      const d = await s.detection();
      if (quick && d.holdS !== undefined && d.holdS > QUICK_MAX_HOLD_S) {
        rows.push({ id: c.id, label: c.label, detection: d.text, deaths: [], note: `not measured with --quick: the router would wait up to ${d.holdS} s` });
        console.log(`  ${c.label}: ${d.text}; skipped (--quick), up to ${d.holdS} s`);
        continue;
      }
      const limitMs = ((d.holdS ?? 5) + 15) * 1000;
      const deaths: number[] = [];
      for (let r = 0; r < runs; r++) {
        const x = await oneDeath(lab, s, limitMs);
        deaths.push(x.ms);
        console.log(`  ${c.label}: run ${r + 1}: route gone ${sec(x.ms)} after the death (${x.source})`);
      }
      rows.push({ id: c.id, label: c.label, detection: d.text, deaths });
    } catch (e) {
      console.log(`  ${c.label}: failed: ${(e as Error).message}\n${lab.logTails(15)}`);
      rows.push({ id: c.id, label: c.label, detection: '-', deaths: [], note: `failed: ${(e as Error).message}` });
    } finally {
      await lab.cleanup();
    }
  }
  console.log('');
  console.log(table(rows));
  const bfd = rows.find((r) => r.id === 'floatd-bfd');
  if (bfd && bfd.deaths.length > 0) {
    const m = median(bfd.deaths);
    console.log(`goal: with BFD 100 ms x 3 the route is gone in 0.3 s or less: ${m <= 300 ? 'met' : 'NOT met'} (median ${sec(m)})`);
  }
  console.log(`hold times the upstreams offer: Vultr's router ${VULTR_HOLD_TIME} s, Linode's route servers ${LINODE_HOLD_TIME} s`);
}

function table(rows: readonly Row[]): string {
  const head = ['contender', 'detection (negotiated)', 'median', 'min', 'max', 'runs'];
  const body = rows.map((r) =>
    r.deaths.length === 0
      ? [r.label, r.detection, '-', '-', '-', r.note ?? '0']
      : [r.label, r.detection, sec(median(r.deaths)), sec(Math.min(...r.deaths)), sec(Math.max(...r.deaths)), String(r.deaths.length)],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cells) => cells.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

await main();
