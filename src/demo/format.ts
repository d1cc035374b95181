// What the demo prints, pure: timeline lines, traffic bars, route changes as
// a person would describe them, and the summary table.

import { formatCommunity } from '../bgp/codec/attributes/communities.js';
import type { Decision, DecisionStep, RoutePath } from '../routeserver/index.js';
import type { RouteChange } from '../routeserver/route-server.js';
import { seconds } from './checks.js';
import { shareOf, type WindowStats } from './traffic.js';

/** "  12.34s" : demo time, right-aligned. */
export const stamp = (ms: number): string => `${(ms / 1000).toFixed(2)}s`.padStart(8);

/** One timeline line: time, who speaks, what happened. */
export const line = (ms: number, who: string, text: string): string => `${stamp(ms)}  ${who.padEnd(7)}  ${text}`;

/** "inst-1 ######....  62%": a bar per instance, then the rate and failures. */
export function trafficLine(s: WindowStats, instances: readonly string[], perSecond: number, width = 10): string {
  const bars = instances.map((i) => {
    const share = shareOf(s, i);
    const filled = Math.round(share * width);
    return `${i} ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${`${Math.round(share * 100)}%`.padStart(4)}`;
  });
  const why = [...s.failures].map(([k, n]) => `${n} ${k}`).join(', ');
  return `${bars.join('  ')}  | ${Math.round(perSecond)} req/s, ${s.failed === 0 ? 'none failed' : `${s.failed} failed (${why})`}`;
}

const STEP_TEXT: Record<DecisionStep, string> = {
  'local-pref': 'LOCAL_PREF',
  community: 'community preference',
  'as-path': 'AS_PATH length',
  origin: 'ORIGIN',
  med: 'MED',
  ebgp: 'eBGP over iBGP',
};

/** "AS path 65001 65001, MED 10, communities 65000:1 graceful-shutdown". */
export function describeRoute(r: RoutePath): string {
  const a = r.attributes;
  const parts = [`AS path ${(a.asPath ?? []).flatMap((s) => s.asns).join(' ') || '(empty)'}`];
  if (a.med !== undefined) parts.push(`MED ${a.med}`);
  if (a.communities && a.communities.length > 0) parts.push(`communities ${a.communities.map(formatCommunity).join(' ')}`);
  return parts.join(', ');
}

/** "best inst-2 (inst-1 lost on LOCAL_PREF, inst-3 on community preference)", "ECMP over inst-1, inst-2", "no route". */
export function describeDecision(d: Decision<RoutePath> | undefined, nameOf: (address: string) => string): string {
  if (!d) return 'no route left';
  const names = d.paths.map((p) => nameOf(p.peerAddress));
  const head = names.length > 1 ? `ECMP over ${names.join(', ')}` : `best ${names[0]}`;
  const lost = d.steps.map((s, i) => `${s.removed.map((r) => nameOf(r.peerAddress)).join(', ')} ${i === 0 ? 'lost on ' : 'on '}${STEP_TEXT[s.step]}`);
  return lost.length > 0 ? `${head} (${lost.join('; ')})` : head;
}

/** One route change at the router, as a sentence. */
export function describeChange(c: RouteChange, nameOf: (address: string) => string): string {
  const who = nameOf(c.peer);
  let what: string;
  if (!c.route) what = c.change === 'down' ? `${who}'s session ended: its route is gone` : `${who} withdrew ${c.prefix}`;
  else if (!c.before) what = `${who} announces ${c.prefix} (${describeRoute(c.route)})`;
  else what = `${who} re-announces ${c.prefix} (${describeRoute(c.route)})`;
  return c.bestChanged ? `${what} -> ${describeDecision(c.decision, nameOf)}` : what;
}

export interface ScenarioResult {
  readonly name: string;
  readonly requests: number;
  readonly failed: number;
  /** How long clients were affected (or how long traffic took to move); absent when it does not apply. */
  readonly recoveryMs?: number;
  readonly pass: boolean;
  /** The measurement worth remembering, or why it failed. */
  readonly detail: string;
}

/** The closing table. */
export function summaryTable(results: readonly ScenarioResult[]): string {
  const rows = [
    ['scenario', 'requests', 'failed', 'recovery', 'result', 'detail'],
    ...results.map((r) => [r.name, String(r.requests), String(r.failed), r.recoveryMs === undefined ? '-' : seconds(r.recoveryMs), r.pass ? 'pass' : 'FAIL', r.detail]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const numeric = new Set([1, 2, 3]);
  const fmt = (row: string[]): string =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : numeric.has(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(rows[0]!), rule, ...rows.slice(1).map(fmt)].join('\n');
}
