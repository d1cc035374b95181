// Runs a command as the leader of its own process group and, where floatd
// can have one, in a cgroup v2 of its own (./check-cgroup.ts), so that at a
// time limit (the signal aborting) the command and everything it started are
// killed together. When the leader exits, whatever it left running is killed
// too: a check or hook must not leave processes behind. A process that calls
// setsid leaves the group but not the cgroup; without a cgroup floatd finds
// it through /proc or adopts it as child subreaper (see native/spawn.c).
//
// The command gets no capabilities (unless floatd runs as root), no
// descriptor above 2, and floatd's environment, from which the variables
// holding BGP passwords were removed when the config was read.
//
// The work happens in the floatd_spawn addon (native/spawn.c), on a thread of
// its own: starting a process from the event loop's thread (Node's spawn
// forks there) stalled timers, sockets and WITHDRAWs for milliseconds per
// check.

import { constants } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from '../util/addon-path.js';
import { stopwatch } from './probe-result.js';
import { checkCgroupBase } from './check-cgroup.js';

/** How a command's processes are held together: a cgroup of its own, or only its process group. */
export type Containment = 'cgroup' | 'process-group';

export interface RunOptions {
  /** Default: a cgroup where floatd can have one. */
  readonly containment?: Containment;
}

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
  /** Where the command ran; absent when it never started. */
  readonly contained?: Containment;
}

/** The argv for a shell command line. */
export const shellCommand = (command: string): { file: string; args: string[] } => ({
  file: '/bin/sh',
  args: ['-c', command],
});

interface NativeResult {
  readonly pid: number;
  readonly code: number;
  readonly signal: number;
  readonly output: Buffer;
  readonly aborted: boolean;
  readonly durationMs: number;
  readonly spawnError?: string;
  readonly spawnCode?: string;
  readonly contained: Containment;
}

interface SpawnAddon {
  run(file: string, args: readonly string[], env: readonly string[], cwd: string | null, tailBytes: number, cgroupBase: string | null, done: (r: NativeResult) => void): object;
  abort(handle: object): void;
}

export const SPAWN_ADDON_FILE = 'floatd_spawn.node';

/** Loads the addon at `path`; throws a clear error when it is not there or not loadable. */
export function loadSpawnAddon(path: string): SpawnAddon {
  try {
    return createRequire(import.meta.url)(path) as SpawnAddon;
  } catch (e) {
    throw new Error(
      `checks and hooks that run commands need the native addon ${path}, which could not be loaded (${(e as Error).message.split('\n')[0] ?? ''}). ` +
        'It is built by `npm install` (node-gyp, which needs g++, python3 and make); after installing those, run `npm rebuild` in the floatd package.',
    );
  }
}

let addon: SpawnAddon | undefined;
let loadError: Error | undefined;

/** floatd's own addon (build/Release), loaded once; throws the load error every time when it is missing. */
export function spawnAddon(): SpawnAddon {
  if (addon) return addon;
  if (!loadError) {
    try {
      addon = loadSpawnAddon(addonPath(SPAWN_ADDON_FILE, dirname(fileURLToPath(import.meta.url))));
      return addon;
    } catch (e) {
      loadError = e as Error;
    }
  }
  throw loadError;
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

function environment(extra: Readonly<Record<string, string>> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(extra ? { ...process.env, ...extra } : process.env)) if (v !== undefined) out.push(`${k}=${v}`);
  return out;
}

export function runInGroup(cmd: CommandLine, signal: AbortSignal, tailBytes: number, opts: RunOptions = {}): Promise<CommandRun> {
  const elapsed = stopwatch();
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve({ code: null, signal: null, output: '', aborted: true, durationMs: elapsed() });
      return;
    }
    let native: SpawnAddon;
    try {
      native = spawnAddon();
    } catch (e) {
      resolve({ code: null, signal: null, output: '', aborted: false, spawnError: (e as Error).message, durationMs: elapsed() });
      return;
    }
    let handle: object | undefined;
    const onAbort = (): void => {
      if (handle) native.abort(handle);
    };
    const done = (r: NativeResult): void => {
      signal.removeEventListener('abort', onAbort);
      if (r.spawnError !== undefined) {
        const code = r.spawnCode ? `${r.spawnCode}: ` : '';
        resolve({ code: null, signal: null, output: '', aborted: false, spawnError: `${cmd.file}: ${code}${r.spawnError}`, durationMs: elapsed() });
        return;
      }
      resolve({
        code: r.code >= 0 ? r.code : null,
        signal: r.code < 0 ? (SIGNAL_NAMES.get(r.signal) ?? null) : null,
        output: r.output.toString('utf8'),
        aborted: r.aborted,
        pid: r.pid,
        durationMs: Math.round(r.durationMs * 1000) / 1000,
        contained: r.contained,
      });
    };
    try {
      const cgroupBase = opts.containment === 'process-group' ? undefined : checkCgroupBase();
      handle = native.run(cmd.file, cmd.args, environment(cmd.env), cmd.cwd ?? null, Math.max(0, Math.floor(tailBytes)), cgroupBase ?? null, done);
    } catch (e) {
      resolve({ code: null, signal: null, output: '', aborted: false, spawnError: `${cmd.file}: ${(e as Error).message}`, durationMs: elapsed() });
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** One line saying how a run ended. */
export function describeRun(run: CommandRun): string {
  if (run.spawnError !== undefined) return `could not start: ${run.spawnError}`;
  if (run.aborted) return `killed at the time limit after ${run.durationMs.toFixed(0)} ms`;
  if (run.signal) return `ended by ${run.signal}`;
  return `exit ${run.code ?? '?'}`;
}
