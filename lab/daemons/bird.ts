// BIRD 2 in a lab namespace: config writer, start, and queries through birdc
// on a private control socket. One BIRD per namespace and router address.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, LabError, run, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { originFrom, sortCommunities } from './peer-route.js';
import type { PeerRoute } from './peer-route.js';

export interface BirdSession {
  /** Protocol name; `instance`, `roles` and `rs` are BIRD keywords. */
  readonly name: string;
  readonly localAddress: string;
  readonly localAs: number;
  readonly neighborAddress: string;
  readonly neighborAs: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly passive?: boolean;
  readonly multihop?: number;
  readonly password?: string;
  readonly holdTime?: number;
  /** `min hold time`: BIRD refuses a shorter proposal with NOTIFICATION 2/6 (Unacceptable Hold Time). */
  readonly minHoldTime?: number;
  /** `bfd on`, with a `protocol bfd` at these timers (ms). */
  readonly bfd?: { readonly minRxMs: number; readonly minTxMs: number; readonly multiplier: number };
  /** The session's channels; default `[family]`. */
  readonly channels?: readonly ('ipv4' | 'ipv6')[];
  /**
   * IPv4 routes with IPv6 next hops on an IPv6 session (RFC 8950), resolved
   * through master6: `extended next hop on; igp table master6;` in the ipv4 channel.
   */
  readonly extendedNextHop?: boolean;
  /** What the session's channels import, in BIRD's words (`all`, `filter NAME`, `where ...`); default `all`. */
  readonly import?: string;
  /** What they export; default the `originate` routes of the channel's family. */
  readonly export?: string;
  /** `graceful restart on` (the capability BIRD shows as `restart-able`). */
  readonly gracefulRestart?: boolean;
}

/** `protocol kernel`: the best routes of a family into the namespace's FIB. */
export interface BirdKernel {
  readonly families: readonly ('ipv4' | 'ipv6')[];
  /** `merge paths on`: equal-cost BGP routes become one multipath route (ECMP). */
  readonly mergePaths?: boolean;
}

export interface BirdConfig {
  readonly routerId: string;
  readonly sessions: readonly BirdSession[];
  /** Prefixes BIRD originates (as blackhole routes) and exports to every session of their family. */
  readonly originate?: readonly string[];
  /** Routes for resolving multihop next hops: `{ prefix, via }`. */
  readonly staticRoutes?: readonly { readonly prefix: string; readonly via: string }[];
  /** Families of `protocol direct`: connected networks in BIRD's tables, for resolving next hops. */
  readonly direct?: readonly ('ipv4' | 'ipv6')[];
  /** Export routes into the kernel's FIB. */
  readonly kernel?: BirdKernel;
  /** Filter and function definitions, placed before the protocols, for sessions' `import`/`export`. */
  readonly filters?: string;
}

const isV6 = (p: string) => p.includes(':');

/** The bird.conf text for `c`. Logs everything to stderr, which the lab keeps in the process log. */
export function birdConfigText(c: BirdConfig): string {
  const out: string[] = [`log stderr all;`, `router id ${c.routerId};`, `protocol device { }`];
  if (c.direct !== undefined && c.direct.length > 0) out.push(`protocol direct {\n${c.direct.map((f) => `  ${f};`).join('\n')}\n}`);
  for (const fam of c.kernel?.families ?? []) {
    out.push(`protocol kernel kernel_${fam} {\n  ${fam} { export all; };\n${c.kernel?.mergePaths === true ? '  merge paths on;\n' : ''}}`);
  }
  if (c.filters !== undefined) out.push(c.filters.trim());
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const routes = (c.originate ?? []).filter((p) => isV6(p) === (fam === 'ipv6')).map((p) => `  route ${p} blackhole;`);
    const via = (c.staticRoutes ?? []).filter((r) => isV6(r.prefix) === (fam === 'ipv6')).map((r) => `  route ${r.prefix} via ${r.via};`);
    if (routes.length > 0) out.push(`protocol static originate_${fam} {\n  ${fam};\n${routes.join('\n')}\n}`);
    if (via.length > 0) out.push(`protocol static igp_${fam} {\n  ${fam};\n${via.join('\n')}\n}`);
  }
  const bfd = c.sessions.find((s) => s.bfd !== undefined)?.bfd;
  if (bfd) {
    const t = `    min rx interval ${bfd.minRxMs} ms;\n    min tx interval ${bfd.minTxMs} ms;\n    multiplier ${bfd.multiplier};`;
    // `debug { states, events }` logs each session's state change, so a run can count BIRD's Downs.
    out.push(`protocol bfd {\n  debug { states, events };\n  interface "*" {\n${t}\n  };\n  multihop {\n${t}\n  };\n}`);
  }
  for (const s of c.sessions) {
    const lines = [
      `protocol bgp ${s.name} {`,
      `  local ${s.localAddress} as ${s.localAs};`,
      `  neighbor ${s.neighborAddress} as ${s.neighborAs};`,
      `  strict bind on;`,
      `  hold time ${s.holdTime ?? 9};`,
      `  connect delay time 1;`,
      `  connect retry time 1;`,
      `  error wait time 1, 2;`,
    ];
    if (s.passive === true) lines.push(`  passive on;`);
    if (s.minHoldTime !== undefined) lines.push(`  min hold time ${s.minHoldTime};`);
    if (s.multihop !== undefined) lines.push(`  multihop ${s.multihop};`);
    if (s.password !== undefined) lines.push(`  password "${s.password}";`);
    if (s.gracefulRestart === true) lines.push(`  graceful restart on;`);
    if (s.bfd !== undefined) lines.push(`  bfd on;`);
    for (const ch of s.channels ?? [s.family]) {
      lines.push(`  ${ch} {`, `    import ${s.import ?? 'all'};`, `    export ${s.export ?? `where proto = "originate_${ch}"`};`);
      if (ch === 'ipv4' && s.extendedNextHop === true) lines.push(`    extended next hop on;`, `    igp table master6;`);
      lines.push(`  };`);
    }
    lines.push(`}`);
    out.push(lines.join('\n'));
  }
  return out.join('\n\n') + '\n';
}

export class Bird {
  private constructor(
    readonly process: LabProcess,
    readonly socket: string,
  ) {}

  /** Checks the config (`bird -p`), starts BIRD in the foreground and waits for its control socket. */
  static async start(lab: Lab, ns: string, name: string, config: BirdConfig): Promise<Bird> {
    const conf = join(lab.dir, `${name}.conf`);
    writeFileSync(conf, birdConfigText(config));
    await check('bird', ['-p', '-c', conf]);
    const socket = join(lab.dir, `${name}.ctl`);
    const proc = lab.spawn(ns, name, 'bird', ['-f', '-c', conf, '-s', socket, '-P', join(lab.dir, `${name}.pid`)]);
    const bird = new Bird(proc, socket);
    await waitFor(`BIRD ${name}'s control socket`, async () => proc.running && (await run('birdc', ['-s', socket, 'show', 'status'])).code === 0, { timeoutMs: 20_000 });
    return bird;
  }

  async birdc(...args: string[]): Promise<string> {
    return check('birdc', ['-s', this.socket, ...args], { timeoutMs: 5_000 });
  }

  /** The Info column of `show protocols NAME`: "Established", "Active", "Passive"... */
  async protocolInfo(name: string): Promise<string> {
    const text = await this.birdc('show', 'protocols', name);
    const line = text.split('\n').find((l) => l.startsWith(name + ' '));
    return line?.trim().split(/\s+/).slice(5).join(' ') ?? '';
  }

  async established(name: string): Promise<boolean> {
    return (await this.protocolInfo(name)).startsWith('Established');
  }

  /** `show protocols all NAME`, whole. */
  async protocolDetails(name: string): Promise<string> {
    return this.birdc('show', 'protocols', 'all', name);
  }

  /** Per channel of protocol `name`, its route counters (`Routes:` lines of `show protocols all`). */
  async channelRoutes(name: string): Promise<{ channel: string; imported: number; exported: number }[]> {
    const out: { channel: string; imported: number; exported: number }[] = [];
    let channel = '';
    for (const line of (await this.protocolDetails(name)).split('\n')) {
      const ch = /^\s*Channel (\S+)/.exec(line);
      if (ch) channel = ch[1]!;
      const r = /^\s*Routes:\s*(\d+) imported,.*?(\d+) exported/.exec(line);
      if (r) out.push({ channel, imported: Number(r[1]), exported: Number(r[2]) });
    }
    return out;
  }

  /** `show route PREFIX all` as BIRD prints it, or undefined when BIRD has no such network. */
  async routeText(prefix: string): Promise<string | undefined> {
    const r = await run('birdc', ['-s', this.socket, 'show', 'route', prefix, 'all'], { timeoutMs: 5_000 });
    if (r.stdout.includes('Network not found')) return undefined;
    if (r.code !== 0) throw new LabError(`birdc show route ${prefix} all ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  /** The route for exactly `prefix` learned by protocol `from`, or undefined. */
  async route(prefix: string, from: string): Promise<PeerRoute | undefined> {
    const r = await run('birdc', ['-s', this.socket, 'show', 'route', prefix, 'all'], { timeoutMs: 5_000 });
    // birdc exits 1 on BIRD's "Network not found" reply.
    if (r.stdout.includes('Network not found')) return undefined;
    if (r.code !== 0) throw new LabError(`birdc show route ${prefix} all ${r.code === null ? 'failed' : `exited ${r.code}`}: ${(r.stderr || r.stdout).trim()}`);
    return parseBirdRoutes(r.stdout).find((r) => r.protocol === from)?.route;
  }

  /** Every BGP route learned by protocol `from`. */
  async routesFrom(from: string): Promise<PeerRoute[]> {
    const text = await this.birdc('show', 'route', 'protocol', from, 'all');
    return parseBirdRoutes(text)
      .filter((r) => r.protocol === from)
      .map((r) => r.route);
  }

  /**
   * The protocols holding a route for exactly `prefix`, best first, with
   * `best` true on the one BIRD selected (the `*` in `show route`).
   */
  async routeSources(prefix: string): Promise<{ protocol: string; best: boolean }[]> {
    const text = await this.routeText(prefix);
    if (text === undefined) return [];
    const out: { protocol: string; best: boolean }[] = [];
    for (const line of text.split('\n')) {
      const m = /^(?:\S+)?\s+\S+\s+\[(\S+)\s[^\]]*\]\s*(\*)?/.exec(line);
      if (m !== null && !line.startsWith('\t')) out.push({ protocol: m[1]!, best: m[2] === '*' });
    }
    return out;
  }

  /** `birdc restart NAME`: the session drops with every route it brought, and starts again. */
  async restart(protocol: string): Promise<void> {
    await this.birdc('restart', protocol);
  }

  log(): string {
    return this.process.output();
  }
}

/** Parses `birdc show route ... all` into routes with the protocol that brought each. */
export function parseBirdRoutes(text: string): { protocol: string; route: PeerRoute }[] {
  const out: { protocol: string; route: PeerRoute }[] = [];
  let prefix = '';
  let cur: { protocol: string; attrs: Map<string, string>; via?: string } | undefined;
  const flush = () => {
    if (cur === undefined) return;
    const a = cur.attrs;
    const asPath = (a.get('BGP.as_path') ?? '').match(/\d+/g)?.map(Number) ?? [];
    const communities = [...(a.get('BGP.community') ?? '').matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
    const large = [...(a.get('BGP.large_community') ?? '').matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
    const med = a.get('BGP.med');
    out.push({
      protocol: cur.protocol,
      route: {
        prefix,
        nextHop: (a.get('BGP.next_hop') ?? cur.via ?? '').trim().split(/\s+/)[0] ?? '',
        asPath,
        origin: originFrom(a.get('BGP.origin')),
        med: med === undefined ? undefined : Number(med),
        communities: sortCommunities(communities),
        largeCommunities: sortCommunities(large),
      },
    });
    cur = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('BIRD ') || line.startsWith('Table ') || line.trim() === '') continue;
    if (line.startsWith('\t')) {
      const t = line.trim();
      const via = /^via (\S+)/.exec(t);
      if (via && cur) cur.via = via[1];
      const kv = /^([\w.]+):\s*(.*)$/.exec(t);
      if (kv && cur) cur.attrs.set(kv[1]!, kv[2]!);
      continue;
    }
    flush();
    const m = /^(\S+)?\s+\S+\s+\[(\S+)/.exec(line);
    if (m === null) continue;
    if (m[1] !== undefined) prefix = m[1];
    cur = { protocol: m[2]!, attrs: new Map() };
  }
  flush();
  return out;
}
