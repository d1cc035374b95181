// One named service: its probe on a runner, event-driven watching, the
// maintenance switch and operator commands, all fed into the pure state
// machine; transitions go to subscribers (the announce policy) first, then
// to the log and the hooks.

import { performance } from 'node:perf_hooks';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { HEALTH_DEFAULTS } from './defaults.js';
import { HookRunner, type HookRun, type HookSpec } from './hooks.js';
import { ProbeRunner } from './probe-runner.js';
import type { Probe, ProbeResult } from './probe-result.js';
import type { DisableSwitch } from './probes/file.js';
import {
  initialServiceState,
  stepService,
  type Pace,
  type ServiceInput,
  type ServiceState,
  type ServiceStateName,
  type Thresholds,
  type TransitionEvent,
} from './service-state.js';

/** The disable source used by operator commands. */
export const OPERATOR = 'operator';

export interface ServiceOptions {
  readonly name: string;
  readonly probe: Probe;
  readonly disableSwitch?: DisableSwitch;
  readonly rise?: number;
  readonly fall?: number;
  readonly intervalMs?: number;
  readonly fastIntervalMs?: number;
  readonly timeoutMs?: number;
  /** Passed to hooks in PREFIXES. */
  readonly prefixes?: readonly string[];
  readonly hooks?: readonly HookSpec[];
  readonly clock: Clock;
  readonly log: Logger;
  /** Splay source for the first check; see ProbeRunner. */
  readonly random?: () => number;
  /** Probe results, transitions and hook runs kept for status. */
  readonly historySize?: number;
  readonly graceMs?: number;
}

export interface ServiceTransition extends TransitionEvent {
  readonly service: string;
  /** performance.now() when the input that caused it (a probe result, a command) arrived: the start of the withdraw latency. */
  readonly causedAtPerf: number;
}

/** A transition as status keeps it. */
export type RecordedTransition = Omit<ServiceTransition, 'causedAtPerf'>;

export interface ProbeRecord extends ProbeResult {
  /** Clock time the result arrived. */
  readonly at: number;
  /** "poll": a scheduled run; "event": a watching probe saw a change. */
  readonly source: 'poll' | 'event';
}

export interface ServiceCounters {
  readonly checks: number;
  readonly events: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly transitions: number;
}

export interface ServiceStatus {
  readonly name: string;
  readonly state: ServiceStateName;
  readonly since: number;
  readonly serving: boolean;
  readonly disabledBy: readonly string[];
  readonly successes: number;
  readonly failures: number;
  readonly settings: Thresholds & { readonly intervalMs: number; readonly fastIntervalMs: number; readonly timeoutMs: number };
  /** Oldest first. */
  readonly results: readonly ProbeRecord[];
  readonly transitions: readonly RecordedTransition[];
  readonly hooks: readonly HookRun[];
  readonly counters: ServiceCounters;
}

type TransitionListener = (e: ServiceTransition) => void;
type ProbeListener = (r: ProbeRecord) => void;

const push = <T>(ring: T[], item: T, max: number): void => {
  ring.push(item);
  if (ring.length > max) ring.splice(0, ring.length - max);
};

export class HealthService {
  readonly name: string;
  private st: ServiceState;
  private readonly thresholds: Thresholds;
  private readonly settings: ServiceStatus['settings'];
  private readonly runner: ProbeRunner;
  private readonly hooks: HookRunner;
  private readonly log: Logger;
  private readonly listeners = new Set<TransitionListener>();
  private readonly probeListeners = new Set<ProbeListener>();
  private readonly results: ProbeRecord[] = [];
  private readonly history: RecordedTransition[] = [];
  private readonly hookRuns: HookRun[] = [];
  private readonly historySize: number;
  private counters = { checks: 0, events: 0, failures: 0, timeouts: 0, transitions: 0 };
  private stops: (() => void)[] = [];
  private started = false;
  private lastOk: boolean | undefined;

  constructor(private readonly opts: ServiceOptions) {
    this.name = opts.name;
    this.log = opts.log.child({ service: opts.name });
    this.thresholds = { rise: opts.rise ?? HEALTH_DEFAULTS.rise, fall: opts.fall ?? HEALTH_DEFAULTS.fall };
    this.settings = {
      ...this.thresholds,
      intervalMs: opts.intervalMs ?? HEALTH_DEFAULTS.intervalMs,
      fastIntervalMs: opts.fastIntervalMs ?? HEALTH_DEFAULTS.fastIntervalMs,
      timeoutMs: opts.timeoutMs ?? HEALTH_DEFAULTS.timeoutMs,
    };
    this.historySize = opts.historySize ?? HEALTH_DEFAULTS.historySize;
    this.st = initialServiceState(opts.clock.now());
    this.runner = new ProbeRunner({
      probe: opts.probe,
      clock: opts.clock,
      intervalMs: this.settings.intervalMs,
      fastIntervalMs: this.settings.fastIntervalMs,
      timeoutMs: this.settings.timeoutMs,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
      onResult: (r, at) => this.onResult(r, at, 'poll'),
    });
    this.hooks = new HookRunner({
      service: opts.name,
      prefixes: opts.prefixes ?? [],
      hooks: opts.hooks ?? [],
      clock: opts.clock,
      log: this.log,
      onDone: (run) => push(this.hookRuns, run, this.historySize),
    });
  }

  get state(): ServiceState {
    return this.st;
  }

  /** Subscribes to transitions; returns an unsubscribe function. Listeners run synchronously, in order. */
  onTransition(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Subscribes to probe results; listeners run after the result went through
   * the state machine (and its subscribers), so they never delay a withdraw.
   */
  onProbe(listener: ProbeListener): () => void {
    this.probeListeners.add(listener);
    return () => this.probeListeners.delete(listener);
  }

  start(): void {
    if (this.started || this.st.name === 'STOPPING') return;
    this.started = true;
    this.applyPace('fast');
    this.runner.start();
    const { probe, disableSwitch } = this.opts;
    if (probe.watch) this.stops.push(probe.watch((r) => this.onResult(r, this.opts.clock.now(), 'event')));
    if (disableSwitch) {
      this.stops.push(
        disableSwitch.watch((on) => this.feed({ kind: 'disable', source: disableSwitch.source, on, at: this.opts.clock.now() })),
      );
    }
    this.log.info({ ...this.settings, probe: probe.kind }, 'health checks started');
  }

  /** Final: moves to STOPPING (subscribers withdraw), stops probing. Hooks already queued still run. */
  stop(reason?: string): void {
    this.feed({ kind: 'stop', at: this.opts.clock.now(), ...(reason !== undefined ? { reason } : {}) });
    this.runner.stop();
    for (const s of this.stops) s();
    this.stops = [];
  }

  /** The operator's maintenance command; independent of the maintenance file. */
  setDisabled(on: boolean, reason?: string): void {
    this.feed({ kind: 'disable', source: OPERATOR, on, at: this.opts.clock.now(), ...(reason !== undefined ? { reason } : {}) });
  }

  /** True once started (and until stopped): probing or watching. */
  get running(): boolean {
    return this.started && this.st.name !== 'STOPPING';
  }

  /** A reload changed the prefixes: hooks of later transitions get the new list. */
  setPrefixes(prefixes: readonly string[]): void {
    this.hooks.setPrefixes(prefixes);
  }

  /** Resolves when no hook is running or queued. */
  idle(): Promise<void> {
    return this.hooks.idle();
  }

  status(): ServiceStatus {
    const s = this.st;
    return {
      name: this.name,
      state: s.name,
      since: s.since,
      serving: s.serving,
      disabledBy: s.disabledBy,
      successes: s.successes,
      failures: s.failures,
      settings: this.settings,
      results: [...this.results],
      transitions: [...this.history],
      hooks: [...this.hookRuns],
      counters: { ...this.counters },
    };
  }

  private onResult(r: ProbeResult, at: number, source: 'poll' | 'event'): void {
    if (this.st.name === 'STOPPING') return;
    const arrived = performance.now();
    const c = this.counters;
    if (source === 'poll') c.checks++;
    else c.events++;
    if (!r.ok) c.failures++;
    if (r.timedOut) c.timeouts++;
    const record: ProbeRecord = { ...r, at, source };
    push(this.results, record, this.historySize);
    // A watching probe's failure is a fact (the process is gone), not a sample.
    this.feed({ kind: 'result', ok: r.ok, at, detail: r.detail, ...(source === 'event' && !r.ok ? { certain: true } : {}) }, arrived);
    if (r.ok !== this.lastOk) this.log.info({ source, durationMs: r.durationMs }, `check ${r.ok ? 'passed' : 'failed'}: ${r.detail}`);
    else this.log.debug({ source, durationMs: r.durationMs }, `check ${r.ok ? 'passed' : 'failed'}: ${r.detail}`);
    this.lastOk = r.ok;
    for (const l of this.probeListeners) {
      try {
        l(record);
      } catch (err) {
        this.log.error({ err }, 'probe listener failed');
      }
    }
  }

  private feed(input: ServiceInput, causedAtPerf = performance.now()): void {
    const step = stepService(this.st, input, this.thresholds);
    this.st = step.state;
    for (const e of step.effects) this.applyPace(e.pace);
    if (step.transition) this.emit({ service: this.name, ...step.transition, causedAtPerf });
  }

  private applyPace(pace: Pace): void {
    if (pace === 'stopped') this.runner.stop();
    else this.runner.setFast(pace === 'fast');
  }

  private emit(e: ServiceTransition): void {
    this.counters.transitions++;
    const { causedAtPerf: _, ...recorded } = e;
    push(this.history, recorded, this.historySize);
    // Subscribers first: the withdraw is the time-critical part.
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err }, 'transition listener failed');
      }
    }
    this.log.info({ from: e.from, to: e.to, serving: e.serving }, `${e.from} -> ${e.to}: ${e.reason}`);
    this.hooks.onTransition(e);
  }
}
