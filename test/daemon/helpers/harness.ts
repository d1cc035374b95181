// What the in-process daemon tests share: a real Daemon started from a
// config file in a temporary folder, real receivers (route servers) on
// 127.0.0.x addresses, a TCP service for checks to probe, bounded waits, and
// a cleanup list that every test empties in its finally block.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/index.js';
import type { AddressSystem } from '../../../src/net/address-port.js';
import type { ServiceRoutesEvent, ServiceRoutesServiceStatus } from '../../../src/daemon/service-routes.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import type { PeerStatusEntry } from '../../../src/daemon/speaker.js';
import { RouteServer, type PeerChange, type RouteChange, type RoutePath } from '../../../src/routeserver/route-server.js';
import { realClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';

/** FLOATD_TEST_LOG=debug shows the daemon's log on stderr. */
export const testLog: Logger = pino({ level: process.env.FLOATD_TEST_LOG ?? 'silent' }, pino.destination(2));

export const RECEIVER_AS = 65000;
export const FLOATD_AS = 65001;
/** RFC 8326 GRACEFUL_SHUTDOWN, 65535:0. */
export const GRACEFUL_SHUTDOWN = 0xffff0000;

/** Current time on the clock the daemon and the receivers use. */
export const now = (): number => realClock.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export async function freePort(host: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, host, resolve);
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Functions run in reverse order of registration; errors are collected and the first is thrown at the end. */
export class Cleanup {
  private readonly fns: (() => unknown)[] = [];

  add(fn: () => unknown): void {
    this.fns.push(fn);
  }

  async run(): Promise<void> {
    let first: unknown;
    for (const fn of this.fns.splice(0).reverse()) {
      try {
        await fn();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }
}

export function tempDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-daemon-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A TCP service that accepts and closes every connection, counting them. */
export interface TcpService {
  readonly port: number;
  connections: number;
  close(): Promise<void>;
}

export async function tcpService(cleanup: Cleanup, host = '127.0.0.1'): Promise<TcpService> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    svc.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const svc: TcpService = {
    port: (server.address() as net.AddressInfo).port,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  cleanup.add(() => (server.listening ? svc.close() : undefined));
  return svc;
}

/** A route change as the receiver saw it, kept with its time. */
export type SeenChange = RouteChange;

/**
 * A route server standing in for the upstream router: accepts floatd's
 * session on `address`, keeps every route and every route and session
 * change it saw, in order.
 */
export class Receiver {
  readonly changes: SeenChange[] = [];
  readonly peerChanges: PeerChange[] = [];

  private constructor(
    readonly rs: RouteServer,
    readonly address: string,
    readonly port: number,
  ) {
    rs.onChange((c) => this.changes.push(c));
    rs.onPeerChange((c) => this.peerChanges.push(c));
  }

  /** `peers`: floatd's session addresses. */
  static async start(cleanup: Cleanup, address: string, peers: readonly string[], holdTime = 90): Promise<Receiver> {
    const port = await freePort(address);
    const rs = new RouteServer({
      listen: { address, port },
      localAs: RECEIVER_AS,
      routerId: address,
      peers: peers.map((p) => ({ address: p, peerAs: FLOATD_AS })),
      holdTime,
    });
    const r = new Receiver(rs, address, port);
    await rs.start();
    cleanup.add(() => rs.stop());
    return r;
  }

  /** The route `peer` sent for `prefix`, if any. */
  route(prefix: string, peer?: string): RoutePath | undefined {
    return this.rs.candidates(prefix).find((c) => peer === undefined || c.peerAddress === peer);
  }

  has(prefix: string): boolean {
    return this.route(prefix) !== undefined;
  }

  prefixes(): string[] {
    return this.rs.prefixes().sort();
  }

  peer(address: string): PeerStatusEntry | undefined {
    return this.rs.peers().find((p) => p.address === address);
  }

  established(address: string): boolean {
    return this.peer(address)?.state === 'Established';
  }

  /** Changes of `prefix`'s route, from index `from` of the change list. */
  changesOf(prefix: string, from = 0): SeenChange[] {
    return this.changes.slice(from).filter((c) => c.prefix === prefix);
  }

  /** Times the route of `prefix` went away (by WITHDRAW or a session ending). */
  withdrawalsOf(prefix: string, from = 0): SeenChange[] {
    return this.changesOf(prefix, from).filter((c) => c.route === undefined && c.before !== undefined);
  }

  /** Times `peer`'s Established session ended. */
  downs(peer: string): PeerChange[] {
    return this.peerChanges.filter((c) => c.peer === peer && c.change === 'down');
  }
}

export interface NeighborSpec {
  readonly receiver: Receiver;
  /** floatd's address on this session. */
  readonly local: string;
  readonly holdTime?: number;
  readonly extra?: Record<string, unknown>;
}

/** One `neighbors` entry of the file, pointing at a receiver. */
export function neighbor(n: NeighborSpec): Record<string, unknown> {
  return {
    address: n.receiver.address,
    'peer-as': RECEIVER_AS,
    port: n.receiver.port,
    'local-address': n.local,
    'hold-time': n.holdTime ?? 9,
    'connect-retry': 1,
    'graceful-restart': false,
    ...n.extra,
  };
}

/**
 * A service checked over TCP: UP after two good checks 0.1 s apart, then one
 * check every 0.5 s. The timeout is generous for a busy machine.
 */
export function tcpServiceEntry(name: string, prefixes: readonly string[], port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    prefixes,
    check: { tcp: { host: '127.0.0.1', port } },
    rise: 2,
    fall: 2,
    interval: 0.5,
    'fast-interval': 0.1,
    timeout: 0.5,
    ...extra,
  };
}

/** A running daemon and the file it was started from. */
export class TestDaemon {
  private constructor(
    readonly daemon: Daemon,
    readonly configPath: string,
    readonly controlSocket: string,
  ) {}

  /** Writes `config` (the file's keys; control-socket filled in) to `dir`, loads it as `floatd run` does, and starts the daemon. */
  static async start(cleanup: Cleanup, dir: string, config: Record<string, unknown>, opts: { addressSystem?: AddressSystem } = {}): Promise<TestDaemon> {
    const configPath = join(dir, 'floatd.yaml');
    const controlSocket = join(dir, 'floatd.sock');
    writeFileSync(configPath, stringify({ 'control-socket': controlSocket, ...config }));
    const daemon = await Daemon.start(loadConfig(configPath), {
      configPath,
      clock: realClock,
      log: testLog,
      version: 'test',
      ...(opts.addressSystem ? { addressSystem: opts.addressSystem } : {}),
    });
    cleanup.add(() => daemon.stop());
    return new TestDaemon(daemon, configPath, controlSocket);
  }

  /** Replaces the config file with `config` (control-socket filled in as at start). */
  rewrite(config: Record<string, unknown>): void {
    writeFileSync(this.configPath, stringify({ 'control-socket': this.controlSocket, ...config }));
  }

  /** Replaces the config file with raw text. */
  rewriteText(text: string): void {
    writeFileSync(this.configPath, text);
  }

  services(): ServiceRoutesServiceStatus[] {
    return this.daemon.control().services() as ServiceRoutesServiceStatus[];
  }

  service(name: string): ServiceRoutesServiceStatus | undefined {
    return this.services().find((s) => s.name === name);
  }

  state(name: string): string | undefined {
    return this.service(name)?.state;
  }

  events(): ServiceRoutesEvent[] {
    return this.daemon.control().events() as ServiceRoutesEvent[];
  }

  peers(): PeerStatusEntry[] {
    return [...(this.daemon.control().peers() as { peers: readonly PeerStatusEntry[] }).peers];
  }
}

/**
 * Samples a value every 10 ms until stopped; for "never left this state"
 * assertions, together with the receiver's own change log.
 */
export function sampler<T>(cleanup: Cleanup, read: () => T): { readonly samples: T[]; stop(): T[] } {
  const samples: T[] = [read()];
  const timer = setInterval(() => samples.push(read()), 10);
  cleanup.add(() => clearInterval(timer));
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      samples.push(read());
      return samples;
    },
  };
}
