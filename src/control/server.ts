// The control socket: a Unix socket serving the daemon's views and a few
// commands, one JSON request per line (see protocol.ts).

import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { DaemonControl } from './daemon-control.js';
import type { Logger } from '../util/log.js';
import { CONNECTION_LIMITS, serveConnection, type ConnectionLimits } from './connection.js';
import { dispatch } from './dispatch.js';
import { resolveGroup } from './group.js';
import { parseRequest, type Command, type Response } from './protocol.js';

export interface ControlServerOptions {
  /** Permission bits of the socket; default 0660 (owner and group may connect). */
  readonly mode?: number;
  /** Group of the socket, by name (from /etc/group) or number; default: the daemon's own group. */
  readonly group?: string;
  /** Clients connected at once; more are refused by the kernel's accept queue handling. Default 64. */
  readonly maxConnections?: number;
  readonly limits?: ConnectionLimits;
}

/** The running server. close() disconnects every client, so an idle one cannot keep a stopping floatd alive. */
export interface ControlServer {
  close(): Promise<void>;
}

const MAX_CONNECTIONS = 64;
const DEFAULT_MODE = 0o660;
const CHANGING: ReadonlySet<Command> = new Set(['maintenance', 'drain', 'reload']);

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

/** Removes a socket left by a crash; anything else at the path is not ours to delete. */
function removeStale(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!isSocket) throw new Error(`control socket path ${path} exists and is not a socket; not replacing it`);
  unlinkSync(path);
}

/**
 * The socket's mode and group are set by path, which follows links: in a
 * directory others may write to, someone could swap the socket for a link
 * to a file of their choosing between bind and chmod. Refused, like a
 * directory that is not one.
 */
function socketDirectoryCheck(dir: string): void {
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`control socket directory ${dir} is not a directory`);
  if ((st.mode & 0o022) !== 0) {
    throw new Error(
      `control socket directory ${dir} is writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); ` +
        'use a directory only floatd can write to, such as /run/floatd (expected mode 0755 or stricter)',
    );
  }
}

function readGroupFile(): string {
  try {
    return readFileSync('/etc/group', 'utf8');
  } catch {
    return '';
  }
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function answer(line: string, control: DaemonControl, log: Logger): Promise<string> {
  const req = parseRequest(line);
  if ('error' in req) return JSON.stringify({ ok: false, error: req.error } satisfies Response);
  if (CHANGING.has(req.command)) log.info({ command: req.command, args: req.args }, `control: ${req.command} requested`);
  try {
    const result = await dispatch(control, req);
    return JSON.stringify({ ok: true, result: result ?? null } satisfies Response);
  } catch (e) {
    const error = errorMessage(e);
    log.warn({ command: req.command, err: error }, `control: ${req.command} failed: ${error}`);
    return JSON.stringify({ ok: false, error } satisfies Response);
  }
}

function listen(server: net.Server, path: string, mode: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // bind(2) happens inside listen(); the umask keeps the socket from being wider than `mode` even for an instant.
    const previous = isMainThread ? process.umask(~mode & 0o777) : undefined;
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
}

/**
 * Serves `control` on a Unix socket at `path` (mode 0660 by default, so the
 * socket's group can use the CLI). Refuses to start over a live socket; a
 * stale one left by a crash is replaced. The socket is removed on close.
 */
export async function startControlServer(path: string, control: DaemonControl, log: Logger, opts: ControlServerOptions = {}): Promise<ControlServer> {
  const mode = opts.mode ?? DEFAULT_MODE;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) throw new Error(`control socket mode ${String(mode)} is not a permission mode (0 to 0777)`);
  const gid = opts.group === undefined ? undefined : resolveGroup(opts.group, readGroupFile());
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  socketDirectoryCheck(dirname(path));
  if (await inUse(path)) throw new Error(`control socket ${path} is in use: is another floatd running?`);
  removeStale(path);
  const clients = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (conn) => {
    clients.add(conn);
    conn.on('close', () => clients.delete(conn));
    serveConnection(conn, (line) => answer(line, control, log), log, opts.limits ?? CONNECTION_LIMITS);
  });
  server.maxConnections = opts.maxConnections ?? MAX_CONNECTIONS;
  await listen(server, path, mode);
  server.on('close', () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  });
  try {
    chmodSync(path, mode);
    if (gid !== undefined) chownSync(path, -1, gid);
  } catch (e) {
    server.close();
    const who = opts.group === undefined ? '' : ` to group ${opts.group} (gid ${String(gid)})`;
    throw new Error(`cannot give control socket ${path} mode ${mode.toString(8).padStart(4, '0')}${who}: ${errorMessage(e)}`);
  }
  log.info({ path, mode: mode.toString(8).padStart(4, '0'), ...(gid !== undefined ? { gid } : {}) }, `control socket at ${path}`);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of clients) c.destroy();
      }),
  };
}
