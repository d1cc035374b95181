// BFD peers for the lab: BIRD 2's `protocol bfd` with static neighbors, FRR's
// bfdd (with zebra), and floatd's own session in a runner process, each in a
// namespace of the lab.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LabError, check, run, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { startZebra } from '../daemons/frr.js';
import type { RunnerArgs } from './runner.js';

export interface PeerTimers {
  readonly minRxMs: number;
  readonly minTxMs: number;
  readonly multiplier: number;
}

export interface PeerSession {
  readonly address: string;
  /** Lower-case: up, down, init, admindown. */
  readonly state: string;
  readonly raw: unknown;
}

export class BirdBfd {
  private constructor(
    readonly process: LabProcess,
    readonly socket: string,
  ) {}

  static async start(
    lab: Lab,
    ns: string,
    name: string,
    c: { routerId: string; neighbors: readonly { address: string; local: string; multihop?: boolean }[]; timers: PeerTimers; auth?: { type: 'keyed sha1' | 'meticulous keyed sha1'; keyId: number; password: string } },
  ): Promise<BirdBfd> {
    const iface = [
      `    min rx interval ${c.timers.minRxMs} ms;`,
      `    min tx interval ${c.timers.minTxMs} ms;`,
      `    idle tx interval 1000 ms;`,
      `    multiplier ${c.timers.multiplier};`,
      ...(c.auth ? [`    authentication ${c.auth.type};`, `    password "${c.auth.password}" { id ${c.auth.keyId}; };`] : []),
    ];
    const text = [
      `router id ${c.routerId};`,
      `log stderr all;`,
      `protocol device {}`,
      `protocol bfd bfd1 {`,
      `  debug { states, events };`,
      `  interface "*" {`,
      ...iface,
      `  };`,
      `  multihop {`,
      ...iface,
      `  };`,
      ...c.neighbors.map((n) => `  neighbor ${n.address} local ${n.local}${n.multihop ? ' multihop on' : ''};`),
      `}`,
    ].join('\n');
    const conf = join(lab.dir, `${name}.conf`);
    writeFileSync(conf, text + '\n');
    await check('bird', ['-p', '-c', conf]);
    const socket = join(lab.dir, `${name}.ctl`);
    const proc = lab.spawn(ns, name, 'bird', ['-f', '-c', conf, '-s', socket, '-P', join(lab.dir, `${name}.pid`)]);
    await waitFor(`BIRD ${name}'s control socket`, async () => proc.running && (await run('birdc', ['-s', socket, 'show', 'status'])).code === 0);
    return new BirdBfd(proc, socket);
  }

  /** `show bfd sessions`: one entry per neighbor. */
  async sessions(): Promise<PeerSession[]> {
    const text = await check('birdc', ['-s', this.socket, 'show', 'bfd', 'sessions'], { timeoutMs: 5_000 });
    const out: PeerSession[] = [];
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 3 && /^[0-9a-f.:]+$/i.test(f[0]!) && f[0]!.length > 2) {
        const state = f.find((x) => /^(Up|Down|Init|AdminDown)$/.test(x)) ?? '';
        out.push({ address: f[0]!, state: state.toLowerCase(), raw: line });
      }
    }
    return out;
  }

  async session(address: string): Promise<PeerSession | undefined> {
    return (await this.sessions()).find((s) => s.address === address);
  }

  log(): string {
    return this.process.output();
  }
}

export class FrrBfd {
  private constructor(
    readonly zebra: LabProcess,
    readonly bfdd: LabProcess,
    readonly vtyDir: string,
  ) {}

  static async start(lab: Lab, ns: string, name: string, c: { peers: readonly { address: string; local: string; multihop?: boolean }[]; timers: PeerTimers }): Promise<FrrBfd> {
    const dir = join(lab.dir, name);
    mkdirSync(dir, { recursive: true });
    const lines = ['frr defaults traditional', 'hostname lab-bfdd', 'log stdout informational', 'bfd'];
    for (const p of c.peers) {
      lines.push(` peer ${p.address}${p.multihop ? ' multihop' : ''} local-address ${p.local}`, `  receive-interval ${c.timers.minRxMs}`, `  transmit-interval ${c.timers.minTxMs}`, `  detect-multiplier ${c.timers.multiplier}`, ' !');
    }
    lines.push('!');
    const conf = join(dir, 'bfdd.conf');
    writeFileSync(conf, lines.join('\n') + '\n');
    const { zebra, common } = await startZebra(lab, ns, name, dir, [conf]);
    const bfdd = lab.spawn(ns, `${name}-bfdd`, '/usr/lib/frr/bfdd', [...common, '-f', conf, '-i', join(dir, 'bfdd.pid'), '--bfdctl', join(dir, 'bfdd.sock')]);
    const frr = new FrrBfd(zebra, bfdd, dir);
    await waitFor(`bfdd ${name}'s vty`, async () => {
      if (!bfdd.running) throw new LabError(`bfdd exited (${bfdd.exitCode ?? bfdd.exitSignal})`);
      return (await run('vtysh', ['--vty_socket', dir, '-c', 'show bfd peers json'], { timeoutMs: 5_000 })).stdout.includes('[');
    });
    return frr;
  }

  async peersJson(): Promise<Record<string, unknown>[]> {
    return JSON.parse(await check('vtysh', ['--vty_socket', this.vtyDir, '-c', 'show bfd peers json'], { timeoutMs: 5_000 })) as Record<string, unknown>[];
  }

  async session(address: string): Promise<PeerSession | undefined> {
    const p = (await this.peersJson()).find((x) => x['peer'] === address);
    return p === undefined ? undefined : { address, state: String(p['status']).toLowerCase().replace('shutdown', 'admindown'), raw: p };
  }

  log(): string {
    return `${this.zebra.output()}\n${this.bfdd.output()}`;
  }
}

export interface FloatdBfdEvent {
  readonly ev: string;
  readonly t: number;
  readonly [k: string]: unknown;
}

/** floatd's BFD session in `ns`, driven through the runner's stdin/stdout. */
export class FloatdBfd {
  readonly events: FloatdBfdEvent[] = [];
  private constructor(readonly process: LabProcess) {}

  static async start(lab: Lab, ns: string, name: string, args: RunnerArgs, nodeArgs: readonly string[] = []): Promise<FloatdBfd> {
    const runner = join(dirname(fileURLToPath(import.meta.url)), 'runner.js');
    const proc = lab.spawnPiped(ns, name, process.execPath, [...nodeArgs, runner, JSON.stringify(args)]);
    const f = new FloatdBfd(proc);
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        f.events.push(JSON.parse(l) as FloatdBfdEvent);
      } catch {
        f.events.push({ ev: 'text', t: 0, text: l });
      }
    });
    await f.next('started', 10_000);
    return f;
  }

  send(line: string): void {
    this.process.stdin!.write(line + '\n');
  }

  /** The first event named `ev` after index `from`, waiting up to `timeoutMs`. */
  async next(ev: string, timeoutMs = 20_000, from = 0): Promise<FloatdBfdEvent> {
    return waitFor(`floatd BFD event ${ev}`, () => this.events.slice(from).find((e) => e.ev === ev), { timeoutMs, intervalMs: 20 });
  }

  get state(): string {
    const s = [...this.events].reverse().find((e) => e.ev === 'state');
    return s === undefined ? 'AdminDown' : String(s['to']);
  }
}
