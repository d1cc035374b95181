// `floatd demo`: a route server, three floatd instances with their HTTP
// services, and a client, all on loopback without root; then the story,
// printed as a timeline, and a summary. Everything started here is stopped
// and the temporary folder removed on every way out: success, failure,
// Ctrl-C, or an exit of the process itself.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { BfdManager, BFD_PORT_SINGLE_HOP } from '../bfd/index.js';
import { bfdNative, type BfdNative } from '../bfd/native.js';
import { nativeAvailable } from '../bgp/transport/index.js';
import { LINODE_COMMUNITY_PREFERENCE, RouteServer } from '../routeserver/index.js';
import { LoadClient } from './client.js';
import { DemoAborted, DemoContext } from './context.js';
import { summaryTable, type ScenarioResult } from './format.js';
import { DemoService } from './http-service.js';
import { FLOATD_BIN, FloatdInstance, livePids } from './instance.js';
import { RUNS } from './scenarios.js';
import {
  DEFAULT_RATE,
  DEMO_TIMERS,
  DemoUsageError,
  FLOATING_PREFIX,
  INSTANCE_AS,
  INSTANCES,
  REQUEST_TIMEOUT_MS,
  ROUTER,
  SCENARIOS,
  selectScenarios,
} from './story.js';
import { TrafficLog } from './traffic.js';
export { DEMO_HELP } from './help.js';
import { createLogger } from '../util/log.js';

export interface DemoOptions {
  /** One scenario by name; default: the whole story. */
  readonly scenario?: string;
  /** Where the timeline goes; default stdout. */
  readonly out?: NodeJS.WritableStream;
  /** Client requests per second (default 80). */
  readonly rate?: number;
  /** Keep the temporary folder (configs, floatd logs) and say where it is. */
  readonly keep?: boolean;
  /** Stop cleanly on SIGINT / SIGTERM (default true). */
  readonly handleSignals?: boolean;
  /** How the route server loads the BFD addon; default the built one (tests replace it). */
  readonly bfdNative?: () => BfdNative;
}


async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, ROUTER.address, resolve);
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Can this machine bind 127.0.0.2 (Linux routes all of 127/8 to lo; some systems do not)? */
async function loopbackAliasesWork(): Promise<boolean> {
  const s = net.createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(0, INSTANCES[0]!.address, () => s.close(() => resolve(true)));
  });
}

function tail(file: string, lines: number): string {
  try {
    // Stack frames say little to a reader; the message above them says what went wrong.
    const all = readFileSync(file, 'utf8').trimEnd().split('\n').filter((l) => !/^\s+at /.test(l));
    return `${all.slice(-lines).join('\n')}\n`;
  } catch {
    return '(no log)\n';
  }
}

function preflight(loadBfd: () => BfdNative): string | undefined {
  if (!nativeAvailable()) return 'the native socket-option addon is not built (floatd sets the TTL of BGP packets with it): run npm install with g++, make and python3 present';
  try {
    loadBfd();
  } catch (e) {
    // The router and every instance run BFD; a demo without it would show a freeze it cannot explain.
    return `the router and the instances run BFD, which needs floatd's BFD addon: ${(e as Error).message}`;
  }
  if (!existsSync(FLOATD_BIN)) return `${FLOATD_BIN} is missing`;
  return undefined;
}

/** The route server's start, with a port clash said plainly: UDP 3784 is one port for the whole host. */
async function startRouter(router: RouteServer): Promise<void> {
  try {
    await router.start();
  } catch (e) {
    if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    throw new Error(
      `${(e as Error).message}: BFD single hop uses UDP ${ROUTER.address}:${BFD_PORT_SINGLE_HOP} and ${INSTANCES.map((i) => i.address).join(', ')} port ${BFD_PORT_SINGLE_HOP}; another floatd demo (or a BFD daemon on these addresses) is running on this host`,
    );
  }
}

export async function runDemo(opts: DemoOptions = {}): Promise<number> {
  const out = opts.out ?? process.stdout;
  const write = (s: string): void => void out.write(s);
  let scenarios;
  try {
    scenarios = selectScenarios(opts.scenario);
  } catch (e) {
    if (!(e instanceof DemoUsageError)) throw e;
    write(`floatd demo: ${e.message}\n`);
    return 2;
  }
  const loadBfd = opts.bfdNative ?? bfdNative;
  const problem = preflight(loadBfd) ?? ((await loopbackAliasesWork()) ? undefined : `cannot bind ${INSTANCES[0]!.address}: the demo needs 127.0.0.2-4 on the loopback interface (Linux has them)`);
  if (problem) {
    write(`floatd demo: ${problem}\n`);
    return 1;
  }

  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `floatd-demo-${process.pid}-`));
  const abort = new AbortController();
  const services: DemoService[] = [];
  const instances: FloatdInstance[] = [];
  let router: RouteServer | undefined;
  let client: LoadClient | undefined;
  let ctx: DemoContext | undefined;
  let routerLog: ReturnType<typeof pino.destination> | undefined;

  // Last resort: the process is exiting (uncaught error, process.exit) with children still up.
  const killSync = (): void => {
    for (const pid of livePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    if (abort.signal.aborted) return;
    write(`\n${sig}: stopping the demo and cleaning up\n`);
    abort.abort();
  };
  const handle = opts.handleSignals ?? true;
  process.on('exit', killSync);
  if (handle) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const results: ScenarioResult[] = [];
  let cleanEnd = false;
  try {
    const traffic = new TrafficLog();
    for (const info of INSTANCES) services.push(await DemoService.start(info.name));
    const routerPort = await freePort();
    router = new RouteServer({
      listen: { address: ROUTER.address, port: routerPort },
      localAs: ROUTER.as,
      routerId: ROUTER.routerId,
      peers: INSTANCES.map((i) => ({ address: i.address, peerAs: INSTANCE_AS, description: i.name, bfd: DEMO_TIMERS.bfd })),
      holdTime: DEMO_TIMERS.holdTime,
      bfdManager: new BfdManager({ native: loadBfd() }),
      decision: { communityPreference: LINODE_COMMUNITY_PREFERENCE },
      log: createLogger({ destination: (routerLog = pino.destination({ dest: join(dir, 'router.log'), sync: true })) }),
    });
    await startRouter(router);
    INSTANCES.forEach((info, k) => instances.push(new FloatdInstance(info, services[k]!, dir, routerPort)));
    const rate = opts.rate ?? DEFAULT_RATE;
    const byAddress = new Map(instances.map((i) => [i.info.address, { name: i.name, port: i.service.port }]));
    const activeRouter = router;
    client = new LoadClient({
      rate,
      timeoutMs: REQUEST_TIMEOUT_MS,
      log: traffic,
      now: () => performance.now() - t0,
      nextHops: () => activeRouter.bestPaths(FLOATING_PREFIX).map((p) => p.nextHops[0] ?? ''),
      target: (hop) => byAddress.get(hop),
    });
    ctx = new DemoContext({ out, router, instances, client, traffic, signal: abort.signal, t0 });

    write(`floatd demo: the floating IP ${FLOATING_PREFIX} served by three instances behind one router, all on loopback\n`);
    write(`  router   ${ROUTER.address} port ${routerPort}, AS ${ROUTER.as}: floatd's own BGP speaker as a route server\n`);
    write(`           (best path by LOCAL_PREF, community 65000:1 > 65000:2 > 65000:3, AS_PATH, ORIGIN, MED; ECMP over equal paths)\n`);
    for (const i of instances) write(`  ${i.name.padEnd(7)}  ${i.info.address}, AS ${INSTANCE_AS}, floatd checking its HTTP service on 127.0.0.1:${i.service.port}\n`);
    write(`  client   ${rate} requests/s to the floating IP, each to the next hop the router prefers at that moment (hashed across equal paths)\n`);
    const b = DEMO_TIMERS.bfd;
    write(`  timers   BGP hold ${DEMO_TIMERS.holdTime} s; BFD ${b.minTxMs} ms x ${b.multiplier} (single hop, UDP ${BFD_PORT_SINGLE_HOP}); health check every ${DEMO_TIMERS.interval} s (${DEMO_TIMERS.fastInterval} s while confirming), fall ${DEMO_TIMERS.fall}, rise ${DEMO_TIMERS.rise}\n`);
    write('  traffic  lines each second: who served the requests that finished in that second, and what failed\n');
    if (opts.keep) write(`  files    ${dir} (configs and floatd logs, kept)\n`);
    write('\n');

    ctx.say('demo', 'starting the three floatd instances');
    await ctx.ensure(scenarios[0]!.phase, scenarios[0]!.bfdOff);
    client.start();
    ctx.startTicker();

    for (const [k, s] of scenarios.entries()) {
      write(`\n== ${k + 1}/${scenarios.length} ${s.name}: ${s.title}\n   ${s.intro}\n`);
      const outcome = await RUNS[s.name](ctx);
      results.push(outcome.result);
      for (const v of outcome.verdicts) write(`   ${v.ok ? 'ok  ' : 'FAIL'}  ${v.text}\n`);
      if (outcome.moral) write(`   ${outcome.moral}\n`);
    }
    ctx.stopTicker();
    await client.stop();
    cleanEnd = true;

    write(`\nSummary (${((performance.now() - t0) / 1000).toFixed(1)} s, ${traffic.size} requests in all)\n${summaryTable(results)}\n`);
    return results.every((r) => r.pass) ? 0 : 1;
  } catch (e) {
    if (e instanceof DemoAborted || abort.signal.aborted) {
      write('demo interrupted\n');
      return 130;
    }
    write(`\nfloatd demo failed: ${(e as Error).message}\n`);
    for (const i of instances) write(`--- ${i.name}'s floatd log, last lines ---\n${tail(i.logFile, 6)}`);
    if (results.length > 0) write(`${summaryTable(results)}\n`);
    return 1;
  } finally {
    ctx?.close();
    client?.abort();
    // A clean end lets each floatd withdraw and say goodbye; otherwise there is no time for manners.
    await Promise.all(instances.map((i) => (cleanEnd ? i.stop() : i.kill())));
    await router?.stop().catch(() => undefined);
    routerLog?.end();
    await Promise.all(services.map((s) => s.close()));
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    process.off('exit', killSync);
    if (handle) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

