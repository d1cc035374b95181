// Services -> announce entries. Each service's health transitions go through
// the announce policy; a prefix about to come back is first admitted by the
// flap guard (and re-checked when its hold-down ends), a withdraw goes out at
// once. The speaker gets the whole list (static `announce` plus what the
// services want) and sends each neighbor the difference synchronously, so a
// failed probe becomes a WITHDRAW within the same turn of the event loop.
//
// Operator commands: maintenance (DISABLED at once) and drain (RFC 8326: the
// announced prefixes carry GRACEFUL_SHUTDOWN for the drain time, then
// maintenance). A load-driven MED, when configured, replaces the service's
// MED while it serves and changes only as src/announce/load-med.ts allows.

import { performance } from 'node:perf_hooks';
import { DEFAULT_FLAP_GUARD, type FlapGuardSettings } from '../announce/flap-guard.js';
import { wantedRoutes, type AnnounceAttributes, type ServicePolicy } from '../announce/policy.js';
import { changesRoutes, describeStep, EMPTY_ROUTES, reconcile, type RouteState } from '../announce/reconcile.js';
import type { AnnounceConfig } from '../config/index.js';
import type { ServiceConfig } from '../config/config-schema.js';
import { createProbe } from '../health/create-probe.js';
import type { Probe } from '../health/probe-result.js';
import type { ProbeSpec } from '../health/probe-spec.js';
import { FileSwitch, type DisableSwitch } from '../health/probes/file.js';
import type { LoadSources } from '../health/probes/load.js';
import { HealthService, OPERATOR, type ServiceTransition } from '../health/service.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { sameValue, type ReloadPlan } from './config-diff.js';
import { DrainControl } from './announcer/drain-control.js';
import { LoadMedReader } from './announcer/load-med-reader.js';
import { EventLog, type AnnouncerEvent } from './announcer/event-log.js';
import type { AnnouncerObserver } from '../announce/observer.js';
import { ObserverSet } from './announcer/observers.js';

import { serviceStatus, type AnnouncerServiceStatus } from './announcer/status.js';

export { EVENT_LOG_SIZE, type AnnouncerEvent } from './announcer/event-log.js';
export type { AnnouncerServiceStatus, ProbeSummary } from './announcer/status.js';

/** Where the full list of announce entries goes: the speaker. */
export interface AnnouncementSink {
  setAnnouncements(entries: readonly AnnounceConfig[]): void;
}

export interface AnnouncerOptions {
  /** The static `announce` entries, always announced. */
  readonly announce: readonly AnnounceConfig[];
  readonly services: readonly ServiceConfig[];
  readonly sink: AnnouncementSink;
  readonly clock: Clock;
  readonly log: Logger;
  readonly flapGuard?: FlapGuardSettings;
  /** Default: the real probe for the spec (watching probes on `clock`). */
  readonly createProbe?: (spec: ProbeSpec, service: ServiceConfig) => Probe;
  /** Default: a FileSwitch polling `path` on `clock`. */
  readonly createSwitch?: (path: string, service: ServiceConfig) => DisableSwitch;
  /** Splay of the first check; see ProbeRunner. */
  readonly random?: () => number;
  /** Figures for load probes and load-driven MEDs; default the system's. */
  readonly loadSources?: LoadSources;
  /** Wall-clock milliseconds for event timestamps; default Date.now. */
  readonly wallClock?: () => number;
}

interface Tracked {
  config: ServiceConfig;
  readonly health: HealthService;
  policy: ServicePolicy;
  readonly log: Logger;
  /**
   * After a reload restarted the checks: the routes announced before are kept
   * until the new checks decide (UP, DOWN or DISABLED), so a changed check
   * does not withdraw a healthy service while it proves itself again.
   */
  handover: boolean;
  demoted: boolean;
  everUp: boolean;
  /** What is announced (in the speaker's list), what the flap guard remembers, what it holds back. */
  routes: RouteState;
  timer: TimerHandle | undefined;
  readonly drain: DrainControl;
  load: LoadMedReader | undefined;
  unsubscribe: (() => void)[];
}

export class Announcer {
  private readonly tracked: Tracked[] = [];
  private readonly guard: FlapGuardSettings;
  private readonly log: Logger;
  private readonly eventLog: EventLog;
  private readonly observers: ObserverSet;
  private running = false;
  private announce: readonly AnnounceConfig[];

  constructor(private readonly opts: AnnouncerOptions) {
    this.guard = opts.flapGuard ?? DEFAULT_FLAP_GUARD;
    this.log = opts.log;
    this.announce = opts.announce;
    this.eventLog = new EventLog(opts.clock, opts.wallClock);
    this.observers = new ObserverSet(opts.log);
    for (const config of opts.services) this.tracked.push(this.track(config));
  }

  /**
   * A live reload: removed services are withdrawn, added ones start, those
   * whose checks changed restart their checks (keeping what they announce
   * until the new checks decide), those whose policy changed are
   * re-announced with it; the speaker gets the new list once.
   */
  reconfigure(announce: readonly AnnounceConfig[], services: readonly ServiceConfig[], plan: Pick<ReloadPlan, 'services'>): void {
    this.announce = announce;
    const byName = new Map(services.map((c) => [c.name, c]));
    const restart = new Set(plan.services.restart.map((c) => c.name));
    const next: Tracked[] = [];
    /** Restarted services the operator had put in maintenance: the new checks start in it. */
    const maintained = new Set<Tracked>();
    for (const t of this.tracked) {
      const config = byName.get(t.config.name);
      if (config === undefined) {
        this.retire(t, 'removed from the config');
        this.record(t, 'reload: service removed');
        t.log.info('service removed by a reload: withdrawing its prefixes');
        continue;
      }
      if (restart.has(config.name)) {
        const inMaintenance = t.health.state.disabledBy.includes(OPERATOR);
        this.retire(t, 'checks changed by a reload');
        const fresh = this.track(config);
        if (inMaintenance) maintained.add(fresh);
        fresh.handover = t.routes.announced.size > 0;
        // Hold-downs start again with the new checks; the flap history stays.
        fresh.routes = { announced: t.routes.announced, flap: t.routes.flap, held: EMPTY_ROUTES.held };
        fresh.everUp = t.everUp;
        fresh.demoted = t.demoted;
        this.record(fresh, 'reload: checks restarted');
        fresh.log.info('checks restarted by a reload; announced prefixes stay until the new checks decide');
        next.push(fresh);
        continue;
      }
      if (config !== t.config) {
        const loadChanged = !sameValue(config.medFromLoad, t.config.medFromLoad);
        t.config = config;
        t.policy = policyOf(config);
        t.health.setPrefixes(config.prefixes);
        if (loadChanged) {
          t.load?.stop();
          t.load = this.loadReader(t);
          if (this.running) t.load?.start();
        }
      }
      next.push(t);
    }
    const known = new Set(next.map((t) => t.config.name));
    for (const config of services) {
      if (known.has(config.name)) continue;
      const t = this.track(config);
      this.record(t, 'reload: service added');
      next.push(t);
    }
    this.tracked.splice(0, this.tracked.length, ...next);
    // Routes of removed services go now; policy changes are applied below.
    this.publish();
    for (const t of next) {
      if (!this.running) break;
      if (!t.health.running) {
        t.health.start();
        // Maintenance is the operator's, not the config's: a reload does not end it.
        if (maintained.has(t)) t.health.setDisabled(true, 'maintenance kept across a reload');
        t.load?.start();
      } else {
        this.update(t, 'reload', performance.now());
      }
    }
  }

  /** Stops one service's checks, timers and drain; its routes leave with the next publish. */
  private retire(t: Tracked, why: string): void {
    for (const u of t.unsubscribe) u();
    t.unsubscribe = [];
    if (t.timer) this.opts.clock.clearTimer(t.timer);
    t.timer = undefined;
    t.load?.stop();
    t.load = undefined;
    t.drain.cancel();
    t.health.stop(why);
  }

  private track(config: ServiceConfig): Tracked {
    const { opts } = this;
    const probe = opts.createProbe
      ? opts.createProbe(config.check, config)
      : createProbe(config.check, { clock: opts.clock, ...(opts.loadSources ? { loadSources: opts.loadSources } : {}) });
    const disableSwitch =
      config.disableFile === undefined
        ? undefined
        : opts.createSwitch
          ? opts.createSwitch(config.disableFile, config)
          : new FileSwitch({ path: config.disableFile }, opts.clock);
    const health = new HealthService({
      name: config.name,
      probe,
      ...(disableSwitch ? { disableSwitch } : {}),
      rise: config.rise,
      fall: config.fall,
      intervalMs: config.intervalMs,
      fastIntervalMs: config.fastIntervalMs,
      timeoutMs: config.timeoutMs,
      prefixes: config.prefixes,
      hooks: config.hooks,
      clock: opts.clock,
      log: opts.log,
      ...(opts.random ? { random: opts.random } : {}),
    });
    const t: Tracked = {
      config,
      health,
      policy: policyOf(config),
      handover: false,
      log: opts.log.child({ service: config.name }),
      demoted: false,
      everUp: false,
      routes: EMPTY_ROUTES,
      timer: undefined,
      drain: new DrainControl(opts.clock),
      load: undefined,
      unsubscribe: [],
    };
    t.load = this.loadReader(t);
    t.unsubscribe.push(
      health.onTransition((e) => this.onTransition(t, e)),
      health.onProbe((r) =>
        this.observers.probe({ service: config.name, ok: r.ok, durationMs: r.durationMs, timedOut: r.timedOut === true, atMs: r.at }),
      ),
    );
    return t;
  }

  /** Hands the speaker the static entries and starts every service's checks (and load readings). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.publish();
    for (const t of this.tracked) {
      t.health.start();
      t.load?.start();
    }
  }

  /**
   * Stops the checks without touching the speaker: on shutdown the speaker
   * has already withdrawn everything, and a STOPPING transition must not
   * reach it afterwards. A drain still waiting resolves as not drained.
   */
  stop(): void {
    this.running = false;
    for (const t of this.tracked) this.retire(t, 'floatd stopping');
  }

  /**
   * Maintenance on (DISABLED: withdrawn at once, or as `when-disabled` says)
   * or off (INIT: the service proves itself again before it is announced),
   * for one service or, without a name, all. Ends a drain in progress: on
   * withdraws now, off keeps the service. Returns the services affected.
   */
  setMaintenance(on: boolean, service?: string, reason?: string): string[] {
    const targets = this.select(service);
    const command = `maintenance ${on ? 'on' : 'off'}${reason !== undefined ? `: ${reason}` : ''}`;
    for (const t of targets) {
      this.record(t, command);
      if (on) {
        if (t.drain.active) this.finishDrain(t, `maintenance on during drain${reason !== undefined ? `: ${reason}` : ''}`);
        else t.health.setDisabled(true, reason);
      } else {
        if (t.drain.active) this.cancelDrain(t, `maintenance off during drain${reason !== undefined ? `: ${reason}` : ''}`);
        t.health.setDisabled(false, reason);
      }
    }
    return targets.map((t) => t.config.name);
  }

  /**
   * RFC 8326 drain of one service or, without a name, all in parallel: the
   * announced prefixes are re-announced with GRACEFUL_SHUTDOWN and the
   * drain LOCAL_PREF, kept for the drain time, then the service goes to
   * maintenance (withdrawn). A service with nothing announced goes to
   * maintenance at once. Resolves with the services withdrawn this way,
   * once they are; one whose drain was called off (maintenance off, stop)
   * is left out. Rejects for an unknown name, naming the known ones.
   */
  drain(service?: string, reason = 'operator'): Promise<string[]> {
    let targets: Tracked[];
    try {
      targets = this.select(service);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return Promise.all(targets.map((t) => this.drainOne(t, reason))).then((done) => targets.filter((_, i) => done[i]).map((t) => t.config.name));
  }

  /**
   * The SIGTERM path, before the speaker stops: drains every service with
   * `drain-on-stop` in parallel and resolves once they are withdrawn.
   */
  async shutdown(): Promise<void> {
    const targets = this.tracked.filter((t) => t.config.drainOnStop);
    if (targets.length > 0) this.log.info({ services: targets.map((t) => t.config.name) }, 'draining services before stopping');
    await Promise.all(targets.map((t) => this.drainOne(t, 'floatd stopping')));
  }

  /** The last `limit` (default all kept, at most 1000) transitions and commands, oldest first. */
  events(limit?: number): AnnouncerEvent[] {
    return this.eventLog.events(limit);
  }

  /** Adds an observer; returns the function that removes it. */
  observe(o: AnnouncerObserver): () => void {
    return this.observers.add(o);
  }

  /** Waits for running hooks of every service. */
  async idle(): Promise<void> {
    await Promise.all(this.tracked.map((t) => t.health.idle()));
  }

  status(): AnnouncerServiceStatus[] {
    return this.tracked.map(serviceStatus);
  }

  /** The full list the speaker has now: the static entries, then each service's, built from what it announces. */
  entries(): AnnounceConfig[] {
    const out: AnnounceConfig[] = [...this.announce];
    for (const t of this.tracked) for (const [prefix, a] of t.routes.announced) out.push(entryOf(t.config, prefix, a));
    return out;
  }

  private select(service: string | undefined): Tracked[] {
    if (service === undefined) return [...this.tracked];
    const t = this.tracked.find((x) => x.config.name === service);
    if (t) return [t];
    const known = this.tracked.map((x) => x.config.name);
    throw new Error(`unknown service ${JSON.stringify(service)} (known services: ${known.length > 0 ? known.join(', ') : 'none configured'})`);
  }

  private onTransition(t: Tracked, e: ServiceTransition): void {
    if (e.to === 'UP') t.everUp = true;
    if (e.to === 'DOWN' && t.everUp && !t.config.failback) t.demoted = true;
    // Routes first: the withdraw is the time-critical part.
    this.update(t, `${e.from} -> ${e.to}: ${e.reason}`, e.causedAtPerf);
    this.eventLog.transition(e.service, e.from, e.to, e.reason, e.at);
    this.observers.transition({ service: e.service, from: e.from, to: e.to, reason: e.reason, atMs: e.at });
    // After the event is logged, so the maintenance transition this may cause comes after it.
    this.endEmptyDrain(t, e.reason);
  }

  /** A drain whose routes went away on their own (the service went DOWN) is over. */
  private endEmptyDrain(t: Tracked, reason: string): void {
    if (t.drain.active && t.routes.announced.size === 0) this.finishDrain(t, `drain ended early: nothing left announced (${reason})`);
  }

  private drainOne(t: Tracked, reason: string): Promise<boolean> {
    const settings = t.config.drain;
    if (t.drain.active) {
      this.record(t, `drain: ${reason} (already draining)`);
      return t.drain.join();
    }
    this.record(t, `drain for ${settings.timeMs / 1000} s: ${reason}`);
    if (!this.running || t.routes.announced.size === 0) {
      // Nothing to move traffic away from: straight to maintenance.
      this.enterMaintenance(t, `drained: nothing was announced (${reason})`, performance.now());
      return Promise.resolve(true);
    }
    const done = t.drain.begin(settings.timeMs, () => this.finishDrain(t, `drained for ${settings.timeMs / 1000} s (${reason})`));
    t.log.info({ timeMs: settings.timeMs, localPref: settings.localPref }, `draining: GRACEFUL_SHUTDOWN for ${settings.timeMs / 1000} s, then withdraw (${reason})`);
    this.update(t, `drain: ${reason}`, performance.now());
    return done;
  }

  /** Ends a drain with the withdraw: maintenance on, then the waiters learn it is done. */
  private finishDrain(t: Tracked, why: string): void {
    t.drain.finish(() => this.enterMaintenance(t, why, performance.now()));
  }

  /** Ends a drain without a withdraw: the normal attributes come back. */
  private cancelDrain(t: Tracked, why: string): void {
    t.drain.cancel(() => {
      t.log.info(`drain called off: ${why}`);
      this.update(t, why, performance.now());
    });
  }

  private enterMaintenance(t: Tracked, why: string, causedAtPerf: number): void {
    t.health.setDisabled(true, why);
    // Already DISABLED (by the file) gives no transition; the routes must still lose the drain attributes.
    this.update(t, why, causedAtPerf);
  }

  private update(t: Tracked, reason: string, causedAtPerf: number): void {
    if (!this.running) return;
    const now = this.opts.clock.now();
    const s = t.health.state;
    if (t.handover) {
      // The restarted checks have not decided yet: keep what was announced.
      if (s.name === 'INIT' || s.name === 'RISING' || s.name === 'FALLING') return;
      t.handover = false;
    }
    const step = reconcile(t.routes, wantedRoutes(this.policyOf(t), s.name, s.serving, t.demoted), t.drain.active ? t.config.drain : undefined, now, this.guard);
    for (const h of step.heldBack) t.log.warn({ prefix: h.prefix, until: h.until }, `not announcing ${h.prefix} yet: ${h.reason}`);
    t.routes = step.state;

    if (changesRoutes(step)) {
      this.publish();
      const { withdrawn, announced, changed } = step;
      if (withdrawn.length > 0) {
        this.observers.withdraw({ service: t.config.name, prefixes: withdrawn, latencyMs: performance.now() - causedAtPerf });
      }
      t.log.info({ state: s.name, serving: s.serving, withdrawn, announced, changed, demoted: t.demoted, draining: t.drain.active }, `${describeStep(step)} (${reason})`);
    }
    this.scheduleRecheck(t, step.recheckAt);
  }

  /** The policy with the load-driven MED in the UP attributes; before the first reading, the highest MED. */
  private policyOf(t: Tracked): ServicePolicy {
    const m = t.config.medFromLoad;
    if (!m || !t.load) return t.policy;
    return { ...t.policy, up: { ...t.policy.up, med: t.load.med ?? m.maxMed } };
  }

  /** With med-from-load: the reader whose MED changes re-announce the service. */
  private loadReader(t: Tracked): LoadMedReader | undefined {
    const m = t.config.medFromLoad;
    if (!m) return undefined;
    const { clock, loadSources } = this.opts;
    return new LoadMedReader({ settings: m, clock, log: t.log, sources: loadSources, onChange: (reason) => this.update(t, reason, performance.now()) });
  }

  /** One timer per service, at the earliest end of a hold-down. */
  private scheduleRecheck(t: Tracked, at: number | undefined): void {
    if (t.timer) this.opts.clock.clearTimer(t.timer);
    t.timer = undefined;
    if (at === undefined) return;
    t.timer = this.opts.clock.setTimer(at - this.opts.clock.now(), () => {
      t.timer = undefined;
      this.update(t, 'flap hold-down ended', performance.now());
    });
  }

  /** A command in the event log, at the state the service is in. */
  private record(t: Tracked, reason: string): void {
    this.eventLog.record(t.config.name, t.health.state.name, reason);
  }

  private publish(): void {
    this.opts.sink.setAnnouncements(this.entries());
  }
}

/** The speaker's entry for one announced prefix: the service's next hop and receivers, the attributes it is announced with. */
function entryOf(config: ServiceConfig, prefix: string, a: AnnounceAttributes): AnnounceConfig {
  const i = config.prefixes.indexOf(prefix);
  return {
    prefix,
    nextHop: config.nextHop,
    med: a.med,
    prepend: a.prepend ?? 0,
    communities: [...(a.communities ?? [])],
    largeCommunities: [...(a.largeCommunities ?? [])],
    localPref: a.localPref,
    neighbors: config.targets[i] ?? [],
  };
}

function policyOf(config: ServiceConfig): ServicePolicy {
  return {
    prefixes: config.prefixes,
    up: config.up,
    down: config.whenDown,
    disabled: config.whenDisabled,
    ...(config.role !== undefined ? { role: config.role } : {}),
    roleStyle: config.roleStyle,
    failback: config.failback,
  };
}
