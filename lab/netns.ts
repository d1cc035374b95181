// The network-namespace lab: private namespaces joined by veth pairs, and the
// processes started inside them, all owned by one Lab that stops every
// process by PID and deletes every namespace it made, even when a test fails
// or the test process exits early. Nothing here touches the host's network.

import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Local errors of the lab carry this code; the message says what to do. */
export class LabError extends Error {
  readonly code = 'ERR_LAB';
  override readonly name = 'LabError';
}

const DEPS_HINT = 'run `npm run test:deps` as root (Debian packages bird2 frr gobgpd exabgp openbgpd iproute2), then run the interop tests as root';

/** Absolute path of an executable, from PATH or as given; undefined when missing. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).concat(['/usr/sbin', '/sbin']).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * Throws a LabError unless the process runs as root and every executable
 * exists: interop tests fail loudly instead of being skipped.
 */
export function requireLab(executables: readonly string[]): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError(`the interop lab needs root (network namespaces, port 179, TCP MD5): ${DEPS_HINT}`);
  }
  const missing = ['ip', ...executables].filter((e) => findExecutable(e) === undefined);
  if (missing.length > 0) throw new LabError(`missing executables: ${missing.join(', ')}; ${DEPS_HINT}`);
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Kill the command after this long (default 20 s: iproute2 waits for the RTNL lock, slow on a busy host). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs a short command to completion, bounded in time; never throws for a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? 20_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env, cwd: opts.cwd },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        const why = err !== null && code === null ? `\n(${err.message})` : '';
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + why });
      },
    );
  });
}

/** Like run(), but a non-zero exit is a LabError quoting the command and its stderr. */
export async function check(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new LabError(`${cmd} ${args.join(' ')} ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export interface WaitOptions {
  /** Give up after this long; interop tests keep it at most 20 s. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than undefined/false/null,
 * and returns that. On timeout throws a LabError naming what was awaited and
 * the last thing the probe saw (a probe returns a Pending to say what it saw).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | Pending | undefined | null | false> | T | Pending | undefined | null | false, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = performance.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v instanceof Pending) last = v.why;
      else if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (performance.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - performance.now())));
  }
  throw new LabError(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}${last ? `; last seen: ${last}` : ''}`);
}

/** A probe's "not yet", with what it saw, for the timeout message. */
export class Pending {
  constructor(readonly why: string) {}
}

/**
 * "This never happens": polls `probe` for the whole of `ms` and throws as
 * soon as it returns a Pending (what broke the condition) instead of true.
 */
export async function holdsFor(what: string, probe: () => Promise<true | Pending>, ms: number, intervalMs = 250): Promise<void> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    const v = await probe();
    if (v !== true) throw new LabError(`${what} stopped holding after ${((performance.now() - start) / 1000).toFixed(1)} s: ${v.why}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `p`'s value, or 'timeout' after `ms`; the timer is cleared so it keeps no process alive. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds on the monotonic clock, for figures printed by tests. */
export function now(): number {
  return performance.now();
}

/** Resident memory of a running process, from /proc/PID/status, in KiB. */
export interface ProcessMemory {
  /** VmRSS: resident now. */
  readonly rssKiB: number;
  /** VmHWM: the highest resident size so far. */
  readonly hwmKiB: number;
}

/** VmRSS and VmHWM of `pid`; undefined once the process is gone. */
export function processMemory(pid: number): ProcessMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/** A process started inside a namespace; its output goes to `logFile`. */
export class LabProcess {
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;
  exitSignal: NodeJS.Signals | null = null;

  constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new LabError(`could not start ${name}`);
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve(code);
      });
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The pipes of a process started with spawnPiped (null otherwise). */
  get stdin(): NodeJS.WritableStream | null {
    return this.child.stdin;
  }

  get stdout(): NodeJS.ReadableStream | null {
    return this.child.stdout;
  }

  /** Everything the process wrote so far. */
  output(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /**
   * Sends `sig` (SIGTERM), waits up to `graceMs` for the exit, then SIGKILL.
   * Resolves with the exit code, or null when it had to be killed.
   */
  async stop(sig: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.child.kill(sig);
    const code = await within(this.exited, graceMs);
    if (code !== 'timeout') return code;
    this.child.kill('SIGKILL');
    await within(this.exited, 2_000);
    return null;
  }
}

export interface VethOptions {
  /** Interface names inside each namespace (at most 15 characters). */
  readonly ifA: string;
  readonly ifB: string;
  /** Addresses with prefix length, e.g. 10.210.1.1/30 and fd00:210:1::1/64. */
  readonly addrA?: readonly string[];
  readonly addrB?: readonly string[];
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

let labCount = 0;
const liveLabs = new Set<Lab>();
let hooksInstalled = false;

/** Last resort when the test process ends early: kill by PID, delete namespaces, synchronously. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const sweep = (): void => {
    for (const lab of [...liveLabs]) lab.cleanupSync();
  };
  process.on('exit', sweep);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      sweep();
      process.kill(process.pid, sig);
    });
  }
}

/**
 * One test's private world: a work folder, namespaces, processes. cleanup()
 * undoes all of it; if the test process exits first, an exit hook kills the
 * processes and deletes the namespaces synchronously.
 */
export class Lab {
  readonly dir: string;
  private readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly processes: LabProcess[] = [];
  private readonly madeDirs: string[] = [];
  private cleaned = false;

  /** `tag` names the namespaces (`fdi<pid><n>-<tag>-<name>`); keep it short. */
  constructor(readonly tag: string) {
    labCount += 1;
    this.prefix = `fdi${process.pid}${labCount}-${tag}`;
    this.dir = mkdtempSync(join(tmpdir(), `floatd-lab-${tag}-`));
    chmodSync(this.dir, 0o755);
    installExitHooks();
    liveLabs.add(this);
  }

  /** A new, empty namespace with lo up; returns its name. */
  async namespace(name: string): Promise<string> {
    const ns = `${this.prefix}-${name}`;
    if (existsSync(`/run/netns/${ns}`)) throw new LabError(`namespace ${ns} already exists`);
    await check('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await check('ip', ['-n', ns, 'link', 'set', 'dev', 'lo', 'up']);
    return ns;
  }

  /** Joins two namespaces with a veth pair and gives each end its addresses (IPv6 without DAD). */
  async veth(nsA: string, nsB: string, o: VethOptions): Promise<void> {
    await check('ip', ['-n', nsA, 'link', 'add', 'name', o.ifA, 'type', 'veth', 'peer', 'name', o.ifB, 'netns', nsB]);
    for (const [ns, ifname, addrs] of [
      [nsA, o.ifA, o.addrA ?? []],
      [nsB, o.ifB, o.addrB ?? []],
    ] as const) {
      // No DAD, so the link-local address is usable at once: FRR resets IPv6 sessions while it is tentative.
      await this.sysctl(ns, `net.ipv6.conf.${ifname}.accept_dad`, '0');
      for (const a of addrs) await this.addAddress(ns, ifname, a);
      await check('ip', ['-n', ns, 'link', 'set', 'dev', ifname, 'up']);
    }
  }

  async addAddress(ns: string, ifname: string, addr: string): Promise<void> {
    const v6 = addr.includes(':');
    await check('ip', ['-n', ns, ...(v6 ? ['-6'] : []), 'addr', 'add', addr, 'dev', ifname, ...(v6 ? ['nodad'] : [])]);
  }

  async route(ns: string, args: readonly string[]): Promise<void> {
    await check('ip', ['-n', ns, ...(args.some((a) => a.includes(':')) ? ['-6'] : []), 'route', 'add', ...args]);
  }

  async sysctl(ns: string, key: string, value: string): Promise<void> {
    await check('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${key}=${value}`]);
  }

  /**
   * Makes `ns` drop every TCP segment to or from `port`, both ways, with an
   * nftables table of its own (`inet NAME`): the BGP speaker there falls
   * silent without closing anything. Returns the undo, which deletes the
   * table; deleting the namespace also removes it.
   */
  async dropTcpPort(ns: string, port = 179, table = 'fdlabdrop'): Promise<() => Promise<void>> {
    const rules = `tcp dport ${port} drop; tcp sport ${port} drop;`;
    const script = join(this.dir, `nft-${table}-${ns}.conf`);
    writeFileSync(
      script,
      `table inet ${table} {\n  chain in { type filter hook input priority 0; ${rules} }\n  chain out { type filter hook output priority 0; ${rules} }\n}\n`,
    );
    await check('ip', ['netns', 'exec', ns, 'nft', '-f', script]);
    return async () => {
      await check('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', table]);
    };
  }

  /** Runs a short command inside `ns` (bounded, see run()). */
  exec(ns: string, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  /** Creates a folder that cleanup() removes again only if it was missing and is empty then. */
  ensureDir(path: string): void {
    if (existsSync(path)) return;
    spawnSync('mkdir', ['-p', path]);
    this.madeDirs.push(path);
  }

  /**
   * Starts a long-running process inside `ns`. `ip netns exec` execs the
   * command, so the PID is the daemon's own and stop() reaches it directly.
   */
  spawn(ns: string, name: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): LabProcess {
    const logFile = join(this.dir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', fd, fd], env: opts.env ?? process.env, cwd: opts.cwd });
      const p = new LabProcess(name, logFile, child);
      this.processes.push(p);
      return p;
    } finally {
      closeSync(fd);
    }
  }

  /** Like spawn(), with stdin and stdout as pipes (stdout()/stdin of the LabProcess); stderr goes to the log. */
  spawnPiped(ns: string, name: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): LabProcess {
    const logFile = join(this.dir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', fd], env: opts.env ?? process.env, cwd: opts.cwd });
      const p = new LabProcess(name, logFile, child);
      this.processes.push(p);
      return p;
    } finally {
      closeSync(fd);
    }
  }

  /** The last `lines` lines of every process's output, for a failing test's report. */
  logTails(lines = 40): string {
    return this.processes
      .map((p) => {
        const tail = p.output().trimEnd().split('\n').slice(-lines).join('\n');
        return `----- ${p.name} (pid ${p.pid}, ${p.running ? 'running' : `exited ${p.exitCode ?? p.exitSignal}`}) -----\n${tail}`;
      })
      .join('\n');
  }

  /** Stops every process (last started first), deletes the namespaces and the work folder. */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    for (const p of [...this.processes].reverse()) await p.stop('SIGTERM', 3_000);
    for (const ns of [...this.namespaces].reverse()) {
      for (let i = 0; i < 3 && existsSync(`/run/netns/${ns}`); i++) await run('ip', ['netns', 'del', ns]);
    }
    this.finish();
  }

  /** Kills every process still running and deletes the namespaces without waiting; used at process exit. */
  cleanupSync(): void {
    if (this.cleaned) return;
    for (const p of this.processes) {
      if (!p.running) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        continue;
      }
    }
    for (const ns of this.namespaces) spawnSync('ip', ['netns', 'del', ns]);
    this.finish();
  }

  private finish(): void {
    this.cleaned = true;
    liveLabs.delete(this);
    for (const d of this.madeDirs.reverse()) spawnSync('rmdir', [d]);
    if (process.env['FLOATD_LAB_KEEP'] === '1') return;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
