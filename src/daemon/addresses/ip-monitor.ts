// `ip -o monitor link address`: one line per link or address event on any
// interface (iproute2 6.1), e.g.
//   "2: va@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 ... state DOWN ..."
//   "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ..."
//   "1: lo    inet 192.0.2.10/32 scope global lo:web\       valid_lft ..."
//   "Deleted 1: lo    inet 192.0.2.10/32 ..."
// Link events matter because taking a link down or losing carrier leaves its
// addresses in place: only a link line reports it. The lines only say "look
// again": the watcher re-reads the interface with `ip -j addr show`
// (iproute2 6.1 ignores -j for monitor). No `dev` filter: ip resolves it to
// an index once, which goes stale if the interface is re-created; lines are
// filtered by name here instead.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ipArgs, type IpCommandOptions } from './ip-command.js';

/** A running monitor; stop() ends it by PID. */
export interface MonitorHandle {
  readonly pid: number | undefined;
  stop(): void;
}

/** Starts a monitor; `onExit` is called once if it ends by itself or cannot start. */
export type StartMonitor = (onLine: (line: string) => void, onExit: (why: string) => void) => MonitorHandle;

/** The interface a monitor line is about, or undefined when the line has another shape. */
export function monitorLineInterface(line: string): string | undefined {
  // Link lines end the name with ":" (Linux names never hold one) or "@peer:".
  return /^(?:Deleted\s+)?\d+:\s+([^\s@:]+)/.exec(line)?.[1];
}

export function ipMonitor(opts: IpCommandOptions = {}): StartMonitor {
  return (onLine, onExit) => {
    const child = spawn(opts.ip ?? 'ip', ipArgs(opts, ['-o', 'monitor', 'link', 'address']), { stdio: ['ignore', 'pipe', 'pipe'] });
    let ended = false;
    let stderr = '';
    const end = (why: string): void => {
      if (ended) return;
      ended = true;
      onExit(why);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr = (stderr + s).slice(-400);
    });
    child.on('error', (err) => end(`ip monitor could not run: ${err.message}`));
    child.on('exit', (code, signal) => {
      const said = stderr.trim().replace(/\s*\n\s*/g, '; ');
      end(`ip monitor exited (${signal ?? `code ${String(code)}`})${said ? `: ${said}` : ''}`);
    });
    return {
      pid: child.pid,
      stop() {
        ended = true;
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(child.pid, 'SIGTERM');
          } catch {
            return;
          }
        }
      },
    };
  };
}
