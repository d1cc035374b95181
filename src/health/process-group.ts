// Runs a command as the leader of its own process group, so that at a time
// limit (the signal aborting) the command and everything it started are
// killed together with SIGKILL to -pgid. When the leader exits, whatever it
// left running in its group is killed too: a check or hook must not leave
// processes behind, and a leftover holding the output pipe would otherwise
// keep the run open until its limit. (A child that calls setsid escapes.)

import { spawn, type ChildProcess } from 'node:child_process';
import { stopwatch, errorText } from './probe-result.js';
import { TailBuffer } from './tail-buffer.js';

export interface CommandLine {
  readonly file: string;
  readonly args: readonly string[];
  /** Added to the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export interface CommandRun {
  /** Exit code, or null when a signal ended it or it never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Last bytes of stdout and stderr, interleaved as they arrived. */
  readonly output: string;
  /** The abort signal fired before the command finished; the group was killed. */
  readonly aborted: boolean;
  /** Set when the command could not be started (e.g. ENOENT). */
  readonly spawnError?: string;
  readonly pid?: number;
  readonly durationMs: number;
}

/** The argv for a shell command line. */
export const shellCommand = (command: string): { file: string; args: string[] } => ({
  file: '/bin/sh',
  args: ['-c', command],
});

export function runInGroup(cmd: CommandLine, signal: AbortSignal, tailBytes: number): Promise<CommandRun> {
  const elapsed = stopwatch();
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve({ code: null, signal: null, output: '', aborted: true, durationMs: elapsed() });
      return;
    }
    const tail = new TailBuffer(tailBytes);
    let child: ChildProcess;
    try {
      child = spawn(cmd.file, [...cmd.args], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: cmd.env ? { ...process.env, ...cmd.env } : process.env,
        ...(cmd.cwd !== undefined ? { cwd: cmd.cwd } : {}),
      });
    } catch (err) {
      resolve({ code: null, signal: null, output: '', aborted: false, spawnError: errorText(err), durationMs: elapsed() });
      return;
    }
    const pid = child.pid;
    let aborted = false;
    let spawnError: string | undefined;
    let settled = false;

    const killGroup = (): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already empty.
      }
    };
    const onAbort = (): void => {
      aborted = true;
      killGroup();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (c: Buffer) => tail.push(c));
    child.stderr?.on('data', (c: Buffer) => tail.push(c));
    child.on('exit', killGroup);
    child.on('error', (err) => {
      spawnError = errorText(err);
      // A failed spawn emits no 'close' on every Node version; settle here too.
      if (pid === undefined) finish(null, null);
    });
    child.on('close', (code, sig) => finish(code, sig));

    function finish(code: number | null, sig: NodeJS.Signals | null): void {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve({
        code,
        signal: sig,
        output: tail.text(),
        aborted,
        ...(spawnError !== undefined ? { spawnError } : {}),
        ...(pid !== undefined ? { pid } : {}),
        durationMs: elapsed(),
      });
    }
  });
}

/** One line saying how a run ended. */
export function describeRun(run: CommandRun): string {
  if (run.spawnError !== undefined) return `could not start: ${run.spawnError}`;
  if (run.aborted) return `killed at the time limit after ${run.durationMs.toFixed(0)} ms`;
  if (run.signal) return `ended by ${run.signal}`;
  return `exit ${run.code ?? '?'}`;
}
