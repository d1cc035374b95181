// The scenarios themselves: each sets its scene, acts on one instance,
// measures what the router and the client saw, and checks the outcome.

import { readFileSync } from 'node:fs';
import { allOk, noFailures, seconds, servedBy, spreadAcross, verdict, within, type Verdict } from './checks.js';
import type { DemoContext } from './context.js';
import type { ScenarioResult } from './format.js';
import { SERVICE_NAME } from './instance-config.js';
import { DEMO_TIMERS, FLOATING_PREFIX, type ScenarioName } from './story.js';
import type { WindowStats } from './traffic.js';

export interface ScenarioOutcome {
  readonly result: ScenarioResult;
  readonly verdicts: readonly Verdict[];
  /** Said after the verdicts: what the numbers mean. */
  readonly moral?: string;
}

type Run = (ctx: DemoContext) => Promise<ScenarioOutcome>;

const PRIMARY = 'inst-1';
const SECONDARY = 'inst-2';

/** Settles the window [start, now) and builds the outcome. */
async function finish(
  ctx: DemoContext,
  name: ScenarioName,
  start: number,
  make: (stats: WindowStats) => { verdicts: Verdict[]; recoveryMs?: number; detail: string; moral?: string },
): Promise<ScenarioOutcome> {
  const end = ctx.now();
  await ctx.client.settled(end);
  const stats = ctx.traffic.window(start, end);
  const m = make(stats);
  const pass = allOk(m.verdicts);
  const failedChecks = m.verdicts.filter((v) => !v.ok).map((v) => v.text);
  return {
    result: {
      name,
      requests: stats.total,
      failed: stats.failed,
      ...(m.recoveryMs !== undefined ? { recoveryMs: m.recoveryMs } : {}),
      pass,
      detail: pass ? m.detail : failedChecks.join('; '),
    },
    verdicts: m.verdicts,
    ...(m.moral !== undefined ? { moral: m.moral } : {}),
  };
}

const primaryAlone = (ctx: DemoContext): boolean => {
  const b = ctx.bestNames();
  return b.length === 1 && b[0] === PRIMARY;
};

/** The scene most scenarios start from: the primary alone carries the traffic. */
async function primaryCarries(ctx: DemoContext): Promise<Verdict> {
  const ok = (await ctx.waitFor(() => primaryAlone(ctx), 5000)) !== undefined;
  return verdict(ok, ok ? `${PRIMARY} carried the traffic before` : `${PRIMARY} was not the only best path before (${ctx.bestNames().join(', ') || 'none'})`);
}

/** Waits for the first request served by an instance other than `name`, sent at or after `t0`; ms after t0. */
async function servedElsewhere(ctx: DemoContext, name: string, t0: number, timeoutMs: number): Promise<number | undefined> {
  const at = await ctx.waitFor(() => ctx.traffic.firstServed(t0, (n) => n !== name) !== undefined, timeoutMs);
  return at === undefined ? undefined : ctx.traffic.firstServed(t0, (n) => n !== name)!.doneAt - t0;
}

async function servedBack(ctx: DemoContext, name: string, t0: number, timeoutMs: number): Promise<number | undefined> {
  const at = await ctx.waitFor(() => ctx.traffic.firstServed(t0, (n) => n === name) !== undefined, timeoutMs);
  return at === undefined ? undefined : ctx.traffic.firstServed(t0, (n) => n === name)!.doneAt - t0;
}

/** Back to the primary after a scenario took it out: route, then traffic. */
async function expectPrimaryBack(ctx: DemoContext, t0: number, timeoutMs: number): Promise<Verdict> {
  const at = await ctx.waitFor(() => primaryAlone(ctx), timeoutMs);
  return within(at === undefined ? undefined : at - t0, timeoutMs, `${PRIMARY} is the best path again`);
}

const activeActive: Run = async (ctx) => {
  await ctx.ensure('active-active');
  await ctx.waitFor(() => ctx.bestNames().length === 3, 10_000);
  const start = ctx.now();
  await ctx.sleep(3000);
  const names = ctx.instances.map((i) => i.name);
  return finish(ctx, 'active-active', start, (s) => {
    const spread = spreadAcross(s, names, 0.2);
    return { verdicts: [spread, noFailures(s)], detail: spread.text.replace(/^traffic spread: /, '') };
  });
};

const primarySecondary: Run = async (ctx) => {
  await ctx.ensure('active-active');
  const start = ctx.now();
  for (const i of ctx.instances) {
    ctx.say('demo', `${i.name}: SIGTERM to floatd, then start it again as ${i.info.role}`);
    await i.stop();
    await i.start('roles');
    if ((await ctx.waitFor(() => ctx.hasRoute(i), 15_000)) === undefined) throw new Error(`${i.name} did not announce after its restart (log: ${i.logFile})`);
  }
  const settled = await ctx.waitFor(() => primaryAlone(ctx), 5000);
  const steady = ctx.now();
  await ctx.sleep(2000);
  const steps = ctx.router.decision(FLOATING_PREFIX)?.steps.map((s) => s.step) ?? [];
  return finish(ctx, 'primary-secondary', start, (s) => {
    const after = ctx.traffic.window(steady, ctx.now());
    return {
      verdicts: [
        verdict(settled !== undefined, settled !== undefined ? `${PRIMARY} alone is the best path` : `${PRIMARY} is not the only best path: ${ctx.bestNames().join(', ')}`),
        verdict(steps.includes('community'), `decided by ${steps.join(', ') || 'nothing'}`),
        servedBy(after, PRIMARY, 0.95),
        noFailures(s, 'requests during the rolling restart'),
      ],
      detail: `rolling restart without a failed request; ${PRIMARY} serves ${Math.round(((after.served.get(PRIMARY) ?? 0) / Math.max(1, after.ok)) * 100)}%`,
    };
  });
};

const failover: Run = async (ctx) => {
  await ctx.ensure('roles');
  const before = await primaryCarries(ctx);
  const primary = ctx.inst(PRIMARY);
  const start = ctx.now();
  await ctx.sleep(1000);
  const t0 = ctx.now();
  ctx.say('demo', `${PRIMARY}'s service starts failing (HTTP 503 to everyone, health check included)`);
  primary.service.set('failing');
  const switchMs = await servedElsewhere(ctx, PRIMARY, t0, 5000);
  const gone = ctx.routeGoneAt(PRIMARY, t0);
  const detectMs = gone === undefined ? undefined : gone - t0;
  if (switchMs !== undefined) ctx.say('client', `first request served elsewhere ${seconds(switchMs)} after the failure`);
  await ctx.sleep(1500);
  const movedFrom = switchMs === undefined ? ctx.now() : t0 + switchMs + 200;
  const after = ctx.traffic.window(movedFrom, ctx.now());
  return finish(ctx, 'failover', start, (s) => ({
    verdicts: [before, within(detectMs, 3000, 'withdraw seen at the router'), within(switchMs, 3000, 'traffic moved'), servedBy(after, SECONDARY, 0.9)],
    ...(switchMs !== undefined ? { recoveryMs: switchMs } : {}),
    detail: `detected (withdraw at the router) ${detectMs === undefined ? '-' : seconds(detectMs)}, switched ${switchMs === undefined ? '-' : seconds(switchMs)}`,
    moral: `${s.failed} requests failed: those sent to ${PRIMARY} between the failure and the withdraw. Detection is health interval + fall checks; the withdraw itself is immediate.`,
  }));
};

const failback: Run = async (ctx) => {
  await ctx.ensure('roles');
  const primary = ctx.inst(PRIMARY);
  if (ctx.hasRoute(primary)) {
    ctx.say('demo', `setting the scene: ${PRIMARY}'s service fails first`);
    primary.service.set('failing');
    if ((await ctx.waitFor(() => !ctx.hasRoute(primary), 5000)) === undefined) throw new Error(`${PRIMARY} did not withdraw after its service failed`);
    await ctx.sleep(500);
  }
  const start = ctx.now();
  await ctx.sleep(500);
  const t0 = ctx.now();
  ctx.say('demo', `${PRIMARY}'s service answers again`);
  primary.service.set('ok');
  const back = await expectPrimaryBack(ctx, t0, 5000);
  const servedMs = await servedBack(ctx, PRIMARY, t0, 5000);
  if (servedMs !== undefined) ctx.say('client', `first request served by ${PRIMARY} again ${seconds(servedMs)} after its recovery`);
  await ctx.sleep(1500);
  const after = ctx.traffic.window(servedMs === undefined ? ctx.now() : t0 + servedMs + 200, ctx.now());
  return finish(ctx, 'failback', start, (s) => ({
    verdicts: [back, within(servedMs, 5000, `traffic back on ${PRIMARY}`), servedBy(after, PRIMARY, 0.9), noFailures(s)],
    ...(servedMs !== undefined ? { recoveryMs: servedMs } : {}),
    detail: `back after rise ${DEMO_TIMERS.rise}; the secondary served meanwhile`,
  }));
};

const drain: Run = async (ctx) => {
  await ctx.ensure('roles');
  const before = await primaryCarries(ctx);
  const primary = ctx.inst(PRIMARY);
  const start = ctx.now();
  await ctx.sleep(500);
  const t0 = ctx.now();
  ctx.say('demo', `draining ${PRIMARY}: {"command":"drain","args":{"service":"${SERVICE_NAME}"}} on its control socket`);
  const moving = servedElsewhere(ctx, PRIMARY, t0, 10_000);
  const answer = await primary.request('drain', { service: SERVICE_NAME }, 15_000);
  const drained = verdict(answer.ok, answer.ok ? 'drain answered' : `drain refused: ${answer.error}`);
  ctx.say('demo', answer.ok ? `${PRIMARY}: drain done` : `${PRIMARY}: drain refused (${answer.error})`);
  const movedMs = await moving;
  if (movedMs !== undefined) ctx.say('client', `traffic left ${PRIMARY} ${seconds(movedMs)} after the drain began`);
  const gone = await ctx.waitFor(() => !ctx.hasRoute(primary), 10_000);
  // Like an operator, give requests already on their way a moment before stopping the service.
  await ctx.sleep(300);
  ctx.say('demo', `${PRIMARY}'s service stops for maintenance: nobody is sent there any more`);
  primary.service.set('failing');
  await ctx.sleep(1000);
  ctx.say('demo', `maintenance done: ${PRIMARY}'s service and floatd start again`);
  await primary.stop();
  primary.service.set('ok');
  await primary.start('roles');
  const t1 = ctx.now();
  const back = await expectPrimaryBack(ctx, t1, 10_000);
  await ctx.sleep(1000);
  return finish(ctx, 'drain', start, (s) => ({
    verdicts: [
      before,
      drained,
      within(movedMs, 5000, `traffic left ${PRIMARY}`),
      verdict(gone !== undefined, gone !== undefined ? 'route withdrawn' : `${PRIMARY}'s route is still at the router`),
      noFailures(s, 'requests through drain, maintenance and return'),
      back,
    ],
    ...(movedMs !== undefined ? { recoveryMs: movedMs } : {}),
    detail: 'by drain (GRACEFUL_SHUTDOWN, then withdraw)',
  }));
};

const kill: Run = async (ctx) => {
  await ctx.ensure('roles');
  const before = await primaryCarries(ctx);
  const primary = ctx.inst(PRIMARY);
  const start = ctx.now();
  await ctx.sleep(500);
  const t0 = ctx.now();
  ctx.say('demo', `SIGKILL to ${PRIMARY}'s floatd (pid ${primary.pid}); its service keeps running`);
  await primary.kill();
  const goneAt = await ctx.waitFor(() => !ctx.hasRoute(primary), 5000);
  const movedMs = await servedElsewhere(ctx, PRIMARY, t0, 5000);
  if (movedMs !== undefined) ctx.say('client', `first request served elsewhere ${seconds(movedMs)} after the kill`);
  await ctx.sleep(1000);
  ctx.say('demo', `${PRIMARY}'s floatd starts again`);
  await primary.start('roles');
  const back = await expectPrimaryBack(ctx, ctx.now(), 10_000);
  await ctx.sleep(1000);
  const goneMs = ctx.routeGoneAt(PRIMARY, t0);
  return finish(ctx, 'kill', start, (s) => ({
    verdicts: [before, verdict(goneAt !== undefined, goneAt !== undefined ? 'route gone with the session' : 'the route stayed'), within(movedMs, 2000, 'traffic moved'), noFailures(s), back],
    ...(movedMs !== undefined ? { recoveryMs: movedMs } : {}),
    detail: `session closed by the kernel ${goneMs === undefined ? '-' : seconds(goneMs - t0)} after the kill`,
  }));
};

/**
 * SIGSTOP to the primary's floatd, its service stops answering; the router
 * must notice on its own. With BFD off only the hold timer can; with BFD on
 * the router's BFD session does, in its detection time.
 */
const freezeWith =
  (bfd: boolean): Run =>
  async (ctx) => {
    const name: ScenarioName = bfd ? 'freeze' : 'freeze-no-bfd';
    await ctx.ensure('roles', bfd ? undefined : PRIMARY);
    const before = await primaryCarries(ctx);
    const primary = ctx.inst(PRIMARY);
    const bfdUp = !bfd || (await ctx.waitFor(() => ctx.router.bfdState(primary.info.address) === 'Up', 5000)) !== undefined;
    const start = ctx.now();
    await ctx.sleep(500);
    const t0 = ctx.now();
    ctx.say('demo', `SIGSTOP to ${PRIMARY}'s floatd (pid ${primary.pid}); its service stops answering too`);
    primary.freeze();
    primary.service.set('frozen');
    const limit = DEMO_TIMERS.holdTime * 1000 + 3000;
    const goneAt = await ctx.waitFor(() => !ctx.hasRoute(primary), limit);
    const movedMs = await servedElsewhere(ctx, PRIMARY, t0, 2000);
    const detectMs = goneAt === undefined ? undefined : (ctx.routeGoneAt(PRIMARY, t0) ?? goneAt) - t0;
    const bfdDown = ctx.bfdDownAt(PRIMARY, t0);
    const ended = ctx.sessionEnds.find((e) => e.instance === PRIMARY && e.at >= t0);
    if (movedMs !== undefined) ctx.say('client', `first request served elsewhere ${seconds(movedMs)} after the freeze`);
    await ctx.sleep(1000);
    const t1 = ctx.now();
    ctx.say('demo', `SIGCONT to ${PRIMARY}'s floatd; its service answers again`);
    primary.thaw();
    primary.service.set('ok');
    const back = await expectPrimaryBack(ctx, t1, 15_000);
    await ctx.sleep(1000);
    const took = detectMs === undefined ? '-' : seconds(detectMs);
    const noticed = bfd
      ? verdict(bfdUp && bfdDown !== undefined, bfdDown !== undefined ? `BFD noticed: the router's BFD session with ${PRIMARY} went down and reset BGP` : `the router's BFD session with ${PRIMARY} ${bfdUp ? 'never went down' : 'never came up'}`)
      : verdict(bfdDown === undefined && /hold timer/i.test(ended?.lastError ?? ''), `the hold timer noticed (${ended?.lastError ?? 'the session did not end'})`);
    return finish(ctx, name, start, (s) => {
      const hold = ctx.holdTimerFreeze;
      if (!bfd) ctx.holdTimerFreeze = { detectMs, failed: s.failed };
      const compare = hold ? `; hold timer alone: ${hold.detectMs === undefined ? '-' : seconds(hold.detectMs)}, ${hold.failed} failed` : '';
      return {
        verdicts: [before, noticed, within(detectMs, limit, 'route gone at the router'), within(movedMs, limit, 'traffic moved'), back],
        ...(movedMs !== undefined ? { recoveryMs: movedMs } : {}),
        detail: bfd ? `BFD noticed after ${took}${compare}` : `only the hold timer (${DEMO_TIMERS.holdTime} s) noticed, after ${took}`,
        moral: bfd
          ? `With BFD the router noticed after ${took} and ${s.failed} requests failed` +
            (hold ? `; with the hold timer alone it took ${hold.detectMs === undefined ? '-' : seconds(hold.detectMs)} and ${hold.failed} failed.` : '.') +
            ` BFD's ${DEMO_TIMERS.bfd.minTxMs} ms x ${DEMO_TIMERS.bfd.multiplier} runs in a thread of its own on each side, so a busy event loop does not make it miss packets.`
          : `A frozen instance keeps its TCP session open, so nothing but the hold timer can tell it from a quiet one: here ${took}` +
            ` and ${s.failed} failed requests. With a common default hold time of 90 s (180 s on some routers) clients would fail for minutes.`,
      };
    });
  };

const FLAP_DOWN_MS = 800;
const FLAP_UP_MS = 1200;
const MAX_FLAPS = 6;

const flap: Run = async (ctx) => {
  await ctx.ensure('roles');
  const before = await primaryCarries(ctx);
  const primary = ctx.inst(PRIMARY);
  const start = ctx.now();
  let comebacks = 0;
  let heldAt: number | undefined;
  for (let n = 1; n <= MAX_FLAPS && heldAt === undefined; n++) {
    const down = ctx.now();
    ctx.say('demo', `${PRIMARY}'s service goes down (flap ${n})`);
    primary.service.set('failing');
    await ctx.waitFor(() => !ctx.hasRoute(primary), 3000);
    await ctx.sleep(Math.max(0, FLAP_DOWN_MS - (ctx.now() - down)));
    const up = ctx.now();
    ctx.say('demo', `${PRIMARY}'s service is back`);
    primary.service.set('ok');
    if ((await ctx.waitFor(() => ctx.hasRoute(primary), 1500)) === undefined) {
      heldAt = ctx.now();
      break;
    }
    comebacks++;
    await ctx.sleep(Math.max(0, FLAP_UP_MS - (ctx.now() - up)));
  }
  let holdText = '';
  if (heldAt !== undefined) {
    const hold = holdSeconds(primary.logFile);
    holdText = hold === undefined ? '' : ` for ${hold} s`;
    ctx.say('demo', `${PRIMARY}'s service is healthy, but floatd holds its route down${holdText} (flap guard): traffic stays on ${SECONDARY}`);
  }
  const h0 = ctx.now();
  await ctx.sleep(2500);
  const h1 = ctx.now();
  await ctx.client.settled(h1);
  const held = ctx.traffic.window(h0, h1);
  const cameBack = ctx.routeEvents.some((e) => e.instance === PRIMARY && e.present && e.at >= h0);
  return finish(ctx, 'flap', start, () => ({
    verdicts: [
      before,
      verdict(heldAt !== undefined, heldAt !== undefined ? `held down after ${comebacks} comebacks` : `never held down in ${MAX_FLAPS} flaps`),
      verdict(!cameBack && heldAt !== undefined, cameBack ? `${PRIMARY} came back while it should be held down` : `${PRIMARY} stayed out`),
      noFailures(held, 'requests while held down'),
      servedBy(held, SECONDARY, 0.95),
    ],
    detail: `held down${holdText} after ${comebacks} comebacks; no failures while held`,
    moral: 'Requests failed only while the service was down and not yet withdrawn; once held down, the route stays away and traffic stays put.',
  }));
};

/** The hold-down floatd reported in its log ("... held down for 30 s"), in seconds. */
function holdSeconds(logFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  const all = [...text.matchAll(/held down for (\d+(?:\.\d+)?) s/g)];
  const last = all[all.length - 1];
  return last ? Number(last[1]) : undefined;
}

export const RUNS: Readonly<Record<ScenarioName, Run>> = {
  'active-active': activeActive,
  'primary-secondary': primarySecondary,
  failover,
  failback,
  drain,
  kill,
  'freeze-no-bfd': freezeWith(false),
  freeze: freezeWith(true),
  flap,
};
