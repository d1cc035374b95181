// The lab's L2 section: two hosts share a LAN (lab/vrrp-lan.ts) and a
// floating address by VRRP, a client on the LAN is served by the Active.
// The BGP scenarios' contender model (daemons announcing to a router) does
// not fit, so this section has its own pairs (lab/vrrp-pair.ts): floatd
// pair against keepalived pair with a vrrp_script. Each scenario faults the
// Active host (fd), and reports failed requests and the recovery time as the
// BGP scenarios do, plus a sampler of both hosts' addresses: the address
// must never be on both while both routers run.

import { sleep } from '../netns.js';
import { bothHold, VIP, type VrrpLan } from '../vrrp-lan.js';
import { Servers, startPair, type PairSettings, type RunningPair } from '../vrrp-pair.js';
import { fileURLToPath } from 'node:url';
import { settledAfter, settledFor, summarize } from './measure.js';
import { epochNow, parseRecords } from './records.js';
import type { ScenarioResult } from './scenario-types.js';

const CLIENT_JS = fileURLToPath(new URL('./client.js', import.meta.url));

export interface VrrpTiming {
  /** Clean traffic needed to call the outcome reached. */
  readonly settleMs: number;
  /** Give up this long after the event. */
  readonly capMs: number;
  readonly rate: number;
  readonly requestTimeoutMs: number;
  /** How long the freeze lasts. */
  readonly freezeMs: number;
}

export const VRRP_TIMING: VrrpTiming = { settleMs: 2_000, capMs: 15_000, rate: 100, requestTimeoutMs: 1_000, freezeMs: 4_000 };

export interface VrrpScenario {
  readonly id: string;
  readonly title: string;
  /** The fault on the Active host; resolves with the end of the fault (the freeze's SIGCONT) or undefined. */
  fault(pair: RunningPair, servers: Servers, t: VrrpTiming): Promise<void>;
  /** Where traffic must settle. */
  readonly target: 'ka';
  /** The address may be on both hosts during the fault (a frozen router cannot remove it). */
  readonly bothDuringFault?: boolean;
}

export const VRRP_SCENARIOS: readonly VrrpScenario[] = [
  {
    id: 'vrrp-service-death',
    title: 'VRRP: service killed on the Active',
    target: 'ka',
    async fault(_pair, servers) {
      servers.get('fd').signal('SIGKILL');
    },
  },
  {
    id: 'vrrp-freeze',
    title: 'VRRP: Active router frozen (SIGSTOP)',
    target: 'ka',
    bothDuringFault: true,
    async fault(pair) {
      process.kill(pair.vrrpPid(), 'SIGSTOP');
    },
  },
  {
    id: 'vrrp-graceful-stop',
    title: 'VRRP: Active router stopped (SIGTERM)',
    target: 'ka',
    async fault(pair) {
      pair.active.signal('SIGTERM');
    },
  },
];

export function vrrpScenarioById(id: string): VrrpScenario | undefined {
  return VRRP_SCENARIOS.find((s) => s.id === id);
}

/** Samples both hosts until stopped; counts the instants both held the address. */
class BothWatch {
  both: number[] = [];
  samples = 0;
  private stopped = false;
  private readonly loop: Promise<void>;
  constructor(lan: VrrpLan) {
    this.loop = (async () => {
      for (let i = 0; i < 5_000 && !this.stopped; i++) {
        const t = epochNow();
        if (await bothHold(lan)) this.both.push(t);
        this.samples += 1;
        await sleep(20);
      }
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** Runs one scenario with one pair on the LAN; always puts the LAN back (pair stopped, servers running). */
export async function runVrrpScenario(lan: VrrpLan, servers: Servers, s: VrrpScenario, pairSettings: PairSettings, t: VrrpTiming = VRRP_TIMING): Promise<ScenarioResult> {
  const base = { scenario: s.id, title: s.title, contender: pairSettings.id, contenderLabel: pairSettings.label };
  servers.ensure('fd');
  servers.ensure('ka');
  let pair: RunningPair | undefined;
  let frozen: number | undefined;
  const client = { p: undefined as ReturnType<VrrpLan['lab']['spawn']> | undefined };
  try {
    pair = await startPair(lan, servers, pairSettings);
    await sleep(3 * (pairSettings.advertInterval ?? 1) * 1000);
    client.p = lan.lab.spawn(lan.ns.cl, `client-${s.id}-${pairSettings.id}-${Date.now()}`, process.execPath, [CLIENT_JS, '--url', `http://${VIP}:8080/`, '--rate', String(t.rate), '--timeout', String(t.requestTimeoutMs)]);
    const records = () => parseRecords(client.p!.output());
    const complete = () => epochNow() - t.requestTimeoutMs - 250;
    const start = epochNow();
    while (!settledFor(records(), start, complete(), ['fd'], 1_000, t.rate / 2) && epochNow() < start + 10_000) await sleep(100);
    const watch = new BothWatch(lan);
    const event = epochNow();
    await s.fault(pair, servers, t);
    if (s.id === 'vrrp-freeze') frozen = pair.vrrpPid();
    const deadline = event + t.capMs;
    while (!settledFor(records(), event, complete(), [s.target], t.settleMs, (t.settleMs * t.rate) / 2000) && epochNow() < deadline) await sleep(200);
    const end = complete();
    await watch.stop();
    await client.p.stop('SIGTERM', t.requestTimeoutMs + 2_000);
    const rs = records();
    const sum = summarize(rs, event, end);
    const recoveryMs = settledAfter(rs, event, end, [s.target]);
    const problems: string[] = [];
    if (recoveryMs === undefined) problems.push(`traffic did not settle on ${s.target} within ${t.capMs / 1000} s`);
    const both = s.bothDuringFault === true ? [] : watch.both;
    if (both.length > 0) problems.push(`the address was on both hosts at ${both.length} of ${watch.samples} samples`);
    const detail = `${watch.samples} samples of both hosts${s.bothDuringFault === true ? ` (both held the address at ${watch.both.length}: the frozen one cannot remove it)` : ', never both holding the address'}`;
    return {
      ...base,
      status: problems.length === 0 ? 'ok' : 'unexpected',
      requests: sum.requests,
      failed: sum.failed,
      rehashResets: 0,
      ...(sum.lastFailureMs !== undefined ? { lastFailureMs: sum.lastFailureMs } : {}),
      ...(recoveryMs !== undefined ? { recoveryMs } : {}),
      failures: sum.failures,
      servedBy: sum.servedBy,
      detail: problems.length === 0 ? detail : watch.both.length > 0 ? `both at ${watch.both.map((x) => Math.round(x - event)).slice(0, 5).join(', ')} ms` : detail,
      problems,
    };
  } catch (err) {
    return { ...base, status: 'error', requests: 0, failed: 0, rehashResets: 0, failures: {}, servedBy: {}, problems: [], note: err instanceof Error ? err.message : String(err) };
  } finally {
    if (frozen !== undefined) {
      try {
        process.kill(frozen, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await client.p?.stop('SIGTERM', t.requestTimeoutMs + 2_000);
    await pair?.stop();
  }
}
