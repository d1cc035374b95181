// ServiceRoutes: the services and the routes each wants announced. Each
// service's health transitions go through the route policy; a prefix about to come back is first admitted by the
// flap guard (and re-checked when its hold-down ends), a withdraw goes out at
// once (route-policy/reconcile.ts decides, daemon/service-routes/announced-service.ts
// acts for one service). The speaker gets the whole list (static `announce`
// plus what the services want) and sends each neighbor the difference
// synchronously, so a failed probe becomes a WITHDRAW within the same turn of
// the event loop.
//
// Operator commands: maintenance (DISABLED at once) and drain (RFC 8326: the
// announced prefixes carry GRACEFUL_SHUTDOWN for the drain time, then
// maintenance). A load-driven MED, when configured, replaces the service's
// MED while it serves and changes only as src/route-policy/load-med.ts allows.

import { performance } from 'node:perf_hooks';
import { DEFAULT_FLAP_GUARD, type FlapGuardSettings } from '../route-policy/flap-guard.js';
import type { ServiceRoutesObserver } from '../route-policy/observer.js';
import type { Announcement } from '../bgp/rib/announcement.js';
import type { ServiceConfig } from '../config/config-schema.js';
import { createProbe } from '../health/index.js';
import type { Probe } from '../health/index.js';
import type { ProbeSpec } from '../health/index.js';
import { FileSwitch, type DisableSwitch } from '../health/index.js';
import type { LoadSources } from '../health/index.js';
import { HealthService, OPERATOR } from '../health/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { ReloadPlan } from './config-diff.js';
import { AnnouncedService, type ServiceHost } from './service-routes/announced-service.js';
import { EventLog, type ServiceRoutesEvent } from './service-routes/event-log.js';
import { ObserverSet } from './service-routes/observers.js';
import { serviceStatus, type ServiceRoutesServiceStatus } from './service-routes/status.js';

export { EVENT_LOG_SIZE, type ServiceRoutesEvent } from './service-routes/event-log.js';
export type { ServiceRoutesServiceStatus, ProbeSummary } from './service-routes/status.js';

/** Where the full list of announcements goes: the speaker. */
export interface AnnouncementSink {
  setAnnouncements(entries: readonly Announcement[]): void;
}

export interface ServiceRoutesOptions {
  /** The static `announce` entries, always announced. */
  readonly announce: readonly Announcement[];
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

export class ServiceRoutes {
  private readonly tracked: AnnouncedService[] = [];
  private readonly log: Logger;
  private readonly eventLog: EventLog;
  private readonly observers: ObserverSet;
  private readonly host: ServiceHost;
  private running = false;
  private announce: readonly Announcement[];

  constructor(private readonly opts: ServiceRoutesOptions) {
    this.log = opts.log;
    this.announce = opts.announce;
    this.eventLog = new EventLog(opts.clock, opts.wallClock);
    this.observers = new ObserverSet(opts.log);
    this.host = {
      clock: opts.clock,
      guard: opts.flapGuard ?? DEFAULT_FLAP_GUARD,
      loadSources: opts.loadSources,
      events: this.eventLog,
      observers: this.observers,
      running: () => this.running,
      publish: () => this.publish(),
    };
    for (const config of opts.services) this.tracked.push(this.track(config));
  }

  /**
   * A live reload: removed services are withdrawn, added ones start, those
   * whose checks changed restart their checks (keeping what they announce
   * until the new checks decide), those whose policy changed are
   * re-announced with it; the speaker gets the new list once.
   */
  reconfigure(announce: readonly Announcement[], services: readonly ServiceConfig[], plan: Pick<ReloadPlan, 'services'>): void {
    this.announce = announce;
    const byName = new Map(services.map((c) => [c.name, c]));
    const restart = new Set(plan.services.restart.map((c) => c.name));
    const next: AnnouncedService[] = [];
    /** Restarted services the operator had put in maintenance: the new checks start in it. */
    const maintained = new Set<AnnouncedService>();
    for (const t of this.tracked) {
      const config = byName.get(t.config.name);
      if (config === undefined) {
        t.retire('removed from the config');
        t.record('reload: service removed');
        t.log.info('service removed by a reload: withdrawing its prefixes');
        continue;
      }
      if (restart.has(config.name)) {
        const inMaintenance = t.health.state.disabledBy.includes(OPERATOR);
        t.retire('checks changed by a reload');
        const fresh = this.track(config);
        if (inMaintenance) maintained.add(fresh);
        fresh.takeOver(t);
        fresh.record('reload: checks restarted');
        fresh.log.info('checks restarted by a reload; announced prefixes stay until the new checks decide');
        next.push(fresh);
        continue;
      }
      if (config !== t.config) t.reconfigure(config);
      next.push(t);
    }
    const known = new Set(next.map((t) => t.config.name));
    for (const config of services) {
      if (known.has(config.name)) continue;
      const t = this.track(config);
      t.record('reload: service added');
      next.push(t);
    }
    this.tracked.splice(0, this.tracked.length, ...next);
    // Routes of removed services go now; policy changes are applied below.
    this.publish();
    for (const t of next) {
      if (!this.running) break;
      if (!t.health.running) {
        t.start();
        // Maintenance is the operator's, not the config's: a reload does not end it.
        if (maintained.has(t)) t.health.setDisabled(true, 'maintenance kept across a reload');
      } else {
        t.update('reload', performance.now());
      }
    }
  }

  private track(config: ServiceConfig): AnnouncedService {
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
    return new AnnouncedService(config, health, this.host, opts.log);
  }

  /** Hands the speaker the static entries and starts every service's checks (and load readings). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.publish();
    for (const t of this.tracked) t.start();
  }

  /**
   * Stops the checks without touching the speaker: on shutdown the speaker
   * has already withdrawn everything, and a STOPPING transition must not
   * reach it afterwards. A drain still waiting resolves as not drained.
   */
  stop(): void {
    this.running = false;
    for (const t of this.tracked) t.retire('floatd stopping');
  }

  /**
   * Maintenance on (DISABLED: withdrawn at once, or as `when-disabled` says)
   * or off (INIT: the service proves itself again before it is announced),
   * for one service or, without a name, all. Ends a drain in progress: on
   * withdraws now, off keeps the service. Returns the services affected.
   */
  setMaintenance(on: boolean, service?: string, reason?: string): string[] {
    const targets = this.select(service);
    for (const t of targets) t.setMaintenance(on, reason);
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
    let targets: AnnouncedService[];
    try {
      targets = this.select(service);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return Promise.all(targets.map((t) => t.drainFor(reason))).then((done) => targets.filter((_, i) => done[i]).map((t) => t.config.name));
  }

  /**
   * The SIGTERM path, before the speaker stops: drains every service with
   * `drain-on-stop` in parallel and resolves once they are withdrawn.
   */
  async shutdown(): Promise<void> {
    const targets = this.tracked.filter((t) => t.config.drainOnStop);
    if (targets.length > 0) this.log.info({ services: targets.map((t) => t.config.name) }, 'draining services before stopping');
    await Promise.all(targets.map((t) => t.drainFor('floatd stopping')));
  }

  /** The last `limit` (default all kept, at most 1000) transitions and commands, oldest first. */
  events(limit?: number): ServiceRoutesEvent[] {
    return this.eventLog.events(limit);
  }

  /** A DNS update of one service's record in the event log, with the state the service is in. */
  noteDns(service: string, reason: string): void {
    const t = this.tracked.find((x) => x.config.name === service);
    if (t) this.eventLog.dns(service, t.health.state.name, reason);
  }

  /** A transition of something the services drive (a VRRP instance) in the same event log. */
  noteTransition(source: string, from: string, to: string, reason: string, atMs: number): void {
    this.eventLog.transition(source, from, to, reason, atMs);
  }

  /** A neighbor's BFD state change in the same event log. */
  noteBfd(neighbor: string, from: string, to: string, diag: number, reason: string): void {
    this.eventLog.bfd(neighbor, from, to, diag, reason);
  }

    /** Adds an observer; returns the function that removes it. */
  observe(o: ServiceRoutesObserver): () => void {
    return this.observers.add(o);
  }

  /** Waits for running hooks of every service. */
  async idle(): Promise<void> {
    await Promise.all(this.tracked.map((t) => t.health.idle()));
  }

  status(): ServiceRoutesServiceStatus[] {
    return this.tracked.map(serviceStatus);
  }

  /** The full list the speaker has now: the static entries, then each service's, built from what it announces. */
  entries(): Announcement[] {
    const out: Announcement[] = [...this.announce];
    for (const t of this.tracked) t.addEntries(out);
    return out;
  }

  private select(service: string | undefined): AnnouncedService[] {
    if (service === undefined) return [...this.tracked];
    const t = this.tracked.find((x) => x.config.name === service);
    if (t) return [t];
    const known = this.tracked.map((x) => x.config.name);
    throw new Error(`unknown service ${JSON.stringify(service)} (known services: ${known.length > 0 ? known.join(', ') : 'none configured'})`);
  }

  private publish(): void {
    this.opts.sink.setAnnouncements(this.entries());
  }
}
