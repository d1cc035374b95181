// Commands run on service transitions. They run one at a time per service,
// in transition order (a hook that adds an address must not race the one
// that removes it), each in its own process group killed at its time limit,
// and never in the way of the state machine: transitions only enqueue.

import type { Logger } from '../util/log.js';
import type { Clock } from '../util/clock.js';
import { HEALTH_DEFAULTS } from './defaults.js';
import { describeRun, runInGroup, shellCommand, spawnAddon, type CommandLine, type CommandRun } from './process-group.js';
import { hookKindOf, type TransitionEvent } from './service-state.js';

export type HookTrigger = 'any' | 'up' | 'down' | 'disabled';

interface HookCommon {
  readonly on: HookTrigger;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** An argv array runs without a shell; a string with `shell: true` runs via /bin/sh -c. */
export type HookSpec =
  | (HookCommon & { readonly command: readonly string[]; readonly shell?: false })
  | (HookCommon & { readonly command: string; readonly shell: true });

export interface HookRun {
  readonly trigger: HookTrigger;
  readonly transition: TransitionEvent;
  readonly ok: boolean;
  readonly detail: string;
  readonly output: string;
  readonly durationMs: number;
}

export interface HookRunnerOptions {
  readonly service: string;
  /** Announced prefixes, passed to hooks in PREFIXES (space-separated). */
  readonly prefixes: readonly string[];
  readonly hooks: readonly HookSpec[];
  readonly clock: Clock;
  readonly log: Logger;
  readonly tailBytes?: number;
  /** Queued runs beyond this are dropped, oldest first. Default 64. */
  readonly maxQueue?: number;
  readonly onDone?: (run: HookRun) => void;
}

/** The environment a hook sees on top of floatd's own. */
export function hookEnv(service: string, prefixes: readonly string[], e: TransitionEvent): Record<string, string> {
  return {
    SERVICE: service,
    STATE: e.to,
    PREVIOUS_STATE: e.from,
    PREFIXES: prefixes.join(' '),
    REASON: e.reason,
  };
}

interface Job {
  readonly spec: HookSpec;
  readonly transition: TransitionEvent;
}

export class HookRunner {
  private readonly queue: Job[] = [];
  private running = false;
  private waiters: (() => void)[] = [];
  private prefixes: readonly string[];

  constructor(private readonly opts: HookRunnerOptions) {
    this.prefixes = opts.prefixes;
    // A missing addon is an error when the hooks are set up (floatd's start), not at the first transition.
    if (opts.hooks.length > 0) spawnAddon();
  }

  /** A reload changed the service's prefixes: later hooks get the new list. */
  setPrefixes(prefixes: readonly string[]): void {
    this.prefixes = prefixes;
  }

  /** Queues the hooks that match this transition; returns at once. */
  onTransition(e: TransitionEvent): void {
    const kind = hookKindOf(e.to);
    for (const spec of this.opts.hooks) {
      if (spec.on !== 'any' && spec.on !== kind) continue;
      this.queue.push({ spec, transition: e });
    }
    const max = this.opts.maxQueue ?? 64;
    while (this.queue.length > max) {
      const dropped = this.queue.shift()!;
      this.opts.log.warn({ hook: dropped.spec.on, to: dropped.transition.to }, 'hook queue full: dropped the oldest hook run');
    }
    if (!this.running) void this.drain();
  }

  /** Resolves when no hook is running or queued. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      try {
        await this.runOne(job);
      } catch (err) {
        this.opts.log.error({ err }, 'hook runner failed');
      }
    }
    this.running = false;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async runOne(job: Job): Promise<void> {
    const { clock, log } = this.opts;
    const { spec, transition } = job;
    const base = spec.shell === true ? shellCommand(spec.command) : { file: spec.command[0] ?? '', args: spec.command.slice(1) };
    const cmd: CommandLine = {
      ...base,
      env: { ...spec.env, ...hookEnv(this.opts.service, this.prefixes, transition) },
    };
    const limit = spec.timeoutMs ?? HEALTH_DEFAULTS.hookTimeoutMs;
    const ac = new AbortController();
    const timer = clock.setTimer(limit, () => ac.abort());
    let run: CommandRun;
    try {
      run = await runInGroup(cmd, ac.signal, this.opts.tailBytes ?? HEALTH_DEFAULTS.outputTailBytes);
    } finally {
      clock.clearTimer(timer);
    }
    const ok = run.code === 0 && !run.aborted;
    const detail = describeRun(run);
    const fields = { hook: spec.on, from: transition.from, to: transition.to, durationMs: Math.round(run.durationMs), output: run.output };
    if (ok) log.info(fields, `hook ${spec.on}: ${detail}`);
    else log.warn(fields, `hook ${spec.on} failed: ${detail}`);
    this.opts.onDone?.({ trigger: spec.on, transition, ok, detail, output: run.output, durationMs: run.durationMs });
  }
}
