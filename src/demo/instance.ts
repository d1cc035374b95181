// One demo instance: `floatd run` as a child process, with its config written
// to the demo's temporary folder and its JSON log appended to a file there.
// Children are tracked by PID so that every exit path can kill them.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { controlRequest, type ControlAnswer } from './control.js';
import type { DemoService } from './http-service.js';
import { instanceConfig } from './instance-config.js';
import type { InstanceInfo, Phase } from './story.js';

/** bin/floatd.js, seen from the compiled dist/src/demo/. */
export const FLOATD_BIN = fileURLToPath(new URL('../../../bin/floatd.js', import.meta.url));

const STOP_TIMEOUT_MS = 6000;

/** Every child started and not yet reaped, so exit handlers can kill them. */
export const livePids = new Set<number>();

export class FloatdInstance {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private generation = 0;
  private socketPath = '';
  phase: Phase | undefined;
  /** BFD toward the router in the running config. */
  bfd = false;

  constructor(
    readonly info: InstanceInfo,
    readonly service: DemoService,
    private readonly dir: string,
    private readonly routerPort: number,
  ) {}

  get name(): string {
    return this.info.name;
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return join(this.dir, `${this.name}.log`);
  }

  /** Writes the config for `phase` and starts floatd; resolves once the process is spawned. */
  async start(phase: Phase, bfd = true): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    this.generation++;
    this.phase = phase;
    this.bfd = bfd;
    // A fresh socket path per start: one left by a SIGKILLed floatd never gets in the way.
    this.socketPath = join(this.dir, `${this.name}-${this.generation}.sock`);
    const configFile = join(this.dir, `${this.name}.yaml`);
    const config = instanceConfig({ instance: this.info, phase, routerPort: this.routerPort, servicePort: this.service.port, controlSocket: this.socketPath, bfd });
    writeFileSync(configFile, stringify(config), { mode: 0o600 });
    const log = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [FLOATD_BIN, 'run', '--config', configFile], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const pid = child.pid!;
    livePids.add(pid);
    this.child = child;
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        livePids.delete(pid);
        if (this.child === child) this.child = null;
        resolve();
      }),
    );
  }

  /** SIGTERM: floatd withdraws, says Cease, exits. SIGKILL if it has not exited in time. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL, and waits for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: the process stays, its sockets stay open, nothing runs. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  request(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<ControlAnswer> {
    if (!this.child) return Promise.resolve({ ok: false, error: `${this.name}'s floatd is not running` });
    return controlRequest(this.socketPath, command, args, timeoutMs);
  }
}
