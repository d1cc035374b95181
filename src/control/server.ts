import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from '../util/log.js';
import { parseRequest, type Command, type Response } from './protocol.js';

export type ControlHandlers = Record<Command, () => unknown>;

const MAX_REQUEST = 4096;

/** True if something answers on the socket path (another floatd). */
function inUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Serves read-only views of the daemon on a Unix socket (mode 0660, so the
 * owner's group can use the CLI). Refuses to start over a live socket; a
 * stale one left by a crash is replaced.
 */
export async function startControlServer(path: string, handlers: ControlHandlers, log: Logger, mode = 0o660): Promise<net.Server> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (await inUse(path)) throw new Error(`control socket ${path} is in use: is another floatd running?`);
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const server = net.createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => undefined);
    conn.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST) {
        conn.end(`${JSON.stringify({ ok: false, error: 'request too long' } satisfies Response)}\n`);
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const req = parseRequest(line);
        let res: Response;
        if ('error' in req) res = { ok: false, error: req.error };
        else {
          try {
            res = { ok: true, result: handlers[req.command]() };
          } catch (e) {
            log.error({ err: String(e) }, `control command ${req.command} failed`);
            res = { ok: false, error: `internal error: ${(e as Error).message}` };
          }
        }
        conn.write(`${JSON.stringify(res)}\n`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, mode);
  server.on('close', () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  });
  return server;
}
