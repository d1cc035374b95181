// Small text helpers shared by the CLI's formatters.

/** Left-aligned columns two spaces apart; trailing spaces trimmed. */
export function table(rows: readonly (readonly string[])[], indent = ''): string {
  if (rows.length === 0) return '';
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => indent + r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** Seconds as HH:MM:SS (hours grow past 99); "-" when unknown. */
export function hms(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Milliseconds with one decimal: "12.3 ms". */
export const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** "1 check", "2 checks". */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Label/value lines with the values aligned; an empty label continues the line above. */
export function fields(rows: readonly (readonly [string, string])[], indent = '  ', minWidth = 0): string {
  const width = Math.max(minWidth, ...rows.map(([k]) => k.length + 1));
  return rows.map(([k, v]) => `${indent}${(k === '' ? '' : `${k}:`).padEnd(width)}  ${v}`.trimEnd()).join('\n');
}
