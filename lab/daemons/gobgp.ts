// GoBGP (gobgpd) in a lab namespace: TOML config writer, start, routes added
// through the gobgp CLI, RIB and neighbor queries as JSON. The gRPC API
// listens on 127.0.0.1 of the namespace, so every CLI call runs inside it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { communityText, originFrom, sortCommunities } from './peer-route.js';
import type { PeerRoute } from './peer-route.js';

export interface GobgpNeighbor {
  readonly address: string;
  readonly peerAs: number;
  readonly families: readonly ('ipv4-unicast' | 'ipv6-unicast')[];
  readonly localAddress?: string;
  readonly passive?: boolean;
  readonly password?: string;
  readonly multihop?: number;
  readonly holdTime?: number;
}

export interface GobgpConfig {
  readonly as: number;
  readonly routerId: string;
  /** Addresses gobgpd listens on (port 179). */
  readonly listenAddresses: readonly string[];
  readonly neighbors: readonly GobgpNeighbor[];
}

const q = (s: string) => JSON.stringify(s);

export function gobgpConfigText(c: GobgpConfig): string {
  const out = [`[global.config]`, `  as = ${c.as}`, `  router-id = ${q(c.routerId)}`, `  port = 179`, `  local-address-list = [${c.listenAddresses.map(q).join(', ')}]`];
  for (const n of c.neighbors) {
    const hold = n.holdTime ?? 9;
    out.push('', `[[neighbors]]`, `  [neighbors.config]`, `    neighbor-address = ${q(n.address)}`, `    peer-as = ${n.peerAs}`);
    if (n.password !== undefined) out.push(`    auth-password = ${q(n.password)}`);
    out.push(`  [neighbors.timers.config]`, `    hold-time = ${hold}`, `    keepalive-interval = ${Math.max(1, Math.floor(hold / 3))}`, `    connect-retry = 1`);
    out.push(`  [neighbors.transport.config]`);
    if (n.localAddress !== undefined) out.push(`    local-address = ${q(n.localAddress)}`);
    if (n.passive === true) out.push(`    passive-mode = true`);
    if (n.multihop !== undefined) out.push(`  [neighbors.ebgp-multihop.config]`, `    enabled = true`, `    multihop-ttl = ${n.multihop}`);
    for (const f of n.families) out.push(`  [[neighbors.afi-safis]]`, `    [neighbors.afi-safis.config]`, `      afi-safi-name = ${q(f)}`);
  }
  return out.join('\n') + '\n';
}

interface GobgpAttr {
  type: number;
  value?: unknown;
  as_paths?: { segment_type: number; asns: number[] }[];
  nexthop?: string;
  metric?: number;
  communities?: number[];
}

interface GobgpPath {
  nlri?: { prefix?: string };
  attrs?: GobgpAttr[];
  'neighbor-ip'?: string;
  best?: boolean;
}

export class Gobgp {
  private constructor(
    readonly process: LabProcess,
    readonly ns: string,
    readonly apiPort: number,
    private readonly lab: Lab,
  ) {}

  /** Starts gobgpd with its API on 127.0.0.1:`apiPort` inside `ns` and waits until the API answers. */
  static async start(lab: Lab, ns: string, name: string, config: GobgpConfig, apiPort = 50051): Promise<Gobgp> {
    const conf = join(lab.dir, `${name}.toml`);
    writeFileSync(conf, gobgpConfigText(config));
    const proc = lab.spawn(ns, name, 'gobgpd', ['-f', conf, '--api-hosts', `127.0.0.1:${apiPort}`, '--pprof-disable']);
    const g = new Gobgp(proc, ns, apiPort, lab);
    await waitFor(`gobgpd ${name}'s API`, async () => proc.running && (await lab.exec(ns, 'gobgp', g.cliArgs(['global']))).code === 0, { timeoutMs: 20_000 });
    return g;
  }

  private cliArgs(args: readonly string[]): string[] {
    return ['-u', '127.0.0.1', '-p', String(this.apiPort), ...args];
  }

  /** Runs `gobgp ARGS` inside the namespace; a failure is a LabError. */
  async cli(...args: string[]): Promise<string> {
    const r = await this.lab.exec(this.ns, 'gobgp', this.cliArgs(args), { timeoutMs: 5_000 });
    if (r.code !== 0) throw new LabError(`gobgp ${args.join(' ')} ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  /** Originates `prefix` with `nextHop` into the global RIB, which gobgpd sends to every neighbor. */
  async addRoute(prefix: string, nextHop: string): Promise<void> {
    await this.cli('global', 'rib', '-a', prefix.includes(':') ? 'ipv6' : 'ipv4', 'add', prefix, 'nexthop', nextHop);
  }

  /** `show neighbor` as JSON: session_state 6 is Established. */
  async sessionState(address: string): Promise<number | undefined> {
    const n = JSON.parse(await this.cli('neighbor', address, '-j')) as { state?: { session_state?: number } };
    return n.state?.session_state;
  }

  async established(address: string): Promise<boolean> {
    return (await this.sessionState(address)) === 6;
  }

  /** Routes in the global RIB learned from `neighbor`. */
  async routesFrom(neighbor: string, family: 'ipv4' | 'ipv6'): Promise<PeerRoute[]> {
    const rib = JSON.parse(await this.cli('global', 'rib', '-a', family, '-j')) as Record<string, GobgpPath[]>;
    const out: PeerRoute[] = [];
    for (const [prefix, paths] of Object.entries(rib)) {
      for (const p of paths) if (p['neighbor-ip'] === neighbor) out.push(gobgpRoute(prefix, p));
    }
    return out;
  }

  async route(prefix: string, neighbor: string): Promise<PeerRoute | undefined> {
    return (await this.routesFrom(neighbor, prefix.includes(':') ? 'ipv6' : 'ipv4')).find((r) => r.prefix === prefix);
  }

  log(): string {
    return this.process.output();
  }
}

function gobgpRoute(prefix: string, p: GobgpPath): PeerRoute {
  const attrs = p.attrs ?? [];
  const get = (t: number) => attrs.find((a) => a.type === t);
  const large = (get(32)?.value as { ASN: number; LocalData1: number; LocalData2: number }[] | undefined) ?? [];
  return {
    prefix,
    nextHop: get(3)?.nexthop ?? get(14)?.nexthop ?? '',
    asPath: (get(2)?.as_paths ?? []).flatMap((s) => s.asns),
    origin: originFrom(String(get(1)?.value ?? '')),
    med: get(4)?.metric,
    communities: sortCommunities((get(8)?.communities ?? []).map(communityText)),
    largeCommunities: sortCommunities(large.map((l) => `${l.ASN}:${l.LocalData1}:${l.LocalData2}`)),
  };
}
