// Scenario results as text: a terminal table and a Markdown table. Pure.

import type { ScenarioResult } from './scenario-types.js';

export function seconds(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The outcome column: ok, or what went wrong, or why the row does not apply. */
export function outcomeText(r: ScenarioResult): string {
  switch (r.status) {
    case 'ok':
      return r.detail ?? 'ok';
    case 'n/a':
      return `n/a: ${r.note ?? ''}`;
    case 'error':
      return `error: ${r.note ?? ''}`;
    case 'unexpected':
      return [...r.problems, ...(r.detail !== undefined ? [r.detail] : [])].join('; ');
  }
}

function recoveryText(r: ScenarioResult): string {
  if (r.status === 'n/a' || r.status === 'error') return '–';
  return seconds(r.recoveryMs);
}

function failedText(r: ScenarioResult): string {
  if (r.status === 'n/a' || r.status === 'error') return '–';
  return r.rehashResets > 0 ? `${r.failed} (${r.rehashResets} rehash)` : String(r.failed);
}

const COLUMNS = ['scenario', 'contender', 'failed', 'last failure', 'recovery', 'outcome'] as const;

function rowCells(r: ScenarioResult): string[] {
  return [r.title, r.contenderLabel, failedText(r), r.status === 'ok' || r.status === 'unexpected' ? seconds(r.lastFailureMs) : '–', recoveryText(r), outcomeText(r)];
}

/** Fixed-width columns for a terminal; the outcome column runs on. */
export function textTable(results: readonly ScenarioResult[]): string {
  const rows = results.map(rowCells);
  const widths = COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? 0 : Math.max(c.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const out = [line(COLUMNS), line(widths.map((w, i) => '-'.repeat(i === COLUMNS.length - 1 ? 7 : w)))];
  let last = '';
  for (const [i, r] of rows.entries()) {
    const title = results[i]!.title;
    out.push(line([title === last ? '' : r[0]!, ...r.slice(1)]));
    last = title;
  }
  return out.join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|');

/** One Markdown row per scenario and contender. */
export function markdownTable(results: readonly ScenarioResult[]): string {
  const out = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map((_, i) => (i >= 2 && i <= 4 ? '---:' : '---')).join('|')}|`];
  let last = '';
  for (const r of results) {
    const cells = rowCells(r).map(md);
    if (r.title === last) cells[0] = '';
    else cells[0] = `**${cells[0]}**`;
    last = r.title;
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

/** Median of the numbers, undefined for none. */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Several runs of one scenario and contender folded into one row: the
 * median failed count and recovery, the worst status, problems and details
 * of every run.
 */
export function combineRuns(runs: readonly ScenarioResult[]): ScenarioResult {
  const first = runs[0];
  if (first === undefined) throw new RangeError('no runs to combine');
  if (runs.length === 1) return first;
  const rank = { ok: 0, 'n/a': 1, unexpected: 2, error: 3 } as const;
  const { recoveryMs: _r, lastFailureMs: _l, detail: _d, ...worst } = runs.reduce((w, r) => (rank[r.status] > rank[w.status] ? r : w), first);
  const measured = runs.filter((r) => r.status === 'ok' || r.status === 'unexpected');
  const failed = median(measured.map((r) => r.failed));
  const recovery = median(measured.map((r) => r.recoveryMs).filter((x): x is number => x !== undefined));
  const lastFailure = median(measured.map((r) => r.lastFailureMs).filter((x): x is number => x !== undefined));
  const details = [...new Set(runs.map((r) => r.detail).filter((d): d is string => d !== undefined))];
  return {
    ...worst,
    requests: median(measured.map((r) => r.requests)) ?? 0,
    failed: failed === undefined ? 0 : Math.round(failed),
    rehashResets: Math.round(median(measured.map((r) => r.rehashResets)) ?? 0),
    ...(recovery !== undefined ? { recoveryMs: recovery } : {}),
    ...(lastFailure !== undefined ? { lastFailureMs: lastFailure } : {}),
    ...(details.length > 0 ? { detail: `${runs.length} runs (median shown): ${details.join(' | ')}` } : { detail: `${runs.length} runs (median shown)` }),
    problems: [...new Set(runs.flatMap((r) => r.problems))],
  };
}
