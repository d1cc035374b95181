// The failover lab's network: a router namespace running real BIRD 2 (or
// FRR) that installs equal-cost BGP routes into its kernel FIB as one
// multipath route, instance namespaces behind it, each holding the floating
// address on `lo`, and a client namespace whose traffic to the floating
// address crosses the router.
//
//   client 10.211.100.2 -- 10.211.100.1  router  10.211.K.1 -- 10.211.K.2 instance K (192.0.2.10/32 on lo)
//
// The router hashes flows on ports too (fib_multipath_hash_policy 1), so
// new connections spread over every next hop. BIRD applies the receiver's
// side of RFC 8326: a path tagged GRACEFUL_SHUTDOWN (65535:0) gets LOCAL_PREF
// 0, so a draining instance leaves the multipath route before its withdraw.

import { Bird } from '../daemons/bird.js';
import type { BirdSession } from '../daemons/bird.js';
import { Frr } from '../daemons/frr.js';
import { check } from '../netns.js';
import type { Lab } from '../netns.js';

export const VIP = '192.0.2.10';
export const VIP_PREFIX = `${VIP}/32`;
export const ROUTER_AS = 65000;
export const INSTANCE_AS = 65001;
export const HTTP_PORT = 80;
/** Hold time the router proposes; the session uses the smaller of both sides' (Linode's route servers use 9 s). */
export const ROUTER_HOLD_TIME = 9;

export type RouterKind = 'bird' | 'frr';

/** One instance's namespace and addresses. */
export interface Site {
  /** a, b, c: also what its HTTP service answers. */
  readonly name: string;
  readonly ns: string;
  /** The instance's address on its link to the router: its BGP source and next hop. */
  readonly address: string;
  readonly routerAddress: string;
  /** The instance's end of the link (for link-down). */
  readonly ifname: string;
}

/** What scenarios ask of the router, whichever daemon it runs. */
export interface LabRouter {
  readonly kind: RouterKind;
  /** Neighbor addresses the router holds a route for `prefix` from. */
  routeSources(prefix: string): Promise<string[]>;
  /** Drops every instance session with its routes (stale ones included); the sessions may come back at once. */
  resetSessions(): Promise<void>;
  log(): string;
}

export interface FailoverLabOptions {
  readonly router?: RouterKind;
  /** Instance count, 1..9; default 3. */
  readonly instances?: number;
}

const NAMES = 'abcdefghi';

/** RFC 8326 section 4, the receiving side: LOCAL_PREF 0 for paths tagged GRACEFUL_SHUTDOWN. */
export const GRACEFUL_SHUTDOWN_FILTER = ['filter graceful_shutdown {', '  if (65535, 0) ~ bgp_community then bgp_local_pref = 0;', '  accept;', '}'].join('\n');

class BirdRouter implements LabRouter {
  readonly kind = 'bird';
  constructor(
    private readonly bird: Bird,
    private readonly protocols: ReadonlyMap<string, string>,
  ) {}

  async routeSources(prefix: string): Promise<string[]> {
    const sources = await this.bird.routeSources(prefix);
    return sources.map((s) => this.protocols.get(s.protocol)).filter((a): a is string => a !== undefined);
  }

  async resetSessions(): Promise<void> {
    for (const p of this.protocols.keys()) await this.bird.restart(p);
  }

  log(): string {
    return this.bird.log();
  }
}

class FrrRouter implements LabRouter {
  readonly kind = 'frr';
  constructor(
    private readonly frr: Frr,
    private readonly neighbors: readonly string[],
  ) {}

  async routeSources(prefix: string): Promise<string[]> {
    return (await this.frr.routeSources(prefix)).map((s) => s.neighbor);
  }

  async resetSessions(): Promise<void> {
    for (const n of this.neighbors) await this.frr.clear(n);
  }

  log(): string {
    return this.frr.log();
  }
}

export class FailoverLab {
  private constructor(
    readonly lab: Lab,
    readonly routerNs: string,
    readonly router: LabRouter,
    readonly sites: readonly Site[],
    readonly clientNs: string,
  ) {}

  /** Builds namespaces, links and routes, and starts the router; the instances' daemons are the scenarios' business. */
  static async build(lab: Lab, o: FailoverLabOptions = {}): Promise<FailoverLab> {
    const count = o.instances ?? 3;
    if (count < 1 || count > NAMES.length) throw new RangeError(`instances: 1..${NAMES.length}`);
    const quiet = async (ns: string) => {
      // Replies leave by the default route, not the link a request came in on; strict reverse-path filtering would drop them.
      for (const k of ['all', 'default']) await lab.sysctl(ns, `net.ipv4.conf.${k}.rp_filter`, '0');
    };
    const routerNs = await lab.namespace('router');
    await quiet(routerNs);
    await lab.sysctl(routerNs, 'net.ipv4.ip_forward', '1');
    await lab.sysctl(routerNs, 'net.ipv4.fib_multipath_hash_policy', '1');
    const clientNs = await lab.namespace('client');
    await quiet(clientNs);
    await lab.veth(routerNs, clientNs, { ifA: 'fr0', ifB: 'fc0', addrA: ['10.211.100.1/30'], addrB: ['10.211.100.2/30'] });
    await lab.route(clientNs, ['default', 'via', '10.211.100.1']);

    const sites: Site[] = [];
    for (let k = 1; k <= count; k++) {
      const name = NAMES[k - 1]!;
      const ns = await lab.namespace(`inst-${name}`);
      await quiet(ns);
      const site: Site = { name, ns, address: `10.211.${k}.2`, routerAddress: `10.211.${k}.1`, ifname: `fi${k}` };
      await lab.veth(routerNs, ns, { ifA: `fr${k}`, ifB: site.ifname, addrA: [`${site.routerAddress}/30`], addrB: [`${site.address}/30`] });
      await lab.addAddress(ns, 'lo', VIP_PREFIX);
      await lab.route(ns, ['default', 'via', site.routerAddress]);
      sites.push(site);
    }

    let router: LabRouter;
    if ((o.router ?? 'bird') === 'bird') {
      const protocols = new Map(sites.map((s) => [`inst_${s.name}`, s.address]));
      const sessions: BirdSession[] = sites.map((s) => ({
        name: `inst_${s.name}`,
        localAddress: s.routerAddress,
        localAs: ROUTER_AS,
        neighborAddress: s.address,
        neighborAs: INSTANCE_AS,
        family: 'ipv4',
        holdTime: ROUTER_HOLD_TIME,
        import: 'filter graceful_shutdown',
        export: 'none',
      }));
      const bird = await Bird.start(lab, routerNs, 'router-bird', {
        routerId: '10.211.100.1',
        sessions,
        kernel: { families: ['ipv4'], mergePaths: true },
        filters: GRACEFUL_SHUTDOWN_FILTER,
      });
      router = new BirdRouter(bird, protocols);
    } else {
      const frr = await Frr.start(lab, routerNs, 'router-frr', {
        as: ROUTER_AS,
        routerId: '10.211.100.1',
        maximumPaths: 8,
        neighbors: sites.map((s) => ({ address: s.address, peerAs: INSTANCE_AS, localAddress: s.routerAddress, holdTime: ROUTER_HOLD_TIME })),
      });
      router = new FrrRouter(
        frr,
        sites.map((s) => s.address),
      );
    }
    return new FailoverLab(lab, routerNs, router, sites, clientNs);
  }

  site(name: string): Site {
    const s = this.sites.find((x) => x.name === name);
    if (s === undefined) throw new RangeError(`no instance ${name}`);
    return s;
  }

  /** Site name for an instance address (a next hop or a BGP neighbor), or the address itself. */
  nameOf(address: string): string {
    return this.sites.find((s) => s.address === address)?.name ?? address;
  }

  /** Instances the router's kernel FIB sends `prefix` to now (sorted names; empty without a route). */
  async fib(prefix = VIP_PREFIX): Promise<string[]> {
    const out = await check('ip', ['-j', '-n', this.routerNs, 'route', 'show', prefix], { timeoutMs: 10_000 });
    const routes = JSON.parse(out.trim() || '[]') as { gateway?: string; nexthops?: { gateway?: string }[] }[];
    const gws = routes.flatMap((r) => (r.nexthops !== undefined ? r.nexthops.map((n) => n.gateway) : [r.gateway])).filter((g): g is string => g !== undefined);
    return gws.map((g) => this.nameOf(g)).sort();
  }

  /** Instances the router holds a BGP route for `prefix` from (sorted names). */
  async bgpSources(prefix = VIP_PREFIX): Promise<string[]> {
    return (await this.router.routeSources(prefix)).map((a) => this.nameOf(a)).sort();
  }
}
