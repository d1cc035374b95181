// A pino logger whose lines a test can read back.

import { pino, type Logger } from 'pino';

export interface CapturedLog {
  readonly log: Logger;
  /** Each line's msg, in order. */
  readonly lines: string[];
  /** Each line as logged. */
  readonly records: Record<string, unknown>[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    {
      write(s: string) {
        const r = JSON.parse(s) as Record<string, unknown>;
        records.push(r);
        lines.push(String(r.msg));
      },
    },
  );
  return { log, lines, records };
}
