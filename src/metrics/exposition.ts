// The Prometheus text exposition format, version 0.0.4:
//
//   # HELP <name> <help, with \ and newline escaped>
//   # TYPE <name> counter|gauge|histogram
//   <name>{<label>="<value, with \ " and newline escaped>",...} <value>
//
// one family after another, each line ending in "\n". Values are Go-style
// floats: "+Inf", "-Inf", "NaN", else decimal or exponent notation.

import type { FamilySnapshot, Sample } from './registry.js';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export const escapeLabelValue = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function sampleLine(s: Sample): string {
  const labels = s.labels.length === 0 ? '' : `{${s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
  return `${s.name}${labels} ${formatValue(s.value)}\n`;
}

export function renderExposition(families: readonly FamilySnapshot[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += sampleLine(s);
  }
  return out;
}
