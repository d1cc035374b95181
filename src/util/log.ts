import pino, { type DestinationStream, type Logger } from 'pino';
import { textDestination } from './log-text.js';

export type { Logger };

export type LogFormat = 'json' | 'text';

/** FLOATD_LOG_FORMAT if set, else text for a terminal and JSON lines for everything else. */
export function logFormat(env: NodeJS.ProcessEnv = process.env, isTty = process.stdout.isTTY === true): LogFormat {
  const f = env['FLOATD_LOG_FORMAT'];
  if (f === 'json' || f === 'text') return f;
  if (f !== undefined && f !== '') throw new Error(`FLOATD_LOG_FORMAT=${f} is not a log format (expected json or text)`);
  return isTty ? 'text' : 'json';
}

/**
 * JSON lines on stdout (journald keeps them as they are), readable text lines
 * on a terminal; one child logger per peer and per service. Password fields
 * are censored wherever they appear.
 */
export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      name: 'floatd',
      level: opts.level ?? process.env.FLOATD_LOG_LEVEL ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', '*.password', '*.*.password'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination ?? (logFormat() === 'text' ? textDestination(1) : pino.destination({ fd: 1, sync: true })),
  );
}
