// VRRP failover, from a service's death to the other host serving the client:
// floatd's VRRP (told by an event-driven signal the moment the HTTP server
// exits) against keepalived with a vrrp_script (interval 1, fall 2) checking
// the same server. The backup is keepalived in both cases; adverts every
// 0.1 s. A client in a third namespace sends a request every 10 ms (100 ms
// timeout) and logs who answered. Prints per run and medians; goal for
// floatd: the client served again within 0.35 s.
//
// Needs root (namespaces, raw sockets). Run: npm run bench:vrrp [-- --runs N]

import { performance } from 'node:perf_hooks';
import { Pending, requireLab, sleep, waitFor, type LabProcess } from '../lab/netns.js';
import { holders, startFloatd, startHttp, startKeepalived, VIP, vrrpLan, type VrrpLan } from '../lab/vrrp-lan.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Math.max(1, Math.min(20, Number(arg('--runs') ?? 3)));
const GOAL_MS = 350;

const CLIENT = `
const http = require('http');
const [vip, ms] = [process.argv[1], Number(process.argv[2])];
const end = Date.now() + ms;
const once = () => new Promise((done) => {
  const t = performance.timeOrigin + performance.now();
  const req = http.get({ host: vip, port: 8080, path: '/', agent: false, timeout: 100 }, (res) => {
    let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => { console.log(JSON.stringify({ t, who: b })); done(); });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => { console.log(JSON.stringify({ t, who: null, err: e.message })); done(); });
});
(async () => { while (Date.now() < end) { await once(); await new Promise((r) => setTimeout(r, 10)); } })();
`;

interface RunResult {
  readonly contender: string;
  /** Service death to the first answer from the other host. */
  readonly servedAgainMs: number;
  readonly failed: number;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

async function oneRun(lan: VrrpLan, contender: 'floatd' | 'keepalived', run: number): Promise<RunResult> {
  const http = run === 0 ? lan.http.fd : startHttp(lan.lab, lan.ns.fd, 'fd');
  let active: LabProcess;
  if (contender === 'floatd') {
    active = startFloatd(lan, `fd-run${run}`, { vrid: 70, priority: 150, advertIntervalMs: 100 });
    // The event-driven signal: the server's exit, told at once.
    void http.exited.then(() => active.signal('SIGUSR1'));
  } else {
    active = startKeepalived(lan, `kaA-run${run}`, { vrid: 70, priority: 150, advertInt: 0.1, host: 'fd', checkCommand: '/usr/bin/curl -sf -m 0.5 -o /dev/null http://127.0.0.1:8080/' });
  }
  await waitFor('the active side to hold the address', async () => ((await holders(lan)).join() === 'fd' ? true : new Pending('not yet')), { timeoutMs: 15_000 });
  const backup = startKeepalived(lan, `kaB-${contender}-run${run}`, { vrid: 70, priority: 100, advertInt: 0.1 });
  await waitFor('the backup to settle', () => (/Entering BACKUP STATE/.test(backup.output()) ? true : new Pending('not yet')));
  await sleep(1500);
  const client = lan.lab.spawn(lan.ns.cl, `client-${contender}-run${run}`, process.execPath, ['-e', CLIENT, VIP, '9000']);
  await sleep(1000);
  const died = wallNow();
  http.signal('SIGKILL');
  await client.exited;
  const lines = client
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { t: number; who: string | null });
  const after = lines.filter((l) => l.t >= died);
  const firstKa = after.find((l) => l.who === 'ka');
  const failed = after.filter((l) => firstKa === undefined || l.t < firstKa.t).filter((l) => l.who !== 'ka').length;
  await active.stop();
  await backup.stop();
  return { contender, servedAgainMs: firstKa ? firstKa.t - died : Number.NaN, failed };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  requireLab(['keepalived', 'curl']);
  const lan = await vrrpLan('vbench');
  const results: RunResult[] = [];
  try {
    let run = 0;
    for (let i = 0; i < RUNS; i++) {
      for (const c of ['floatd', 'keepalived'] as const) {
        const r = await oneRun(lan, c, run++);
        results.push(r);
        console.log(`run ${i + 1} ${c.padEnd(10)} served again after ${r.servedAgainMs.toFixed(0).padStart(5)} ms, ${r.failed} failed requests`);
      }
    }
  } finally {
    await lan.lab.cleanup();
  }
  console.log('\nmedian over runs (service killed -> client served by the other host; 0.1 s adverts, requests every 10 ms)');
  for (const c of ['floatd', 'keepalived'] as const) {
    const rs = results.filter((r) => r.contender === c);
    const ms = median(rs.map((r) => r.servedAgainMs));
    const label = c === 'floatd' ? 'floatd (event-driven signal)' : 'keepalived (vrrp_script interval 1, fall 2)';
    console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms  failed requests ${median(rs.map((r) => r.failed)).toFixed(0)}  (${rs.map((r) => r.servedAgainMs.toFixed(0)).join(', ')})`);
  }
  const f = median(results.filter((r) => r.contender === 'floatd').map((r) => r.servedAgainMs));
  console.log(`goal: floatd under ${GOAL_MS} ms: ${f < GOAL_MS ? 'met' : 'not met'}`);
}

await main();
