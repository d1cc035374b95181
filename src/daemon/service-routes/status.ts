// What the control socket's `status` shows of one service: the health
// service's own status, plus the routes, hold-downs, drain and load-driven
// MED ServiceRoutes keeps for it.

import type { RouteState } from '../../route-policy/reconcile.js';
import type { ServiceStatus } from '../../health/index.js';

/** One probe result as status shows it. */
export interface ProbeSummary {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly detail: string;
  /** The tail of a command's output or the head of an HTTP body, when the probe kept one. */
  readonly output?: string;
  readonly atMs: number;
}

/** One service in the control socket's `status` result. */
export interface ServiceRoutesServiceStatus extends ServiceStatus {
  readonly prefixes: readonly string[];
  readonly announced: readonly string[];
  /** Prefixes the service wants but the flap guard holds back, with the time (clock ms) they may return. */
  readonly held: readonly { readonly prefix: string; readonly until: number }[];
  readonly demoted: boolean;
  /** The last 10 probe results, oldest first. */
  readonly lastProbes: readonly ProbeSummary[];
  /** While draining: the clock time (ms) of the withdraw; otherwise null. */
  readonly draining: number | null;
  /** With med-from-load: the last reading and the MED it gave (null before the first); otherwise null. */
  readonly loadMed: { readonly load: number | null; readonly med: number | null } | null;
}

const LAST_PROBES = 10;

/** What status reads of one service. */
export interface StatusSource {
  readonly config: { readonly prefixes: readonly string[] };
  readonly health: { status(): ServiceStatus };
  readonly routes: RouteState;
  readonly demoted: boolean;
  readonly drain: { readonly until: number | undefined };
  readonly load: { readonly load: number | undefined; readonly med: number | undefined } | undefined;
}

export function serviceStatus(t: StatusSource): ServiceRoutesServiceStatus {
  const health = t.health.status();
  return {
    ...health,
    prefixes: t.config.prefixes,
    announced: [...t.routes.announced.keys()],
    held: [...t.routes.held].map(([prefix, until]) => ({ prefix, until })),
    demoted: t.demoted,
    lastProbes: health.results.slice(-LAST_PROBES).map((r) => ({
      ok: r.ok,
      durationMs: r.durationMs,
      timedOut: r.timedOut === true,
      detail: r.detail,
      ...(r.output !== undefined ? { output: r.output } : {}),
      atMs: r.at,
    })),
    draining: t.drain.until ?? null,
    loadMed: t.load ? { load: t.load.load ?? null, med: t.load.med ?? null } : null,
  };
}
