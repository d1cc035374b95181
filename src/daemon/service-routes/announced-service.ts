// One service's routes, the I/O shell around route-policy/reconcile.ts: health
// transitions, operator commands, the drain timer, load-driven MED changes
// and hold-down ends all become one reconcile step. When the step changes
// the routes, ServiceRoutes hands the speaker the whole list at once, in the
// same turn as the transition, so a failed probe becomes a WITHDRAW without
// waiting for anything.
//
// Drain (RFC 8326): the announced prefixes carry GRACEFUL_SHUTDOWN for the
// drain time, then the service goes to maintenance. A load-driven MED
// replaces the service's MED while it serves.

import { performance } from 'node:perf_hooks';
import type { FlapGuardSettings } from '../../route-policy/flap-guard.js';
import { wantedRoutes, type AnnounceAttributes, type ServicePolicy } from '../../route-policy/policy.js';
import { changesRoutes, describeStep, EMPTY_ROUTES, reconcile, type RouteState } from '../../route-policy/reconcile.js';
import type { ServiceConfig } from '../../config/config-schema.js';
import { wirePrefix } from '../../bgp/codec/nlri.js';
import type { Prefix } from '../../bgp/codec/types.js';
import type { Announcement } from '../../bgp/rib/announcement.js';
import type { LoadSources } from '../../health/index.js';
import type { HealthService, ServiceTransition } from '../../health/index.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { sameValue } from '../config-values.js';
import { DrainControl } from './drain-control.js';
import type { EventLog } from './event-log.js';
import { LoadMedReader } from './load-med-reader.js';
import type { ObserverSet } from './observers.js';

/** What a service needs of ServiceRoutes around it. */
export interface ServiceHost {
  readonly clock: Clock;
  readonly guard: FlapGuardSettings;
  readonly loadSources: LoadSources | undefined;
  readonly events: EventLog;
  readonly observers: ObserverSet;
  /** False before start and after stop: then routes are left as they are. */
  running(): boolean;
  /** Hands the speaker the whole list, this service's routes included. */
  publish(): void;
}

export class AnnouncedService {
  /** What is announced (in the speaker's list), what the flap guard remembers, what it holds back. */
  routes: RouteState = EMPTY_ROUTES;
  demoted = false;
  readonly drain: DrainControl;
  load: LoadMedReader | undefined;
  readonly log: Logger;
  private current: ServiceConfig;
  private policy: ServicePolicy;
  /** The service's prefixes parsed once per config, not on every publish. */
  private nlri: ReadonlyMap<string, Prefix>;
  /**
   * After a reload restarted the checks: the routes announced before are kept
   * until the new checks decide (UP, DOWN or DISABLED), so a changed check
   * does not withdraw a healthy service while it proves itself again.
   */
  private handover = false;
  private everUp = false;
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void)[];

  constructor(
    config: ServiceConfig,
    readonly health: HealthService,
    private readonly host: ServiceHost,
    log: Logger,
  ) {
    this.current = config;
    this.policy = policyOf(config);
    this.nlri = nlriOf(config);
    this.log = log.child({ service: config.name });
    this.drain = new DrainControl(host.clock);
    this.load = this.loadReader();
    this.unsubscribe = [
      health.onTransition((e) => this.onTransition(e)),
      health.onProbe((r) => host.observers.probe({ service: config.name, ok: r.ok, durationMs: r.durationMs, timedOut: r.timedOut === true, atMs: r.at })),
    ];
  }

  get config(): ServiceConfig {
    return this.current;
  }

  /** Starts the checks and the load readings. */
  start(): void {
    this.health.start();
    this.load?.start();
  }

  /** Takes over from the service a reload replaced: what it announced (kept until the new checks decide) and what it remembered. */
  takeOver(old: AnnouncedService): void {
    this.handover = old.routes.announced.size > 0;
    // Hold-downs start again with the new checks; the flap history stays.
    this.routes = { announced: old.routes.announced, flap: old.routes.flap, held: EMPTY_ROUTES.held };
    this.everUp = old.everUp;
    this.demoted = old.demoted;
  }

  /** A reload changed the config but not the checks: the new policy applies from the next update. */
  reconfigure(config: ServiceConfig): void {
    const loadChanged = !sameValue(config.medFromLoad, this.current.medFromLoad);
    this.current = config;
    this.policy = policyOf(config);
    this.nlri = nlriOf(config);
    this.health.setPrefixes(config.prefixes);
    if (loadChanged) {
      this.load?.stop();
      this.load = this.loadReader();
      if (this.host.running()) this.load?.start();
    }
  }

  /** Stops the checks, timers and drain; the routes leave with the next publish. */
  retire(why: string): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    if (this.timer) this.host.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.load?.stop();
    this.load = undefined;
    this.drain.cancel();
    this.health.stop(why);
  }

  /** A command in the event log, at the state the service is in. */
  record(reason: string): void {
    this.host.events.record(this.current.name, this.health.state.name, reason);
  }

  /** Maintenance on or off; on during a drain withdraws now, off calls the drain off. */
  setMaintenance(on: boolean, reason: string | undefined): void {
    this.record(`maintenance ${on ? 'on' : 'off'}${reason !== undefined ? `: ${reason}` : ''}`);
    if (on) {
      if (this.drain.active) this.finishDrain(`maintenance on during drain${reason !== undefined ? `: ${reason}` : ''}`);
      else this.health.setDisabled(true, reason);
    } else {
      if (this.drain.active) this.cancelDrain(`maintenance off during drain${reason !== undefined ? `: ${reason}` : ''}`);
      this.health.setDisabled(false, reason);
    }
  }

  /** Drains the service; true once withdrawn this way, false when the drain is called off. */
  drainFor(reason: string): Promise<boolean> {
    const settings = this.current.drain;
    if (this.drain.active) {
      this.record(`drain: ${reason} (already draining)`);
      return this.drain.join();
    }
    this.record(`drain for ${settings.timeMs / 1000} s: ${reason}`);
    if (!this.host.running() || this.routes.announced.size === 0) {
      // Nothing to move traffic away from: straight to maintenance.
      this.enterMaintenance(`drained: nothing was announced (${reason})`, performance.now());
      return Promise.resolve(true);
    }
    const done = this.drain.begin(settings.timeMs, () => this.finishDrain(`drained for ${settings.timeMs / 1000} s (${reason})`));
    this.log.info({ timeMs: settings.timeMs, localPref: settings.localPref }, `draining: GRACEFUL_SHUTDOWN for ${settings.timeMs / 1000} s, then withdraw (${reason})`);
    this.update(`drain: ${reason}`, performance.now());
    return done;
  }

  /** Appends the speaker's entries for what the service announces. */
  addEntries(out: Announcement[]): void {
    for (const [prefix, a] of this.routes.announced) out.push(entryOf(this.current, prefix, this.nlri.get(prefix) ?? wirePrefix(prefix), a));
  }

  /**
   * One reconcile step for the state the service is in now; publishes when
   * the routes change. Synchronous: the withdraw of a failed probe goes out
   * in the turn that saw the failure.
   */
  update(reason: string, causedAtPerf: number): void {
    const { host } = this;
    if (!host.running()) return;
    const s = this.health.state;
    if (this.handover) {
      // The restarted checks have not decided yet: keep what was announced.
      if (s.name === 'INIT' || s.name === 'RISING' || s.name === 'FALLING') return;
      this.handover = false;
    }
    const wanted = wantedRoutes(this.policyWithLoad(), s.name, s.serving, this.demoted);
    const step = reconcile(this.routes, wanted, this.drain.active ? this.current.drain : undefined, host.clock.now(), host.guard);
    for (const h of step.heldBack) this.log.warn({ prefix: h.prefix, until: h.until }, `not announcing ${h.prefix} yet: ${h.reason}`);
    this.routes = step.state;
    if (changesRoutes(step)) {
      host.publish();
      const { withdrawn, announced, changed } = step;
      if (withdrawn.length > 0) host.observers.withdraw({ service: this.current.name, prefixes: withdrawn, latencyMs: performance.now() - causedAtPerf });
      const fields = { state: s.name, serving: s.serving, withdrawn, announced, changed, demoted: this.demoted, draining: this.drain.active };
      this.log.info(fields, `${describeStep(step)} (${reason})`);
    }
    this.scheduleRecheck(step.recheckAt);
  }

  private onTransition(e: ServiceTransition): void {
    if (e.to === 'UP') this.everUp = true;
    if (e.to === 'DOWN' && this.everUp && !this.current.failback) this.demoted = true;
    // Routes first: the withdraw is the time-critical part.
    this.update(`${e.from} -> ${e.to}: ${e.reason}`, e.causedAtPerf);
    this.host.events.transition(e.service, e.from, e.to, e.reason, e.at);
    this.host.observers.transition({ service: e.service, from: e.from, to: e.to, reason: e.reason, atMs: e.at });
    // After the event is logged, so the maintenance transition this may cause comes after it.
    // A drain whose routes went away on their own (the service went DOWN) is over.
    if (this.drain.active && this.routes.announced.size === 0) this.finishDrain(`drain ended early: nothing left announced (${e.reason})`);
  }

  /** Ends a drain with the withdraw: maintenance on, then the waiters learn it is done. */
  private finishDrain(why: string): void {
    this.drain.finish(() => this.enterMaintenance(why, performance.now()));
  }

  /** Ends a drain without a withdraw: the normal attributes come back. */
  private cancelDrain(why: string): void {
    this.drain.cancel(() => {
      this.log.info(`drain called off: ${why}`);
      this.update(why, performance.now());
    });
  }

  private enterMaintenance(why: string, causedAtPerf: number): void {
    this.health.setDisabled(true, why);
    // Already DISABLED (by the file) gives no transition; the routes must still lose the drain attributes.
    this.update(why, causedAtPerf);
  }

  /** The policy with the load-driven MED in the UP attributes; before the first reading, the highest MED. */
  private policyWithLoad(): ServicePolicy {
    const m = this.current.medFromLoad;
    if (!m || !this.load) return this.policy;
    return { ...this.policy, up: { ...this.policy.up, med: this.load.med ?? m.maxMed } };
  }

  /** With med-from-load: the reader whose MED changes re-announce the service. */
  private loadReader(): LoadMedReader | undefined {
    const m = this.current.medFromLoad;
    if (!m) return undefined;
    const { clock, loadSources } = this.host;
    return new LoadMedReader({ settings: m, clock, log: this.log, sources: loadSources, onChange: (reason) => this.update(reason, performance.now()) });
  }

  /** One timer per service, at the earliest end of a hold-down. */
  private scheduleRecheck(at: number | undefined): void {
    const { clock } = this.host;
    if (this.timer) clock.clearTimer(this.timer);
    this.timer = undefined;
    if (at === undefined) return;
    this.timer = clock.setTimer(at - clock.now(), () => {
      this.timer = undefined;
      this.update('flap hold-down ended', performance.now());
    });
  }
}

const NONE: readonly never[] = [];

/**
 * The speaker's entry for one announced prefix: the service's next hop and
 * receivers, the attributes it is announced with. Built on every publish, so
 * the lists are the attributes' own, not copies: nothing downstream writes
 * to an entry (the speaker only reads and encodes them).
 */
function entryOf(config: ServiceConfig, prefix: string, nlri: Prefix, a: AnnounceAttributes): Announcement {
  const i = config.prefixes.indexOf(prefix);
  return {
    prefix,
    nlri,
    nextHop: config.nextHop,
    med: a.med,
    prepend: a.prepend ?? 0,
    communities: a.communities ?? NONE,
    largeCommunities: a.largeCommunities ?? NONE,
    localPref: a.localPref,
    neighbors: config.targets[i] ?? [],
  };
}

function nlriOf(config: ServiceConfig): Map<string, Prefix> {
  return new Map(config.prefixes.map((p) => [p, wirePrefix(p)]));
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
