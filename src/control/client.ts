import net from 'node:net';
import type { Command, Response } from './protocol.js';

export class ControlError extends Error {
  readonly code = 'ERR_CONTROL';
  override readonly name = 'ControlError';
}

/** Sends one command to a running floatd and returns its result. */
export function request(path: string, command: Command, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const c = net.connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      c.destroy();
      reject(new ControlError(`no answer on ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    c.setEncoding('utf8');
    c.on('connect', () => c.write(`${JSON.stringify({ command })}\n`));
    c.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      c.end();
      const res = JSON.parse(buf.slice(0, nl)) as Response;
      if (res.ok) resolve(res.result);
      else reject(new ControlError(res.error));
    });
    c.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? ' (is floatd running? see --socket / control-socket)' : '';
      reject(new ControlError(`cannot reach floatd at ${path}: ${e.code ?? e.message}${hint}`));
    });
  });
}
