// floatd itself in a lab namespace: writes its YAML config, runs
// `floatd run` as a child process and reads `floatd status --json`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { LabError, Pending, run, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';

/** The repository root, seen from the compiled dist/lab/daemons/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FLOATD_BIN = join(REPO_ROOT, 'bin', 'floatd.js');

/** The file's keys as docs/config.md spells them (kebab-case); written as YAML unchanged. */
export type FloatdConfig = Record<string, unknown>;

export interface FloatdNeighborStatus {
  readonly address: string;
  readonly peerAs: number;
  readonly state: string;
  readonly uptimeSeconds?: number;
  readonly holdTime?: number;
  readonly keepaliveTime?: number;
  readonly holdTimeProposed?: number;
  readonly peerHoldTime?: number;
  readonly holdLadder?: { readonly candidates: readonly number[]; readonly step: number; readonly exhausted: boolean };
  readonly capabilities?: Record<string, unknown>;
  readonly messages?: { readonly in: number; readonly out: number };
  readonly updates?: { readonly in: number; readonly out: number };
  readonly prefixes?: { readonly received: number; readonly looped?: number; readonly withdrawnReceived?: number; readonly announced: number };
  readonly prefixesReceived?: number;
  readonly prefixesAnnounced?: number;
  readonly establishedTransitions?: number;
  readonly lastError?: string;
}

export interface FloatdStatus {
  readonly routerId: string;
  readonly localAs: number;
  readonly peers: readonly FloatdNeighborStatus[];
}

export interface FloatdRoute {
  readonly prefix: string;
  readonly nextHops: readonly string[];
  readonly attributes: Record<string, unknown>;
}

export interface FloatdNeighborRoutes {
  readonly neighbor: string;
  readonly announced: readonly FloatdRoute[];
  readonly received?: readonly FloatdRoute[];
  readonly receivedTotal?: number;
}

export class Floatd {
  private constructor(
    readonly process: LabProcess,
    readonly configFile: string,
  ) {}

  /**
   * Writes `config` (its `control-socket` defaults to one in the lab folder)
   * and starts `node bin/floatd.js run` inside `ns`; `nodeArgs` go to node
   * before the script (flags to compare, e.g. in bench:idle).
   */
  static start(lab: Lab, ns: string, name: string, config: FloatdConfig, nodeArgs: readonly string[] = []): Floatd {
    const configFile = join(lab.dir, `${name}.yaml`);
    const full = { 'control-socket': join(lab.dir, `${name}.sock`), ...config };
    writeFileSync(configFile, stringify(full), { mode: 0o600 });
    const proc = lab.spawn(ns, name, process.execPath, [...nodeArgs, FLOATD_BIN, 'run', '--config', configFile], { cwd: REPO_ROOT });
    return new Floatd(proc, configFile);
  }

  /** `floatd status --json`; a unix socket path is not bound to a namespace, so this runs outside. */
  async status(): Promise<FloatdStatus> {
    const r = await run(process.execPath, [FLOATD_BIN, 'status', '--json', '--config', this.configFile], { timeoutMs: 5_000, cwd: REPO_ROOT });
    if (r.code !== 0) throw new LabError(`floatd status ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim()}`);
    return JSON.parse(r.stdout) as FloatdStatus;
  }

  /** `floatd routes --json`: per neighbor, what floatd announces and (with `import: all`) what it holds. */
  async routes(): Promise<FloatdNeighborRoutes[]> {
    const r = await run(process.execPath, [FLOATD_BIN, 'routes', '--json', '--config', this.configFile], { timeoutMs: 5_000, cwd: REPO_ROOT });
    if (r.code !== 0) throw new LabError(`floatd routes ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim()}`);
    return JSON.parse(r.stdout) as FloatdNeighborRoutes[];
  }

  async neighbor(address: string): Promise<FloatdNeighborStatus | undefined> {
    return (await this.status()).peers.find((n) => n.address === address);
  }

  /** Waits until floatd reports the session with `address` as Established, and returns that entry. */
  async waitEstablished(address: string, timeoutMs = 20_000): Promise<FloatdNeighborStatus> {
    return waitFor(
      `floatd to report ${address} Established`,
      async () => {
        if (!this.process.running) throw new LabError(`floatd exited (${this.process.exitCode ?? this.process.exitSignal})`);
        const n = await this.neighbor(address);
        return n?.state === 'Established' ? n : new Pending(`status entry ${JSON.stringify(n)}`);
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /**
   * Milliseconds between floatd's first log line and the first line
   * matching `pred`, by the log's own timestamps: node's start-up and the
   * polling of `status` are left out.
   */
  logDelay(pred: (line: Record<string, unknown>) => boolean): number | undefined {
    const lines = this.logLines();
    const first = lines.map(logLineTime).find((t) => t !== undefined);
    const hit = lines.find(pred);
    const at = hit === undefined ? undefined : logLineTime(hit);
    return first === undefined || at === undefined ? undefined : at - first;
  }

  /** The JSON log lines written so far; lines that are not JSON are kept as `{ text }`. */
  logLines(): Record<string, unknown>[] {
    return this.process
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return { text: l };
        }
      });
  }
}

/** Wall-clock milliseconds of a log line's `time` field (ISO text or epoch ms), if present. */
export function logLineTime(line: Record<string, unknown>): number | undefined {
  const t = line['time'];
  if (typeof t === 'number') return t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Undefined once `floatd help` lists the `run` command; otherwise what `help` printed. */
export async function floatdRunMissing(): Promise<string | undefined> {
  const r = await run(process.execPath, [FLOATD_BIN, 'help'], { timeoutMs: 15_000 });
  return /^\s+run\b/m.test(r.stdout) ? undefined : `floatd help ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim().slice(0, 500)}`;
}
