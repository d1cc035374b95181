// Figures from the client's records, relative to a scenario's event (the
// fault, or the repair). Pure: records in, numbers out.
//
// "Settled" is the scenario's promise: from some request on, every request
// succeeded and was answered by one of the target instances (the healthy
// ones, or the one traffic should move to). The recovery time is the time
// from the event to the first request of that final clean run.

import { succeeded } from './records.js';
import type { RequestRecord } from './records.js';

export interface TrafficSummary {
  /** Requests sent in the window. */
  readonly requests: number;
  readonly failed: number;
  /** Successful answers per instance. */
  readonly servedBy: Readonly<Record<string, number>>;
  /** Failures by kind: `500 from a`, `timeout`, `ECONNREFUSED`... */
  readonly failures: Readonly<Record<string, number>>;
  /** From the event to the first and the last failed request's send time, ms. */
  readonly firstFailureMs?: number;
  readonly lastFailureMs?: number;
}

function inWindow(records: readonly RequestRecord[], from: number, to: number): RequestRecord[] {
  return records.filter((r) => r.t >= from && r.t <= to);
}

export function failureKind(r: RequestRecord): string {
  if (r.err !== undefined) return r.err;
  return `${r.status ?? '?'} from ${r.by ?? '?'}`;
}

/** Counts over the requests sent in [from, to]; times are relative to `from`. */
export function summarize(records: readonly RequestRecord[], from: number, to: number): TrafficSummary {
  const servedBy: Record<string, number> = {};
  const failures: Record<string, number> = {};
  let failed = 0;
  let first: number | undefined;
  let last: number | undefined;
  const inside = inWindow(records, from, to);
  for (const r of inside) {
    if (succeeded(r)) {
      servedBy[r.by!] = (servedBy[r.by!] ?? 0) + 1;
      continue;
    }
    failed += 1;
    const k = failureKind(r);
    failures[k] = (failures[k] ?? 0) + 1;
    first ??= r.t - from;
    last = r.t - from;
  }
  return { requests: inside.length, failed, servedBy, failures, ...(first !== undefined ? { firstFailureMs: first } : {}), ...(last !== undefined ? { lastFailureMs: last } : {}) };
}

/**
 * Milliseconds from `from` to the first request after which every request
 * sent until `to` succeeded on one of `target`: 0 when that held from the
 * start, undefined when the last request in the window was still off target.
 */
export function settledAfter(records: readonly RequestRecord[], from: number, to: number, target: readonly string[]): number | undefined {
  const inside = inWindow(records, from, to);
  let lastOff = -1;
  inside.forEach((r, i) => {
    if (!succeeded(r) || !target.includes(r.by!)) lastOff = i;
  });
  if (lastOff === -1) return 0;
  const next = inside[lastOff + 1];
  return next === undefined ? undefined : next.t - from;
}

/**
 * True once the window [from, to] ends with at least `ms` of clean traffic
 * on `target` and holds at least `minRequests` requests in that stretch.
 */
export function settledFor(records: readonly RequestRecord[], from: number, to: number, target: readonly string[], ms: number, minRequests = 1): boolean {
  const after = settledAfter(records, from, to, target);
  if (after === undefined) return false;
  const start = from + after;
  const clean = inWindow(records, start, to);
  return clean.length >= minRequests && to - start >= ms;
}

/** Milliseconds from `from` to the first successful answer from `instance` in [from, to]. */
export function firstServedBy(records: readonly RequestRecord[], from: number, to: number, instance: string): number | undefined {
  const r = inWindow(records, from, to).find((x) => succeeded(x) && x.by === instance);
  return r === undefined ? undefined : r.t - from;
}

/** Each instance's share of the successful answers in [from, to], 0..1. */
export function shares(records: readonly RequestRecord[], from: number, to: number): Record<string, number> {
  const s = summarize(records, from, to);
  const total = Object.values(s.servedBy).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.servedBy)) out[k] = total === 0 ? 0 : v / total;
  return out;
}

/**
 * Failed requests that were cut by a change of the router's multipath
 * route: a connection reset while a FIB change happened during its life.
 * Hash-threshold ECMP moves some live flows to another next hop whenever
 * the set of next hops changes, and that host answers with a reset; the
 * announcing side cannot prevent it.
 */
export function rehashResets(records: readonly RequestRecord[], from: number, to: number, fibChanges: readonly number[], slackMs = 5): number {
  return inWindow(records, from, to).filter((r) => r.err === 'ECONNRESET' && fibChanges.some((c) => c >= r.t - slackMs && c <= r.t + r.ms + slackMs)).length;
}
