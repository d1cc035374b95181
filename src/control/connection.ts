// One control-socket client. Requests are answered in order, one at a time,
// with a turn of the event loop between two answers, so a client that
// pipelines many requests in one write cannot hold BGP sessions' timers and
// the health checks back. Reading pauses while a request is handled and while
// the client is not reading its answers (back-pressure); a client that queues
// too much, or sits idle, is disconnected.

import type net from 'node:net';
import type { Logger } from '../util/log.js';
import type { Response } from './protocol.js';

export interface ConnectionLimits {
  /** Bytes in one request line. */
  readonly maxRequestBytes: number;
  /** Complete requests waiting for their turn on one connection. */
  readonly maxQueued: number;
  /** A connection with no request under way closes after this long without a byte, ms. */
  readonly idleMs: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = { maxRequestBytes: 4096, maxQueued: 64, idleMs: 60_000 };

const countLines = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves once the socket has room again (or is gone). */
const drained = (conn: net.Socket): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      conn.off('drain', done);
      conn.off('close', done);
      resolve();
    };
    conn.on('drain', done);
    conn.on('close', done);
  });

export function serveConnection(conn: net.Socket, answer: (line: string) => Promise<string>, log: Logger, limits: ConnectionLimits = CONNECTION_LIMITS): void {
  let buf = '';
  let queued = 0;
  let busy = false;
  let ended = false;
  let done = false;
  conn.setEncoding('utf8');
  conn.on('error', () => undefined);
  conn.setTimeout(limits.idleMs);
  conn.on('timeout', () => {
    // A long drain is a request under way, not idleness.
    if (!busy) conn.destroy();
  });

  const refuse = (error: string): void => {
    done = true;
    log.warn({ error }, `control: a client was disconnected: ${error}`);
    conn.write(`${JSON.stringify({ ok: false, error } satisfies Response)}\n`);
    conn.destroySoon();
  };

  const pump = async (): Promise<void> => {
    if (busy || done) return;
    busy = true;
    conn.pause();
    for (let first = true; ; first = false) {
      const nl = buf.indexOf('\n');
      let line: string;
      if (nl >= 0) {
        line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        queued--;
      } else if (ended && buf.trim() !== '') {
        // A client that half-closes after its last request need not end it with a newline.
        line = buf;
        buf = '';
      } else break;
      if (line.length > limits.maxRequestBytes) return refuse(`request too long (more than ${limits.maxRequestBytes} bytes)`);
      if (line.trim() === '') continue;
      if (!first) await nextTurn();
      const res = await answer(line);
      if (conn.destroyed) return;
      if (!conn.write(`${res}\n`)) await drained(conn);
      if (conn.destroyed) return;
    }
    busy = false;
    if (buf.length > limits.maxRequestBytes) return refuse(`request too long (more than ${limits.maxRequestBytes} bytes)`);
    if (ended) conn.end();
    else conn.resume();
  };

  conn.on('data', (chunk: string) => {
    if (done) return;
    buf += chunk;
    queued += countLines(chunk);
    if (queued > limits.maxQueued) return refuse(`more than ${limits.maxQueued} requests waiting on one connection (read the answers before sending more)`);
    void pump();
  });
  conn.on('end', () => {
    ended = true;
    void pump();
  });
}
