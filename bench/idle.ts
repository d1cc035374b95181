// Idle cost: CPU and memory of a speaker that has nothing to do but keep
// four BGP sessions up and check ten local HTTP services every 0.5 s.
//
// One BIRD 2 router in a namespace holds eight sessions: four with floatd
// (`node bin/floatd.js run`, one namespace) and four with ExaBGP 4 (another
// namespace), whose healthcheck program (Debian's exabgp package, one
// process per service, each running curl) checks the same ten services.
// Each instance namespace runs its own ten HTTP services in one small node
// process that is not measured. After a warm-up the figures are taken over
// --seconds: CPU as a share of one core from utime+stime+cutime+cstime in
// /proc/PID/stat (reaped children included: floatd's `ip` runs, the
// healthcheck's curls), resident memory now (VmRSS, and RssAnon: the private
// part, without the executable's and libraries' pages) and at its peak (VmHWM).
// ExaBGP is summed with its API processes (the healthchecks).
//
// Run as root: npm run bench:idle [-- --seconds 60 --warmup 15 --floatd-only]
// Extra node options for floatd (to compare flags): FLOATD_NODE_OPTIONS.
// Prints figures; asserts nothing.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bird } from '../lab/daemons/bird.js';
import type { BirdSession } from '../lab/daemons/bird.js';
import { Floatd } from '../lab/daemons/floatd.js';
import { EXABGP } from '../lab/daemons/exabgp.js';
import { EXABGP_HEALTHCHECK } from '../lab/failover/contenders.js';
import { Lab, LabError, requireLab, sleep, waitFor } from '../lab/netns.js';
import type { LabProcess } from '../lab/netns.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 60);
const WARMUP = arg('warmup', 15);
const FLOATD_ONLY = process.argv.includes('--floatd-only');
const PEERS = 4;
const SERVICES = 10;
const INTERVAL_S = 0.5;
const HTTP_BASE_PORT = 8100;
const ROUTER_AS = 64600;
const INSTANCE_AS = 65100;
const CLK_TCK = 100;

/** Ten HTTP services on 127.0.0.1 in one process; not measured. */
const HTTP_SERVICES_JS = `
const http = require('node:http');
let n = 0;
for (let i = 0; i < ${SERVICES}; i++) {
  const s = http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok\\n'); });
  s.listen(${HTTP_BASE_PORT} + i, '127.0.0.1', () => { if (++n === ${SERVICES}) console.log('"listening"'); });
}`;

interface Sample {
  readonly ticks: number;
  /** utime + cutime: the user-space share of `ticks`. */
  readonly userTicks: number;
  readonly rssKiB: number;
  /** RssAnon: private memory, without the pages of the executable and libraries (shared, and evictable). */
  readonly anonKiB: number;
  readonly hwmKiB: number;
}

function sample(pid: number): Sample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised name: state is field 3, utime..cstime are 14..17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0);
    const userTicks = Number(f[11]) + Number(f[13]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { ticks, userTicks, rssKiB: kib('VmRSS'), anonKiB: kib('RssAnon'), hwmKiB: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      continue;
    }
  }
  return out;
}

function sum(pids: readonly number[]): Sample {
  let ticks = 0;
  let userTicks = 0;
  let rssKiB = 0;
  let anonKiB = 0;
  let hwmKiB = 0;
  for (const p of pids) {
    const s = sample(p);
    if (s === undefined) continue;
    ticks += s.ticks;
    userTicks += s.userTicks;
    rssKiB += s.rssKiB;
    anonKiB += s.anonKiB;
    hwmKiB += s.hwmKiB;
  }
  return { ticks, userTicks, rssKiB, anonKiB, hwmKiB };
}

interface Contender {
  readonly label: string;
  /** The processes measured, fixed after the warm-up. */
  pids(): number[];
}

async function startHttpServices(lab: Lab, ns: string, name: string): Promise<LabProcess> {
  const file = join(lab.dir, `${name}.cjs`);
  writeFileSync(file, HTTP_SERVICES_JS);
  const p = lab.spawn(ns, name, process.execPath, [file]);
  await waitFor(`${name} to listen`, () => {
    if (!p.running) throw new LabError(`${name} exited: ${p.output().slice(-300)}`);
    return p.output().includes('"listening"');
  });
  return p;
}

const routerAddr = (side: number, i: number) => `10.213.${side}.${1 + i}`;
const instanceAddr = (side: number, i: number) => `10.213.${side}.${101 + i}`;
const vip = (side: number, i: number) => `192.0.${side === 1 ? 2 : 3}.${10 + i}/32`;

/** ExaBGP with four neighbors and one API process per healthcheck, started as lab/daemons/exabgp.ts does. */
function startExabgp(lab: Lab, ns: string, processes: readonly { name: string; run: string }[]): LabProcess {
  const text = [
    ...processes.flatMap((p) => [`process ${p.name} {`, `  run ${p.run};`, `  encoder text;`, `}`]),
    ...Array.from({ length: PEERS }, (_, i) => [
      `neighbor ${routerAddr(2, i)} {`,
      `  router-id ${instanceAddr(2, 0)};`,
      `  local-address ${instanceAddr(2, i)};`,
      `  local-as ${INSTANCE_AS + 2};`,
      `  peer-as ${ROUTER_AS};`,
      `  hold-time 90;`,
      `  family { ipv4 unicast; }`,
      `  api { processes [ ${processes.map((p) => p.name).join(' ')} ]; }`,
      `}`,
    ]).flat(),
    '',
  ].join('\n');
  const conf = join(lab.dir, 'exabgp.conf');
  writeFileSync(conf, text);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    'exabgp.daemon.user': 'root',
    'exabgp.daemon.daemonize': 'false',
    'exabgp.log.destination': 'stdout',
  };
  return lab.spawn(ns, 'exabgp', EXABGP, [conf], { env });
}

async function main(): Promise<void> {
  requireLab(['bird', 'birdc', ...(FLOATD_ONLY ? [] : [EXABGP_HEALTHCHECK, 'curl'])]);
  const lab = new Lab('idle');
  try {
    const nsR = await lab.namespace('r');
    const nsF = await lab.namespace('f');
    const nsE = await lab.namespace('e');
    const sides: [number, string, string][] = [
      [1, nsF, 'f'],
      ...(FLOATD_ONLY ? [] : ([[2, nsE, 'e']] as [number, string, string][])),
    ];
    const sessions: BirdSession[] = [];
    for (const [side, ns, tag] of sides) {
      const range = Array.from({ length: PEERS }, (_, i) => i);
      await lab.veth(nsR, ns, {
        ifA: `ir${tag}`,
        ifB: `i${tag}`,
        addrA: range.map((i) => `${routerAddr(side, i)}/24`),
        addrB: range.map((i) => `${instanceAddr(side, i)}/24`),
      });
      for (const i of range) {
        sessions.push({
          name: `${tag}${i}`,
          localAddress: routerAddr(side, i),
          localAs: ROUTER_AS,
          neighborAddress: instanceAddr(side, i),
          neighborAs: INSTANCE_AS + side,
          family: 'ipv4',
          passive: true,
          holdTime: 90,
        });
      }
    }
    const bird = await Bird.start(lab, nsR, 'bird', { routerId: '10.213.0.1', sessions });
    const contenders: Contender[] = [];

    await startHttpServices(lab, nsF, 'http-f');
    const services = Array.from({ length: SERVICES }, (_, s) => ({
      name: `svc${s}`,
      prefixes: [vip(1, s)],
      check: { http: { url: `http://127.0.0.1:${HTTP_BASE_PORT + s}/` } },
      interval: INTERVAL_S,
      address: { interface: 'lo' },
    }));
    const floatdEnv = process.env['FLOATD_NODE_OPTIONS'];
    const floatd = Floatd.start(
      lab,
      nsF,
      'floatd',
      {
        'router-id': instanceAddr(1, 0),
        'local-as': INSTANCE_AS + 1,
        neighbors: Array.from({ length: PEERS }, (_, i) => ({ address: routerAddr(1, i), 'peer-as': ROUTER_AS, 'local-address': instanceAddr(1, i) })),
        services,
      },
      floatdEnv === undefined ? [] : floatdEnv.split(/\s+/).filter((s) => s !== ''),
    );
    contenders.push({ label: `floatd (${PEERS} peers, ${SERVICES} HTTP checks / ${INTERVAL_S} s)`, pids: () => [floatd.process.pid] });

    let exaPids: number[] = [];
    if (!FLOATD_ONLY) {
      await startHttpServices(lab, nsE, 'http-e');
      const processes = Array.from({ length: SERVICES }, (_, s) => {
        const script = join(lab.dir, `hc${s}.sh`);
        const hcArgs = [
          '--no-syslog',
          '--name',
          `svc${s}`,
          '--cmd',
          `'curl -sf -o /dev/null http://127.0.0.1:${HTTP_BASE_PORT + s}/'`,
          '--ip',
          vip(2, s),
          '--no-ip-setup',
          '--interval',
          String(INTERVAL_S),
          '--fast-interval',
          String(INTERVAL_S),
          '--timeout',
          '1',
        ];
        writeFileSync(script, `#!/bin/sh\nexec ${EXABGP_HEALTHCHECK} ${hcArgs.join(' ')}\n`, { mode: 0o755 });
        return { name: `hc${s}`, run: script };
      });
      const exa = startExabgp(lab, nsE, processes);
      contenders.push({ label: `ExaBGP 4 + ${SERVICES} healthchecks (curl)`, pids: () => exaPids });
      exaPids = [exa.pid];
    }

    await waitFor(
      'every BIRD session Established',
      async () => {
        for (const s of sessions) if (!(await bird.established(s.name))) return false;
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await sleep(WARMUP * 1000);
    // The healthchecks are ExaBGP's children by now; their curl runs are reaped into their cutime.
    const exabgpMain = exaPids[0];
    if (exabgpMain !== undefined) exaPids = [exabgpMain, ...childrenOf(exabgpMain)];
    contenders.push({ label: `BIRD 2 (router, ${sessions.length} sessions)`, pids: () => [bird.process.pid] });

    const before = contenders.map((c) => sum(c.pids()));
    const start = performance.now();
    let peak = contenders.map(() => 0);
    const deadline = start + SECONDS * 1000;
    while (performance.now() < deadline) {
      await sleep(Math.min(1000, deadline - performance.now()));
      peak = contenders.map((c, i) => Math.max(peak[i] ?? 0, sum(c.pids()).rssKiB));
    }
    const elapsed = (performance.now() - start) / 1000;
    const after = contenders.map((c) => sum(c.pids()));
    const routes = await bird.birdc('show', 'route', 'count');

    const rows = contenders.map((c, i) => {
      const a = after[i] as Sample;
      const b = before[i] as Sample;
      const pct = (ticks: number) => ((ticks / CLK_TCK / elapsed) * 100).toFixed(2);
      return [c.label, String(c.pids().length), pct(a.ticks - b.ticks), pct(a.userTicks - b.userTicks), (a.rssKiB / 1024).toFixed(1), (a.anonKiB / 1024).toFixed(1), ((peak[i] ?? 0) / 1024).toFixed(1), (a.hwmKiB / 1024).toFixed(1)];
    });
    const head = ['', 'processes', 'CPU % of a core', 'of it user', 'RSS MiB', 'of it anon', 'max RSS seen MiB', 'VmHWM MiB'];
    const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
    const line = (r: string[]) => r.map((x, k) => (k === 0 ? x.padEnd(widths[k] ?? 0) : x.padStart(widths[k] ?? 0))).join('  ');
    console.log(`idle cost over ${elapsed.toFixed(0)} s after ${WARMUP} s warm-up (node ${process.version}${floatdEnv ? `, floatd NODE options: ${floatdEnv}` : ''})`);
    console.log(line(head));
    for (const r of rows) console.log(line(r));
    console.log(`BIRD: ${routes.trim().split('\n').at(-1)}`);
    if (!floatd.process.running) throw new LabError(`floatd exited: ${floatd.process.output().slice(-500)}`);
  } catch (err) {
    console.error(lab.logTails(20));
    throw err;
  } finally {
    await lab.cleanup();
  }
}

await main();
