// Running iproute2's `ip`: without a shell, bounded in time, every failure an
// AddressError quoting the command line and the kernel's answer.

import { execFile } from 'node:child_process';
import { AddressError } from './errors.js';

export interface IpCommandOptions {
  /** The program; default `ip` from PATH. */
  readonly ip?: string;
  /** Work inside this network namespace (`ip -n NS ...`); the lab's tests use it. */
  readonly netns?: string;
  /** Kill a command after this long; default 10 s (ip waits for the RTNL lock, which a busy host holds for a while). */
  readonly timeoutMs?: number;
}

export const DEFAULT_IP_TIMEOUT_MS = 10_000;

/** The full argument list, with the namespace selector first. */
export const ipArgs = (opts: IpCommandOptions, args: readonly string[]): string[] => (opts.netns !== undefined ? ['-n', opts.netns, ...args] : [...args]);

/** Resolves with stdout; rejects with an AddressError. */
export function runIp(args: readonly string[], opts: IpCommandOptions = {}): Promise<string> {
  const program = opts.ip ?? 'ip';
  const argv = ipArgs(opts, args);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_IP_TIMEOUT_MS;
  const shown = `${program} ${argv.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(program, argv, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err === null) {
        resolve(stdout);
        return;
      }
      const said = String(stderr).trim().replace(/\s*\n\s*/g, '; ');
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (typeof e.code === 'string') {
        const hint = e.code === 'ENOENT' ? ' (is iproute2 installed?)' : '';
        reject(new AddressError(`${shown} could not run: ${e.code}${hint}`, 'not-run'));
      } else if (e.killed === true) {
        reject(new AddressError(`${shown} did not finish within ${timeoutMs} ms and was killed`, 'timeout', said));
      } else {
        const reason = /^Device ".*" does not exist/m.test(String(stderr)) ? 'no-such-interface' : 'failed';
        reject(new AddressError(`${shown} failed (exit ${String(e.code ?? '?')}): ${said || 'no message'}`, reason, said));
      }
    });
  });
}
