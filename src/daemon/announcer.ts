// Services -> announce entries. Each service's health transitions go through
// the announce policy; a prefix about to come back is first admitted by the
// flap guard (and re-checked when its hold-down ends), a withdraw goes out at
// once. The speaker gets the whole list (static `announce` plus what the
// services want) and sends each neighbor the difference synchronously, so a
// failed probe becomes a WITHDRAW within the same turn of the event loop.

import { admitAnnouncement, DEFAULT_FLAP_GUARD, EMPTY_HISTORY, type FlapGuardSettings, type FlapHistory } from '../announce/flap-guard.js';
import { wantedRoutes, type AnnounceAttributes, type ServicePolicy } from '../announce/policy.js';
import type { AnnounceConfig } from '../config/index.js';
import type { ServiceConfig } from '../config/config-schema.js';
import { createProbe } from '../health/create-probe.js';
import type { Probe } from '../health/probe-result.js';
import type { ProbeSpec } from '../health/probe-spec.js';
import { FileSwitch, type DisableSwitch } from '../health/probes/file.js';
import { HealthService, type ServiceStatus } from '../health/service.js';
import type { ServiceStateName } from '../health/service-state.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';

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
}

/** One service in the control socket's `status` result. */
export interface AnnouncerServiceStatus extends ServiceStatus {
  readonly prefixes: readonly string[];
  readonly announced: readonly string[];
  /** Prefixes the service wants but the flap guard holds back, with the time (clock ms) they may return. */
  readonly held: readonly { readonly prefix: string; readonly until: number }[];
  readonly demoted: boolean;
}

interface Tracked {
  readonly config: ServiceConfig;
  readonly health: HealthService;
  readonly policy: ServicePolicy;
  readonly log: Logger;
  demoted: boolean;
  everUp: boolean;
  /** Prefix -> attributes currently in the speaker's list. */
  announced: Map<string, AnnounceAttributes>;
  /** Prefix -> the entry handed to the speaker; rebuilt only when attributes change. */
  entries: Map<string, AnnounceConfig>;
  flap: Map<string, FlapHistory>;
  held: Map<string, number>;
  timer: TimerHandle | undefined;
  unsubscribe: () => void;
}

export class Announcer {
  private readonly tracked: Tracked[] = [];
  private readonly guard: FlapGuardSettings;
  private running = false;

  constructor(private readonly opts: AnnouncerOptions) {
    this.guard = opts.flapGuard ?? DEFAULT_FLAP_GUARD;
    for (const config of opts.services) {
      const probe = opts.createProbe ? opts.createProbe(config.check, config) : createProbe(config.check, { clock: opts.clock });
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
        clock: opts.clock,
        log: opts.log,
        ...(opts.random ? { random: opts.random } : {}),
      });
      const t: Tracked = {
        config,
        health,
        policy: {
          prefixes: config.prefixes,
          up: config.up,
          down: config.whenDown,
          disabled: config.whenDisabled,
          ...(config.role !== undefined ? { role: config.role } : {}),
          roleStyle: config.roleStyle,
          failback: config.failback,
        },
        log: opts.log.child({ service: config.name }),
        demoted: false,
        everUp: false,
        announced: new Map(),
        entries: new Map(),
        flap: new Map(),
        held: new Map(),
        timer: undefined,
        unsubscribe: () => undefined,
      };
      t.unsubscribe = health.onTransition((e) => {
        if (e.to === 'UP') t.everUp = true;
        if (e.to === 'DOWN' && t.everUp && !config.failback) t.demoted = true;
        this.update(t, e.to, e.serving, `${e.from} -> ${e.to}: ${e.reason}`);
      });
      this.tracked.push(t);
    }
  }

  /** Hands the speaker the static entries and starts every service's checks. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.publish();
    for (const t of this.tracked) t.health.start();
  }

  /**
   * Stops the checks without touching the speaker: on shutdown the speaker
   * has already withdrawn everything, and a STOPPING transition must not
   * reach it afterwards.
   */
  stop(): void {
    this.running = false;
    for (const t of this.tracked) {
      t.unsubscribe();
      if (t.timer) this.opts.clock.clearTimer(t.timer);
      t.timer = undefined;
      t.health.stop('floatd stopping');
    }
  }

  /** The operator's maintenance command for one service; false if there is no such service. */
  setDisabled(name: string, on: boolean, reason?: string): boolean {
    const t = this.tracked.find((x) => x.config.name === name);
    if (!t) return false;
    t.health.setDisabled(on, reason);
    return true;
  }

  /** Waits for running hooks of every service. */
  async idle(): Promise<void> {
    await Promise.all(this.tracked.map((t) => t.health.idle()));
  }

  status(): AnnouncerServiceStatus[] {
    return this.tracked.map((t) => ({
      ...t.health.status(),
      prefixes: t.config.prefixes,
      announced: [...t.announced.keys()],
      held: [...t.held].map(([prefix, until]) => ({ prefix, until })),
      demoted: t.demoted,
    }));
  }

  /** The full list the speaker has now. */
  entries(): AnnounceConfig[] {
    const out: AnnounceConfig[] = [...this.opts.announce];
    for (const t of this.tracked) for (const e of t.entries.values()) out.push(e);
    return out;
  }

  private update(t: Tracked, state: ServiceStateName, serving: boolean, reason: string): void {
    if (!this.running) return;
    const now = this.opts.clock.now();
    const wanted = wantedRoutes(t.policy, state, serving, t.demoted);
    const withdrawn: string[] = [];
    const announced: string[] = [];
    const changed: string[] = [];
    const wantedSet = new Set<string>();
    for (const r of wanted) wantedSet.add(r.prefix);

    // Withdraws first, never delayed.
    for (const prefix of t.announced.keys()) {
      if (!wantedSet.has(prefix)) {
        t.announced.delete(prefix);
        t.entries.delete(prefix);
        withdrawn.push(prefix);
      }
    }
    for (const prefix of t.held.keys()) if (!wantedSet.has(prefix)) t.held.delete(prefix);

    for (const r of wanted) {
      const current = t.announced.get(r.prefix);
      if (current !== undefined) {
        if (!sameAttributes(current, r.attributes)) {
          t.announced.set(r.prefix, r.attributes);
          t.entries.set(r.prefix, this.entryOf(t, r.prefix, r.attributes));
          changed.push(r.prefix);
        }
        continue;
      }
      const admission = admitAnnouncement(t.flap.get(r.prefix) ?? EMPTY_HISTORY, now, this.guard);
      t.flap.set(r.prefix, admission.history);
      if (!admission.allowed) {
        if (t.held.get(r.prefix) !== admission.until) {
          t.log.warn({ prefix: r.prefix, until: admission.until }, `not announcing ${r.prefix} yet: ${admission.reason}`);
        }
        t.held.set(r.prefix, admission.until);
        continue;
      }
      t.held.delete(r.prefix);
      t.announced.set(r.prefix, r.attributes);
      t.entries.set(r.prefix, this.entryOf(t, r.prefix, r.attributes));
      announced.push(r.prefix);
    }

    if (withdrawn.length + announced.length + changed.length > 0) {
      this.publish();
      const parts = [
        withdrawn.length > 0 ? `withdrawing ${withdrawn.join(', ')}` : '',
        announced.length > 0 ? `announcing ${announced.join(', ')}` : '',
        changed.length > 0 ? `new attributes for ${changed.join(', ')}` : '',
      ].filter((s) => s !== '');
      t.log.info({ state, serving, withdrawn, announced, changed, demoted: t.demoted }, `${parts.join('; ')} (${reason})`);
    }
    this.scheduleRecheck(t);
  }

  /** One timer per service, at the earliest end of a hold-down. */
  private scheduleRecheck(t: Tracked): void {
    if (t.timer) this.opts.clock.clearTimer(t.timer);
    t.timer = undefined;
    let first = Infinity;
    for (const until of t.held.values()) first = Math.min(first, until);
    if (first === Infinity) return;
    t.timer = this.opts.clock.setTimer(first - this.opts.clock.now(), () => {
      t.timer = undefined;
      const s = t.health.state;
      this.update(t, s.name, s.serving, 'flap hold-down ended');
    });
  }

  private publish(): void {
    this.opts.sink.setAnnouncements(this.entries());
  }

  private entryOf(t: Tracked, prefix: string, a: AnnounceAttributes): AnnounceConfig {
    const i = t.config.prefixes.indexOf(prefix);
    return {
      prefix,
      nextHop: t.config.nextHop,
      med: a.med,
      prepend: a.prepend ?? 0,
      communities: [...(a.communities ?? [])],
      largeCommunities: [...(a.largeCommunities ?? [])],
      localPref: a.localPref,
      neighbors: t.config.targets[i] ?? [],
    };
  }
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined, eq: (x: T, y: T) => boolean): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => eq(v, y[i]!));
}

function sameAttributes(a: AnnounceAttributes, b: AnnounceAttributes): boolean {
  return (
    a.med === b.med &&
    (a.prepend ?? 0) === (b.prepend ?? 0) &&
    a.localPref === b.localPref &&
    sameList(a.communities, b.communities, (x, y) => x === y) &&
    sameList(a.largeCommunities, b.largeCommunities, (x, y) => x.global === y.global && x.local1 === y.local1 && x.local2 === y.local2)
  );
}
