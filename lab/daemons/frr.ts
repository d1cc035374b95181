// FRR (zebra + bgpd, and bfdd for neighbors with `bfd`) in a lab namespace:
// config writers, start, and JSON queries through vtysh on a private vty
// folder. bgpd needs zebra in the same namespace for next-hop tracking, and
// the folder must belong to frr.

import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, check, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { originFrom, sortCommunities } from './peer-route.js';
import type { PeerRoute } from './peer-route.js';

export interface FrrNeighbor {
  readonly address: string;
  readonly peerAs: number;
  readonly localAddress?: string;
  readonly passive?: boolean;
  readonly password?: string;
  readonly multihop?: number;
  readonly holdTime?: number;
  /** Address families activated for the neighbor; default the family of `address`. */
  readonly families?: readonly ('ipv4' | 'ipv6')[];
  /** `capability extended-nexthop`: IPv4 routes with IPv6 next hops on an IPv6 session (RFC 8950). */
  readonly extendedNextHop?: boolean;
  /** `neighbor X bfd profile lab`: bfdd (started beside bgpd) runs BFD with the neighbor at these timers (ms). */
  readonly bfd?: { readonly minRxMs: number; readonly minTxMs: number; readonly multiplier: number };
}

export interface FrrConfig {
  readonly as: number;
  readonly routerId: string;
  readonly neighbors: readonly FrrNeighbor[];
  /** Prefixes FRR originates (`network`, import check off). */
  readonly originate?: readonly string[];
  /** `maximum-paths N` in each address family: up to N equal eBGP paths go to zebra as one multipath route (ECMP). */
  readonly maximumPaths?: number;
}

const isV6 = (p: string) => p.includes(':');

export function frrConfigText(c: FrrConfig): string {
  const out = ['frr defaults traditional', 'hostname lab-frr', 'log stdout informational', '!', `router bgp ${c.as}`, ` bgp router-id ${c.routerId}`];
  out.push(' no bgp ebgp-requires-policy', ' no bgp network import-check', ' no bgp default ipv4-unicast');
  for (const n of c.neighbors) {
    const hold = n.holdTime ?? 9;
    out.push(` neighbor ${n.address} remote-as ${n.peerAs}`, ` neighbor ${n.address} timers ${Math.max(1, Math.floor(hold / 3))} ${hold}`, ` neighbor ${n.address} timers connect 1`);
    if (n.localAddress !== undefined) out.push(` neighbor ${n.address} update-source ${n.localAddress}`);
    if (n.passive === true) out.push(` neighbor ${n.address} passive`);
    if (n.password !== undefined) out.push(` neighbor ${n.address} password ${n.password}`);
    if (n.multihop !== undefined) out.push(` neighbor ${n.address} ebgp-multihop ${n.multihop}`);
    if (n.extendedNextHop === true) out.push(` neighbor ${n.address} capability extended-nexthop`);
    if (n.bfd !== undefined) out.push(` neighbor ${n.address} bfd`, ` neighbor ${n.address} bfd profile lab`);
  }
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const neighbors = c.neighbors.filter((n) => (n.families ?? [isV6(n.address) ? 'ipv6' : 'ipv4']).includes(fam));
    const nets = (c.originate ?? []).filter((p) => isV6(p) === (fam === 'ipv6'));
    if (neighbors.length === 0 && nets.length === 0) continue;
    out.push(` address-family ${fam} unicast`);
    for (const n of neighbors) out.push(`  neighbor ${n.address} activate`);
    for (const p of nets) out.push(`  network ${p}`);
    if (c.maximumPaths !== undefined) out.push(`  maximum-paths ${c.maximumPaths}`);
    out.push(' exit-address-family');
  }
  out.push('!');
  return out.join('\n') + '\n';
}

/** bfdd.conf: the profile `lab` the BGP neighbors with `bfd` use, at the first such neighbor's timers; undefined without one. */
export function frrBfddConfigText(c: FrrConfig): string | undefined {
  const t = c.neighbors.find((n) => n.bfd !== undefined)?.bfd;
  if (t === undefined) return undefined;
  const lines = ['frr defaults traditional', 'hostname lab-frr', 'log stdout informational', 'bfd', ' profile lab'];
  lines.push(`  receive-interval ${t.minRxMs}`, `  transmit-interval ${t.minTxMs}`, `  detect-multiplier ${t.multiplier}`, ' !', '!');
  return lines.join('\n') + '\n';
}

interface FrrPath {
  aspath?: { segments?: { list?: number[] }[] };
  origin?: string;
  metric?: number;
  community?: { list?: string[] };
  largeCommunity?: { list?: string[] };
  nexthops?: { ip?: string; scope?: string }[];
  peer?: { peerId?: string };
  bestpath?: { overall?: boolean };
  multipath?: boolean;
}

export class Frr {
  private constructor(
    readonly zebra: LabProcess,
    readonly bgpd: LabProcess,
    readonly vtyDir: string,
    readonly bfdd?: LabProcess,
  ) {}

  static async start(lab: Lab, ns: string, name: string, config: FrrConfig): Promise<Frr> {
    const dir = join(lab.dir, name);
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'bgpd.conf');
    writeFileSync(conf, frrConfigText(config));
    const bfdText = frrBfddConfigText(config);
    const bfdConf = join(dir, 'bfdd.conf');
    if (bfdText !== undefined) writeFileSync(bfdConf, bfdText);
    const { zebra, common } = await startZebra(lab, ns, name, dir, bfdText === undefined ? [conf] : [conf, bfdConf]);
    const bfdd = bfdText === undefined ? undefined : lab.spawn(ns, `${name}-bfdd`, '/usr/lib/frr/bfdd', [...common, '-f', bfdConf, '-i', join(dir, 'bfdd.pid'), '--bfdctl', join(dir, 'bfdd.sock')]);
    const bgpd = lab.spawn(ns, `${name}-bgpd`, '/usr/lib/frr/bgpd', [...common, '-f', conf, '-i', join(dir, 'bgpd.pid')]);
    const frr = new Frr(zebra, bgpd, dir, bfdd);
    await waitFor(`bgpd ${name}'s vty`, async () => {
      if (!bgpd.running) throw new LabError(`bgpd exited (${bgpd.exitCode ?? bgpd.exitSignal})`);
      return (await frr.vtysh('show bgp summary json')).includes('{');
    }, { timeoutMs: 20_000 });
    return frr;
  }

  async vtysh(...commands: string[]): Promise<string> {
    return check('vtysh', ['--vty_socket', this.vtyDir, ...commands.flatMap((c) => ['-c', c])], { timeoutMs: 5_000 });
  }

  async vtyshJson<T>(command: string): Promise<T> {
    return JSON.parse(await this.vtysh(command)) as T;
  }

  /** `show bgp neighbors ADDR json`, the entry for ADDR. */
  async neighbor(address: string): Promise<Record<string, unknown> | undefined> {
    const all = await this.vtyshJson<Record<string, Record<string, unknown>>>(`show bgp neighbors ${address} json`);
    return all[address];
  }

  async established(address: string): Promise<boolean> {
    return (await this.neighbor(address))?.['bgpState'] === 'Established';
  }

  /** The path for exactly `prefix` received from `neighbor`, or undefined. */
  async route(prefix: string, neighbor: string): Promise<PeerRoute | undefined> {
    const fam = isV6(prefix) ? 'ipv6' : 'ipv4';
    const r = await this.vtyshJson<{ paths?: FrrPath[] }>(`show bgp ${fam} unicast ${prefix} json`);
    const p = (r.paths ?? []).find((x) => x.peer?.peerId === neighbor);
    if (p === undefined) return undefined;
    const hops = p.nexthops ?? [];
    return {
      prefix,
      nextHop: (hops.find((h) => h.scope !== 'link-local') ?? hops[0])?.ip ?? '',
      asPath: (p.aspath?.segments ?? []).flatMap((s) => s.list ?? []),
      origin: originFrom(p.origin),
      med: p.metric,
      communities: sortCommunities(p.community?.list ?? []),
      largeCommunities: sortCommunities(p.largeCommunity?.list ?? []),
    };
  }

  /** The neighbors FRR holds a path for exactly `prefix` from, with `best` on the selected one. */
  async routeSources(prefix: string): Promise<{ neighbor: string; best: boolean; multipath: boolean }[]> {
    const fam = isV6(prefix) ? 'ipv6' : 'ipv4';
    const r = await this.vtyshJson<{ paths?: FrrPath[] }>(`show bgp ${fam} unicast ${prefix} json`);
    return (r.paths ?? []).map((p) => ({ neighbor: p.peer?.peerId ?? '', best: p.bestpath?.overall === true, multipath: p.multipath === true }));
  }

  /** `clear bgp NEIGHBOR`: the session drops with every route it brought, and starts again. */
  async clear(neighbor: string): Promise<void> {
    await this.vtysh(`clear bgp ${neighbor}`);
  }

  /** How many prefixes FRR has sent `neighbor` (`advertised-routes`); FRR also sends a peer's own routes back. */
  async advertisedCount(neighbor: string, family: 'ipv4' | 'ipv6'): Promise<number> {
    const r = await this.vtyshJson<{ totalPrefixCounter?: number; advertisedRoutes?: Record<string, unknown> }>(`show bgp ${family} unicast neighbors ${neighbor} advertised-routes json`);
    return r.totalPrefixCounter ?? Object.keys(r.advertisedRoutes ?? {}).length;
  }

  /** `show bfd peers json`, the entry for `address` (bfdd's session with it), or undefined. */
  async bfdPeer(address: string): Promise<Record<string, unknown> | undefined> {
    return (await this.vtyshJson<Record<string, unknown>[]>('show bfd peers json')).find((p) => p['peer'] === address);
  }

  log(): string {
    return `${this.zebra.output()}\n${this.bfdd === undefined ? '' : `${this.bfdd.output()}\n`}${this.bgpd.output()}`;
  }
}

/**
 * zebra for a set of FRR daemons in `dir` (FRR's daemons need it for
 * next-hop tracking, or they never connect): `dir` and `files` are handed to
 * the frr user first. Returns it, and the options every daemon of the set
 * shares (zserv socket, vty directory, user and group).
 */
export async function startZebra(lab: Lab, ns: string, name: string, dir: string, files: readonly string[]): Promise<{ zebra: LabProcess; common: string[] }> {
  const { uid, gid } = await frrIds();
  chownSync(dir, uid, gid);
  for (const f of files) chownSync(f, uid, gid);
  const zserv = join(dir, 'zserv.api');
  const common = ['-z', zserv, '--vty_socket', dir, '-u', 'frr', '-g', 'frr'];
  const zebra = lab.spawn(ns, `${name}-zebra`, '/usr/lib/frr/zebra', [...common, '-f', '/dev/null', '-i', join(dir, 'zebra.pid')]);
  await waitFor(`zebra's socket ${zserv}`, () => {
    if (!zebra.running) throw new LabError(`zebra exited (${zebra.exitCode ?? zebra.exitSignal})`);
    return existsSync(zserv);
  }, { timeoutMs: 20_000 });
  return { zebra, common };
}

async function frrIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await check('id', ['-u', 'frr'])).trim());
  const gid = Number((await check('id', ['-g', 'frr'])).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new LabError('no frr user: install the Debian package frr (npm run test:deps)');
  return { uid, gid };
}
