// The failover comparison as an SVG chart, written by hand: one row per
// scenario, one horizontal bar per contender in two panels (recovery time
// and failed requests), the value printed at the end of each bar. Pure.

import type { ScenarioResult } from './scenario-types.js';

export interface ChartOptions {
  readonly title: string;
  /** Lines under the title. */
  readonly subtitle?: readonly string[];
  /** Contenders in bar order, with their legend text. */
  readonly contenders: readonly { readonly id: string; readonly label: string }[];
  /** Scenarios in row order: id and title. */
  readonly scenarios: readonly { readonly id: string; readonly title: string; readonly hasRecovery: boolean }[];
  /** How long a scenario waited for its outcome: labels a recovery that never came. */
  readonly capMs?: number;
}

const COLORS = ['#1b7f5f', '#c05a1f', '#e3a33b', '#4a6fb5', '#8a4fa8'];
const WIDTH = 1000;
const LABEL_W = 270;
const PANEL_GAP = 40;
const PANEL_W = (WIDTH - LABEL_W - PANEL_GAP - 20) / 2;
const BAR_H = 11;
const BAR_GAP = 2;
const ROW_GAP = 12;
const HEAD = 92;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round upper bound for an axis (1, 2, 2.5 or 5 times a power of ten) at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function fmtSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

interface Cell {
  readonly value?: number;
  readonly label: string;
}

function recoveryCell(r: ScenarioResult | undefined, capMs: number | undefined): Cell {
  if (r === undefined) return { label: 'not run' };
  if (r.status === 'n/a') return { label: 'n/a' };
  if (r.status === 'error') return { label: 'error' };
  if (r.recoveryMs === undefined) return { label: capMs === undefined ? 'not reached' : `not reached in ${capMs / 1000} s` };
  return { value: r.recoveryMs / 1000, label: fmtSeconds(r.recoveryMs) };
}

function failedCell(r: ScenarioResult | undefined): Cell {
  if (r === undefined) return { label: 'not run' };
  if (r.status === 'n/a') return { label: 'n/a' };
  if (r.status === 'error') return { label: 'error' };
  return { value: r.failed, label: String(r.failed) };
}

export function failoverChart(results: readonly ScenarioResult[], o: ChartOptions): string {
  const find = (s: string, c: string) => results.find((r) => r.scenario === s && r.contender === c);
  const n = o.contenders.length;
  const extra = Math.max(0, (o.subtitle?.length ?? 0) - 1) * 16;
  const TOP = HEAD + extra;
  const rowH = n * (BAR_H + BAR_GAP) + ROW_GAP;
  const height = TOP + o.scenarios.length * rowH + 40;
  const cells = o.scenarios.map((s) => ({
    s,
    recovery: o.contenders.map((c) => (s.hasRecovery ? recoveryCell(find(s.id, c.id), o.capMs) : { label: '' })),
    failed: o.contenders.map((c) => failedCell(find(s.id, c.id))),
  }));
  const maxRec = niceMax(Math.max(0, ...cells.flatMap((c) => c.recovery.map((x) => x.value ?? 0))));
  const maxFail = niceMax(Math.max(0, ...cells.flatMap((c) => c.failed.map((x) => x.value ?? 0))));
  const x0 = [LABEL_W, LABEL_W + PANEL_W + PANEL_GAP];
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="bold">${escapeXml(o.title)}</text>`,
  );
  (o.subtitle ?? []).forEach((line, i) => out.push(`<text x="16" y="${45 + i * 16}" fill="#555">${escapeXml(line)}</text>`));
  o.contenders.forEach((c, i) => {
    const x = 16 + i * 250;
    out.push(`<rect x="${x}" y="${56 + extra}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`, `<text x="${x + 18}" y="${66 + extra}">${escapeXml(c.label)}</text>`);
  });
  const panels = [
    { title: 'recovery time (s)', max: maxRec },
    { title: 'failed requests', max: maxFail },
  ];
  panels.forEach((p, k) => {
    const left = x0[k]!;
    out.push(`<text x="${left}" y="${TOP - 8}" font-weight="bold">${escapeXml(p.title)}</text>`);
    for (let i = 0; i <= 5; i++) {
      const v = (p.max * i) / 5;
      const x = left + (PANEL_W * i) / 5;
      out.push(
        `<line x1="${x.toFixed(1)}" y1="${TOP}" x2="${x.toFixed(1)}" y2="${height - 30}" stroke="#e4e4e4"/>`,
        `<text x="${x.toFixed(1)}" y="${height - 16}" text-anchor="middle" fill="#555">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
      );
    }
  });
  cells.forEach((row, j) => {
    const y = TOP + j * rowH + 4;
    const mid = y + (n * (BAR_H + BAR_GAP)) / 2 + 4;
    out.push(`<text x="${LABEL_W - 10}" y="${mid.toFixed(1)}" text-anchor="end">${escapeXml(row.s.title)}</text>`);
    if (j > 0) out.push(`<line x1="16" y1="${y - ROW_GAP / 2 - 2}" x2="${WIDTH - 16}" y2="${y - ROW_GAP / 2 - 2}" stroke="#f0f0f0"/>`);
    [row.recovery, row.failed].forEach((list, k) => {
      const left = x0[k]!;
      const max = panels[k]!.max;
      list.forEach((cell, i) => {
        const by = y + i * (BAR_H + BAR_GAP);
        const w = cell.value === undefined ? 0 : Math.max(cell.value > 0 ? 1.5 : 0, (PANEL_W * cell.value) / max);
        if (w > 0) out.push(`<rect x="${left}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[i % COLORS.length]}"/>`);
        if (cell.label !== '') {
          out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${by + BAR_H - 2}" font-size="10" fill="${cell.value === undefined ? '#999' : '#222'}">${escapeXml(cell.label)}</text>`);
        }
      });
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
