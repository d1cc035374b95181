// Log lines for a person at a terminal: the JSON line pino wrote, as
// "TIME LEVEL [context] message key=value ...". journald and log shippers
// get the JSON lines unchanged; this is only chosen for a terminal.

import { writeSync } from 'node:fs';
import { escapeControls, quoteText } from './terminal-text.js';

/** Keys shown up front as context, in this order. */
const CONTEXT = ['peer', 'service'] as const;
/** Keys every line has, shown in their own places or not at all. */
const HIDDEN = new Set(['time', 'level', 'msg', 'name', 'pid', 'hostname', ...CONTEXT]);

const value = (v: unknown): string => {
  // Printable ASCII without '"' and '=' stands bare; anything else (spaces, peers' text with controls) is quoted.
  if (typeof v === 'string') return /^[!#-<>-~]+$/.test(v) ? v : quoteText(v);
  return escapeControls(JSON.stringify(v) ?? String(v));
};

/** One JSON log line as text; a line that is not a JSON object comes back as it was. */
export function formatLogLine(line: string): string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return line;
  const r = o as Record<string, unknown>;
  const time = typeof r['time'] === 'string' ? r['time'].replace(/^\d{4}-\d\d-\d\dT/, '').replace(/Z$/, '') : '';
  const level = String(r['level'] ?? '').toUpperCase().padEnd(5);
  const context = CONTEXT.filter((k) => r[k] !== undefined).map((k) => `[${escapeControls(String(r[k]))}]`);
  const rest = Object.entries(r)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${value(v)}`);
  return [time, level, ...context, escapeControls(String(r['msg'] ?? '')), ...rest].filter((s) => s !== '').join(' ');
}

/** A pino destination writing text lines to a file descriptor, synchronously like the JSON one. */
export function textDestination(fd: number): { write(chunk: string): boolean } {
  return {
    write(chunk: string): boolean {
      const out = chunk
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => `${formatLogLine(l)}\n`)
        .join('');
      writeSync(fd, out);
      return true;
    },
  };
}
