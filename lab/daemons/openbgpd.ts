// OpenBGPD (portable, Debian) in a lab namespace: bgpd.conf writer, start in
// the foreground, and JSON queries through bgpctl on a private socket.
// Debian's bgpd runs as _openbgpd and chroots into /run/openbgpd, which
// systemd normally creates; the lab creates it when missing.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, LabError, run, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { originFrom, sortCommunities } from './peer-route.js';
import type { PeerRoute } from './peer-route.js';

export const OPENBGPD_CHROOT = '/run/openbgpd';

export interface OpenbgpdNeighbor {
  readonly address: string;
  readonly remoteAs: number;
  readonly localAddress?: string;
  readonly md5Password?: string;
  readonly multihop?: number;
  readonly passive?: boolean;
  readonly holdTime?: number;
  /** `holdtime min`: a shorter proposal is refused with NOTIFICATION 2/6 (Unacceptable Hold Time). */
  readonly minHoldTime?: number;
}

export interface OpenbgpdConfig {
  readonly as: number;
  readonly routerId: string;
  readonly listenOn: readonly string[];
  readonly neighbors: readonly OpenbgpdNeighbor[];
  readonly originate?: readonly string[];
}

export function openbgpdConfigText(c: OpenbgpdConfig, socket: string): string {
  const out = [`AS ${c.as}`, `router-id ${c.routerId}`, ...c.listenOn.map((a) => `listen on ${a}`), `fib-update no`, `socket "${socket}"`, ''];
  for (const p of c.originate ?? []) out.push(`network ${p}`);
  for (const n of c.neighbors) {
    out.push('', `neighbor ${n.address} {`, `  remote-as ${n.remoteAs}`, `  holdtime ${n.holdTime ?? 9}`);
    if (n.localAddress !== undefined) out.push(`  local-address ${n.localAddress}`);
    if (n.md5Password !== undefined) out.push(`  tcp md5sig password ${n.md5Password}`);
    if (n.multihop !== undefined) out.push(`  multihop ${n.multihop}`);
    if (n.passive === true) out.push(`  passive`);
    if (n.minHoldTime !== undefined) out.push(`  holdtime min ${n.minHoldTime}`);
    out.push(`}`);
  }
  out.push('', 'allow from any', 'allow to any', '');
  return out.join('\n');
}

interface RibEntry {
  prefix?: string;
  aspath?: string;
  exit_nexthop?: string;
  neighbor?: { remote_addr?: string };
  origin?: string;
  metric?: number;
  communities?: string[];
  large_communities?: string[];
}

export class Openbgpd {
  private constructor(
    readonly process: LabProcess,
    readonly socket: string,
  ) {}

  static async start(lab: Lab, ns: string, name: string, config: OpenbgpdConfig): Promise<Openbgpd> {
    lab.ensureDir(OPENBGPD_CHROOT);
    const conf = join(lab.dir, `${name}.conf`);
    const socket = join(lab.dir, `${name}.sock`);
    writeFileSync(conf, openbgpdConfigText(config, socket), { mode: 0o600 });
    await check('bgpd', ['-n', '-f', conf]);
    const proc = lab.spawn(ns, name, 'bgpd', ['-d', '-f', conf]);
    const d = new Openbgpd(proc, socket);
    await waitFor(`bgpd ${name}'s control socket`, async () => {
      if (!proc.running) throw new LabError(`bgpd exited (${proc.exitCode ?? proc.exitSignal})`);
      return (await run('bgpctl', ['-s', socket, 'show', 'summary'])).code === 0;
    }, { timeoutMs: 20_000 });
    return d;
  }

  /** bgpctl talks to the unix socket, which no namespace confines. */
  async bgpctl(...args: string[]): Promise<string> {
    return check('bgpctl', ['-s', this.socket, ...args], { timeoutMs: 5_000 });
  }

  async bgpctlJson<T>(...args: string[]): Promise<T> {
    return JSON.parse(await this.bgpctl('-j', ...args)) as T;
  }

  async neighbor(address: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.bgpctlJson<{ neighbors?: Record<string, unknown>[] }>('show', 'neighbor', address);
    return r.neighbors?.find((n) => n['remote_addr'] === address);
  }

  async established(address: string): Promise<boolean> {
    return (await this.neighbor(address))?.['state'] === 'Established';
  }

  /** Routes in the RIB learned from `neighbor`, with communities (`show rib detail`). */
  async routesFrom(neighbor: string): Promise<PeerRoute[]> {
    const r = await this.bgpctlJson<{ rib?: RibEntry[] }>('show', 'rib', 'detail');
    return (r.rib ?? [])
      .filter((e) => e.neighbor?.remote_addr === neighbor)
      .map((e) => ({
        prefix: e.prefix ?? '',
        nextHop: e.exit_nexthop ?? '',
        asPath: (e.aspath ?? '').match(/\d+/g)?.map(Number) ?? [],
        origin: originFrom(e.origin),
        med: e.metric,
        communities: sortCommunities(e.communities ?? []),
        largeCommunities: sortCommunities(e.large_communities ?? []),
      }));
  }

  async route(prefix: string, neighbor: string): Promise<PeerRoute | undefined> {
    return (await this.routesFrom(neighbor)).find((r) => r.prefix === prefix);
  }

  log(): string {
    return this.process.output();
  }
}
