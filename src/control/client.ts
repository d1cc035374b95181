import net from 'node:net';
import type { Command, CommandArgs, Request, Response } from './protocol.js';

/** The daemon could not be reached, or did not answer in time, or answered nonsense. */
export class ControlError extends Error {
  readonly code = 'ERR_CONTROL';
  override readonly name = 'ControlError';
}

/** The daemon answered and said no ({"ok": false}). */
export class ControlRefusedError extends Error {
  readonly code = 'ERR_CONTROL_REFUSED';
  override readonly name = 'ControlRefusedError';
}

/** Commands whose arguments may all be left out. */
export type CommandWithoutArgs = { [C in Command]: Record<string, never> extends CommandArgs[C] ? C : never }[Command];

function unreachable(path: string, e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return `is floatd running? socket ${path}: no such file (ENOENT)`;
    case 'ECONNREFUSED':
      return `is floatd running? socket ${path}: nobody is listening (ECONNREFUSED)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on socket ${path} (${e.code}): run as root or as a member of the socket's group`;
    default:
      return `cannot reach floatd at ${path}: ${e.code ?? e.message}`;
  }
}

/** Sends one request to a running floatd; resolves with its result, rejects with ControlRefusedError when it says no. */
export function send(path: string, req: Request, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const c = net.connect(path);
    let buf = '';
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.destroy();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new ControlError(`no answer from floatd on ${path} within ${timeoutMs / 1000} s (the command may still complete)`))),
      timeoutMs,
    );
    c.setEncoding('utf8');
    c.on('connect', () => c.write(`${JSON.stringify(req)}\n`));
    c.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let res: Response;
      try {
        res = JSON.parse(buf.slice(0, nl)) as Response;
      } catch {
        finish(() => reject(new ControlError(`floatd on ${path} answered something that is not JSON`)));
        return;
      }
      finish(() => (res.ok ? resolve(res.result) : reject(new ControlRefusedError(res.error))));
    });
    c.on('close', () => finish(() => reject(new ControlError(`floatd on ${path} closed the connection without answering`))));
    c.on('error', (e: NodeJS.ErrnoException) => finish(() => reject(new ControlError(unreachable(path, e)))));
  });
}

/** Sends a command and its arguments. */
export function call<C extends Command>(path: string, command: C, args: CommandArgs[C], timeoutMs = 5000): Promise<unknown> {
  return send(path, { command, args } as Request, timeoutMs);
}

/** Sends a command that needs no arguments. */
export function request(path: string, command: CommandWithoutArgs, timeoutMs = 5000): Promise<unknown> {
  return send(path, { command, args: {} } as Request, timeoutMs);
}
