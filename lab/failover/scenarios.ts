// The failover scenarios. Each starts from the runner's state (instances
// a, b, c serving; active-active: the router spreads over all three;
// primary/secondary: a primary, b secondary, all traffic on a), causes one
// event on instance a, waits for the outcome and measures it from the
// client's records: failed requests, and the scenario's recovery time.

import { writeFileSync } from 'node:fs';
import { check, sleep, waitFor } from '../netns.js';
import { gatewayChanges } from './fib-watch.js';
import { firstServedBy, settledAfter, shares, summarize } from './measure.js';
import { epochNow } from './records.js';
import { seconds } from './report.js';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario-types.js';

const OTHERS = ['b', 'c'];
const ALL = ['a', 'b', 'c'];

const pct = (x: number | undefined) => `${Math.round((x ?? 0) * 100)}%`;
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

function spreadText(s: Record<string, number>, names: readonly string[]): string {
  return names.map((n) => `${n} ${pct(s[n])}`).join(' · ');
}

/** Waits until the router's FIB sends the floating address to exactly `names`; false after `ms`. */
async function fibBecomes(ctx: ScenarioContext, names: readonly string[], ms: number): Promise<boolean> {
  try {
    await waitFor(`the router's FIB to hold ${names.join(', ')}`, async () => sameSet(await ctx.fl.fib(), names), { timeoutMs: ms, intervalMs: 100 });
    return true;
  } catch {
    return false;
  }
}

async function fibProblem(ctx: ScenarioContext, want: readonly string[]): Promise<string[]> {
  const fib = await ctx.fl.fib();
  return sameSet(fib, want) ? [] : [`router FIB holds [${fib.join(', ')}], expected [${want.join(', ')}]`];
}

/**
 * The common shape: `fault` at the event, then traffic must end up clean on
 * `target`; recovery is the time until it did, and the FIB must agree.
 */
async function moveTo(ctx: ScenarioContext, target: readonly string[], fault: () => Promise<void> | void): Promise<ScenarioOutcome> {
  const event = epochNow();
  await fault();
  const settled = await ctx.waitSettled(event, target);
  const end = ctx.complete();
  const problems = settled ? await fibProblem(ctx, target) : [`traffic did not settle on ${target.join(', ')} within ${ctx.timing.capMs / 1000} s`, ...(await fibProblem(ctx, target))];
  const recoveryMs = settled ? settledAfter(ctx.records(), event, end, target) : undefined;
  return { event, end, ...(recoveryMs !== undefined ? { recoveryMs } : {}), detail: fibDetail(ctx, event, target), problems };
}

/** When the router's FIB first sent the floating address to exactly `target` after the event. */
function fibDetail(ctx: ScenarioContext, event: number, target: readonly string[]): string {
  const addresses = target.map((n) => ctx.fl.site(n).address);
  const hit = ctx.fibEvents().find((e) => e.t >= event && sameSet(e.gateways, addresses));
  return hit === undefined ? 'FIB unchanged' : `FIB after ${seconds(hit.t - event)}`;
}

/** Makes a sick and waits until traffic has left it (the state recovery scenarios start from). */
async function failFirst(ctx: ScenarioContext, target: readonly string[]): Promise<string[]> {
  const t = epochNow();
  ctx.server('a').signal('SIGUSR1');
  const ok = (await ctx.waitSettled(t, target)) && (await fibBecomes(ctx, target, 5_000));
  return ok ? [] : [`before the repair: traffic did not leave a within ${ctx.timing.capMs / 1000} s`];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'active-active',
    title: 'Active-active spread across three',
    recovery: 'n/a',
    expect: 'every instance serves at least 10% of requests, none fail',
    layout: 'active-active',
    zeroFailures: true,
    async run(ctx) {
      const event = epochNow();
      await sleep(ctx.timing.spreadMs + ctx.timing.requestTimeoutMs + 250);
      const end = event + ctx.timing.spreadMs;
      const s = shares(ctx.records(), event, end);
      const problems = ALL.filter((n) => (s[n] ?? 0) < 0.1).map((n) => `${n} served ${pct(s[n])} of requests`);
      return { event, end, detail: spreadText(s, ALL), problems: [...problems, ...(await fibProblem(ctx, ALL))] };
    },
  },
  {
    id: 'service-failure',
    title: 'Service failure (HTTP 500)',
    recovery: 'fault until every request is answered by b or c',
    expect: 'a withdrawn from the router; b and c serve',
    layout: 'active-active',
    run: (ctx) => moveTo(ctx, OTHERS, () => ctx.server('a').signal('SIGUSR1')),
  },
  {
    id: 'service-crash',
    title: 'Service crash (process killed)',
    recovery: 'fault until every request is answered by b or c',
    expect: 'a withdrawn from the router; b and c serve',
    layout: 'active-active',
    run: (ctx) => moveTo(ctx, OTHERS, () => ctx.server('a').signal('SIGKILL')),
  },
  {
    id: 'service-recovery',
    title: 'Service recovery',
    recovery: 'repair until a answers a request',
    expect: 'a announced again once healthy; no failed request',
    layout: 'active-active',
    zeroFailures: true,
    async run(ctx) {
      const before = await failFirst(ctx, OTHERS);
      await sleep(500);
      const event = epochNow();
      ctx.server('a').signal('SIGUSR2');
      let served: number | undefined;
      const deadline = event + ctx.timing.capMs;
      while (epochNow() < deadline) {
        served = firstServedBy(ctx.records(), event, epochNow(), 'a');
        if (served !== undefined) break;
        await sleep(200);
      }
      if (served !== undefined) await sleep(ctx.timing.settleMs + ctx.timing.requestTimeoutMs + 250);
      const end = ctx.complete();
      const problems = [...before, ...(served === undefined ? [`a served nothing within ${ctx.timing.capMs / 1000} s of its repair`] : []), ...(await fibProblem(ctx, ALL))];
      return { event, end, ...(served !== undefined ? { recoveryMs: served } : {}), problems };
    },
  },
  {
    id: 'daemon-kill',
    title: 'BGP daemon killed (SIGKILL)',
    recovery: 'kill until every request is answered by b or c',
    expect: 'the session drops; traffic moves to b and c',
    layout: 'active-active',
    run: (ctx) => moveTo(ctx, OTHERS, () => ctx.instance('a').daemon.signal('SIGKILL')),
  },
  {
    id: 'instance-freeze',
    title: 'Instance frozen (SIGSTOP)',
    recovery: 'freeze until every request is answered by b or c',
    expect: 'the hold timer expires at the router; b and c serve',
    layout: 'active-active',
    run: (ctx) =>
      moveTo(ctx, OTHERS, () => {
        const pids = [...ctx.instance('a').pids(), ctx.server('a').pid];
        for (const pid of pids) process.kill(pid, 'SIGSTOP');
        ctx.onCleanup(async () => {
          for (const pid of pids) {
            try {
              process.kill(pid, 'SIGCONT');
            } catch {
              continue;
            }
          }
        });
      }),
  },
  {
    id: 'link-down',
    title: 'Instance link down',
    recovery: 'link down until every request is answered by b or c',
    expect: 'the router stops using a; b and c serve',
    layout: 'active-active',
    run: (ctx) =>
      moveTo(ctx, OTHERS, async () => {
        const site = ctx.fl.site('a');
        await check('ip', ['-n', site.ns, 'link', 'set', 'dev', site.ifname, 'down']);
        ctx.onCleanup(async () => {
          await check('ip', ['-n', site.ns, 'link', 'set', 'dev', site.ifname, 'up']);
          await check('ip', ['-n', site.ns, 'route', 'replace', 'default', 'via', site.routerAddress]);
        });
      }),
  },
  {
    id: 'maintenance',
    title: 'Maintenance (disable file)',
    recovery: 'file created until every request is answered by b or c',
    expect: 'no failed request; traffic leaves a',
    layout: 'active-active',
    zeroFailures: true,
    run: (ctx) => moveTo(ctx, OTHERS, () => writeFileSync(ctx.plan('a').disableFile, '')),
  },
  {
    id: 'drain',
    title: 'Maintenance drain (graceful shutdown)',
    recovery: 'command started until every request is answered by b or c (includes starting the CLI)',
    expect: 'no failed request; traffic leaves a',
    layout: 'active-active',
    zeroFailures: true,
    unsupported: (c) => (c.drain === undefined ? (c.drainMissing ?? 'no drain') : undefined),
    run: (ctx) => moveTo(ctx, OTHERS, () => ctx.contender.drain!(ctx.instance('a'))),
  },
  {
    id: 'graceful-stop',
    title: 'Graceful stop (SIGTERM)',
    recovery: 'SIGTERM until every request is answered by b or c',
    expect: 'no failed request; traffic leaves a',
    layout: 'active-active',
    zeroFailures: true,
    run: (ctx) => moveTo(ctx, OTHERS, () => ctx.instance('a').daemon.signal('SIGTERM')),
  },
  {
    id: 'primary-failover',
    title: 'Primary fails, secondary takes over',
    recovery: 'fault until every request is answered by b',
    expect: 'all traffic moves from a to b',
    layout: 'primary-secondary',
    run: (ctx) => moveTo(ctx, ['b'], () => ctx.server('a').signal('SIGUSR1')),
  },
  {
    id: 'failback',
    title: 'Primary recovers, failback on',
    recovery: 'repair until every request is answered by a',
    expect: 'all traffic returns to a; no failed request',
    layout: 'primary-secondary',
    failback: true,
    zeroFailures: true,
    async run(ctx) {
      const before = await failFirst(ctx, ['b']);
      await sleep(500);
      const o = await moveTo(ctx, ['a'], () => ctx.server('a').signal('SIGUSR2'));
      return { ...o, problems: [...before, ...o.problems] };
    },
  },
  {
    id: 'no-failback',
    title: 'Primary recovers, failback off',
    recovery: 'n/a',
    expect: 'traffic does not move back to a alone; no failed request',
    layout: 'primary-secondary',
    failback: false,
    zeroFailures: true,
    unsupported: (c) => c.noFailback,
    async run(ctx) {
      const before = await failFirst(ctx, ['b']);
      await sleep(500);
      const event = epochNow();
      ctx.server('a').signal('SIGUSR2');
      let back: number | undefined;
      try {
        await waitFor('a announced again', async () => (await ctx.fl.bgpSources()).includes('a'), { timeoutMs: ctx.timing.capMs, intervalMs: 200 });
        back = epochNow();
      } catch {
        back = undefined;
      }
      const from = back ?? event;
      await sleep(ctx.timing.watchMs + ctx.timing.requestTimeoutMs + 250);
      const end = from + ctx.timing.watchMs;
      const s = shares(ctx.records(), from, end);
      const problems = [...before];
      if (back === undefined) problems.push(`a was not announced again within ${ctx.timing.capMs / 1000} s`);
      if ((s['b'] ?? 0) < 0.2) problems.push(`traffic moved back to a: b served ${pct(s['b'])}`);
      const fib = await ctx.fl.fib();
      return { event, end, detail: `after a is back (${((from - event) / 1000).toFixed(1)} s): ${spreadText(s, ['a', 'b'])}; FIB [${fib.join(', ')}]`, problems };
    },
  },
  {
    id: 'flapping',
    title: 'Flapping service',
    recovery: 'n/a',
    expect: 'a leaves the FIB and is held down rather than flapping the route',
    layout: 'active-active',
    async run(ctx) {
      const { cycles, sickMs, wellMs } = ctx.timing.flap;
      const event = epochNow();
      for (let i = 0; i < cycles; i++) {
        ctx.server('a').signal('SIGUSR1');
        await sleep(sickMs);
        ctx.server('a').signal('SIGUSR2');
        await sleep(wellMs);
      }
      const calm = epochNow();
      const settled = await ctx.waitSettled(calm, ALL);
      const end = ctx.complete();
      const a = ctx.fl.site('a').address;
      const changes = gatewayChanges(
        ctx.fibEvents().filter((e) => e.t >= event),
        a,
        true,
      );
      const fib = await ctx.fl.fib();
      const failedWhileFlapping = summarize(ctx.records(), event, calm).failed;
      return {
        event,
        end,
        detail: `a left or joined the FIB ${changes} times; ${failedWhileFlapping} failed while flapping; at the end a is ${fib.includes('a') ? 'in' : 'out of'} the FIB`,
        problems: settled ? [] : ['traffic was not clean after the flapping stopped'],
      };
    },
  },
];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
