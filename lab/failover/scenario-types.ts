// What a scenario is given and what it gives back. The runner (runner.ts)
// sets up the state every scenario starts from (services and daemons on the
// instances, routes at the router, clean traffic); a scenario then causes its
// event, waits for the outcome and reports what it saw.

import type { LabProcess } from '../netns.js';
import type { Contender, InstancePlan, RunningInstance } from './contenders.js';
import type { FibEvent } from './fib-watch.js';
import type { RequestRecord } from './records.js';
import type { FailoverLab } from './topology.js';

export interface Timing {
  /** Clean traffic on the target instances needed to call the outcome reached. */
  readonly settleMs: number;
  /** Give up waiting for the outcome this long after the event. */
  readonly capMs: number;
  /** Clean traffic before the event. */
  readonly baselineMs: number;
  /** Time allowed for routes to reach the router after the daemons start. */
  readonly readyMs: number;
  /** Per-request timeout of the client: a request without an answer by then failed. */
  readonly requestTimeoutMs: number;
  /** Requests per second. */
  readonly rate: number;
  /** How long the spread of active-active traffic is measured. */
  readonly spreadMs: number;
  /** How long no-failback watches after the old primary's route is back. */
  readonly watchMs: number;
  /** The flapping service: this many cycles of sick, then well. */
  readonly flap: { readonly cycles: number; readonly sickMs: number; readonly wellMs: number };
}

export const FULL_TIMING: Timing = {
  settleMs: 2_000,
  capMs: 30_000,
  baselineMs: 1_000,
  readyMs: 40_000,
  requestTimeoutMs: 1_000,
  rate: 100,
  spreadMs: 4_000,
  watchMs: 5_000,
  flap: { cycles: 4, sickMs: 4_000, wellMs: 4_000 },
};

export const QUICK_TIMING: Timing = {
  ...FULL_TIMING,
  settleMs: 1_500,
  capMs: 25_000,
  spreadMs: 2_000,
  watchMs: 3_000,
  flap: { cycles: 3, sickMs: 3_000, wellMs: 3_000 },
};

export type Layout = 'active-active' | 'primary-secondary';

export interface ScenarioContext {
  readonly fl: FailoverLab;
  readonly contender: Contender;
  readonly timing: Timing;
  instance(name: string): RunningInstance;
  /** The instance's HTTP service process. */
  server(name: string): LabProcess;
  plan(name: string): InstancePlan;
  /** The client's records so far, sorted by send time. */
  records(): RequestRecord[];
  fibEvents(): FibEvent[];
  /** Undo run after the scenario, before the daemons stop (SIGCONT, link up). */
  onCleanup(step: () => Promise<void>): void;
  /**
   * Waits until traffic sent after `from` ends in a clean run of at least
   * settleMs on `target`; false when capMs passed first.
   */
  waitSettled(from: number, target: readonly string[]): Promise<boolean>;
  /** The latest send time whose request has surely ended (now minus the request timeout and a margin). */
  complete(): number;
  say(text: string): void;
}

export interface ScenarioOutcome {
  /** Epoch ms of the event (fault, repair or command). */
  readonly event: number;
  /** End of the measured window, epoch ms. */
  readonly end: number;
  /** The scenario's recovery figure, ms after the event; undefined when not reached or not meaningful. */
  readonly recoveryMs?: number;
  /** One line for the report: spreads, FIB changes, notes. */
  readonly detail?: string;
  /** Expectations that did not hold. */
  readonly problems: readonly string[];
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** What the recovery figure measures here. */
  readonly recovery: string;
  /** What must hold, in words. */
  readonly expect: string;
  readonly layout: Layout;
  /** Primary/secondary only: failback of the primary. */
  readonly failback?: boolean;
  /** Any failed request after the event is a problem, except resets by the router's ECMP rehash (counted apart). */
  readonly zeroFailures?: boolean;
  /** Why `c` cannot run this scenario; undefined when it can. */
  unsupported?(c: Contender): string | undefined;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

export type ResultStatus = 'ok' | 'unexpected' | 'error' | 'n/a';

export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  readonly contender: string;
  readonly contenderLabel: string;
  readonly status: ResultStatus;
  readonly requests: number;
  readonly failed: number;
  /** Of the failed: connections reset because the router's multipath route changed during their life (see measure.ts). */
  readonly rehashResets: number;
  readonly lastFailureMs?: number;
  readonly recoveryMs?: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly servedBy: Readonly<Record<string, number>>;
  readonly detail?: string;
  readonly problems: readonly string[];
  /** Why n/a, or the error. */
  readonly note?: string;
}
