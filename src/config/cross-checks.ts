import { familyOf, parsePrefixText, prefixCovers } from './addresses.js';
import type { Family, ParsedPrefix } from './addresses.js';

/** The parts of a parsed config that checks across sections look at. */
export interface CrossCheckInput {
  readonly listen?: unknown;
  readonly neighbors: readonly {
    readonly address: string;
    readonly passive: boolean;
    readonly families: readonly Family[];
    readonly extendedNextHop: boolean;
  }[];
  readonly announce: readonly {
    readonly prefix: string;
    readonly nextHop?: string | undefined;
    readonly neighbors?: readonly string[] | undefined;
  }[];
  readonly allow?: readonly string[] | undefined;
}

export type IssueSink = (path: (string | number)[], message: string) => void;

const label = (f: Family): string => (f === 'ipv4' ? 'IPv4' : 'IPv6');

/** The `allow` list parsed; entries that do not parse are reported by the field itself. */
export function parsedAllow(texts: readonly string[] | undefined): ParsedPrefix[] {
  const out: ParsedPrefix[] = [];
  for (const t of texts ?? []) {
    const p = parsePrefixText(t);
    if (p.ok) out.push(p.value);
  }
  return out;
}

/**
 * Why `p` may not be announced, or undefined. A default route (0.0.0.0/0,
 * ::/0) would pull a neighbor's traffic for everywhere to this host, so it is
 * announced only when `allow` lists it itself, whether or not `allow` is set.
 * Otherwise, when `allow` is set, the prefix must lie inside one of its entries.
 */
export function allowProblem(p: ParsedPrefix, allowTexts: readonly string[] | undefined, allow: readonly ParsedPrefix[]): string | undefined {
  if (p.len === 0 && !allow.some((a) => a.len === 0 && a.family === p.family)) {
    return `${p.text} is a default route, announced only when allow lists it (expected allow: [${p.text}] to announce it, or a more specific prefix)`;
  }
  if (allowTexts !== undefined && !allow.some((entry) => prefixCovers(entry, p))) {
    return `${p.text} is outside the allow list (expected ${allowTexts.length === 0 ? 'the allow list is empty' : `inside one of ${allowTexts.join(', ')}`})`;
  }
  return undefined;
}

/**
 * Checks that relate sections to each other. Returns, per announce entry, the
 * neighbors that will receive it: the listed ones, or every neighbor carrying
 * the prefix's family.
 */
export function crossChecks(c: CrossCheckInput, issue: IssueSink): { announceTargets: string[][] } {
  const byAddress = new Map<string, number>();
  c.neighbors.forEach((n, i) => {
    const first = byAddress.get(n.address);
    if (first !== undefined) issue(['neighbors', i, 'address'], `${n.address} is already configured at neighbors[${first}] (expected each neighbor address once)`);
    else byAddress.set(n.address, i);
  });

  const allow = parsedAllow(c.allow);

  const seen = new Map<string, number>();
  const announceTargets = c.announce.map((a, i) => {
    const parsed = parsePrefixText(a.prefix);
    if (!parsed.ok) return [];
    const p = parsed.value;
    const refused = allowProblem(p, c.allow, allow);
    if (refused !== undefined) issue(['announce', i, 'prefix'], refused);

    let targets: string[];
    if (a.neighbors !== undefined) {
      targets = [];
      a.neighbors.forEach((addr, j) => {
        const n = byAddress.get(addr);
        const neighbor = n === undefined ? undefined : c.neighbors[n];
        if (neighbor === undefined) {
          issue(['announce', i, 'neighbors', j], `${addr} is not a configured neighbor (expected one of ${[...byAddress.keys()].join(', ')})`);
        } else if (!neighbor.families.includes(p.family)) {
          issue(['announce', i, 'neighbors', j], `neighbor ${addr} does not carry ${p.family} (expected a neighbor with ${p.family} in families)`);
        } else {
          targets.push(addr);
        }
      });
    } else {
      targets = [...byAddress.entries()].filter(([, n]) => c.neighbors[n]!.families.includes(p.family)).map(([addr]) => addr);
      if (targets.length === 0) {
        issue(['announce', i, 'prefix'], `${p.text} is ${label(p.family)} but no neighbor carries ${p.family} (expected a neighbor with ${p.family} in families)`);
      }
    }

    // RFC 8950: an IPv6 next hop for IPv4 routes only where that encoding was configured.
    if (a.nextHop !== undefined && a.nextHop !== 'self' && p.family === 'ipv4' && familyOf(a.nextHop) === 'ipv6') {
      for (const addr of targets) {
        if (!c.neighbors[byAddress.get(addr)!]!.extendedNextHop) {
          issue(['announce', i, 'next-hop'], `${a.nextHop} is IPv6 but neighbor ${addr} has no extended-next-hop (expected an IPv4 address or self)`);
        }
      }
    }

    for (const addr of targets) {
      const key = `${p.text} ${addr}`;
      const first = seen.get(key);
      if (first !== undefined) issue(['announce', i, 'prefix'], `${p.text} is already announced to ${addr} by announce[${first}] (expected each prefix once per neighbor)`);
      else seen.set(key, i);
    }
    return targets;
  });
  return { announceTargets };
}

/**
 * The listener a passive neighbor implies when there is no `listen` section:
 * port 179 (RFC 4271 8.2.1), as BIRD, FRR, GoBGP and OpenBGPD listen by
 * default. On the passive neighbors' shared local-address, else the
 * wildcard of their one family, else `::` (which on Linux also accepts IPv4
 * unless net.ipv6.bindv6only is set).
 */
export function impliedListen(neighbors: readonly { readonly address: string; readonly passive: boolean; readonly localAddress?: string | undefined }[]): { address: string; port: number } | undefined {
  const passive = neighbors.filter((n) => n.passive);
  if (passive.length === 0) return undefined;
  const locals = new Set(passive.map((n) => n.localAddress ?? (familyOf(n.address) === 'ipv4' ? '0.0.0.0' : '::')));
  const [only] = locals;
  return { address: locals.size === 1 && only !== undefined ? only : '::', port: 179 };
}

/** What outletChecks reads. */
export interface OutletCheckInput {
  readonly neighbors: readonly unknown[];
  /** False when the key is absent (reported as missing rather than empty). */
  readonly neighborsGiven: boolean;
  readonly services?: readonly { readonly prefixes: readonly string[] }[] | undefined;
  /** VRRP entries move addresses by themselves, tracked services or not. */
  readonly vrrp?: readonly unknown[] | undefined;
}

/**
 * Every service needs a way out: BGP prefixes, or another user of its
 * health (dns records, vrrp). BGP neighbors are needed unless some service
 * has another way out or VRRP entries move addresses; prefixes without
 * neighbors are reported per prefix.
 */
export function outletChecks(c: OutletCheckInput, usedElsewhere: (service: number) => boolean, issue: IssueSink): void {
  const services = c.services ?? [];
  services.forEach((s, i) => {
    if (s.prefixes.length === 0 && !usedElsewhere(i)) issue(['services', i, 'prefixes'], 'the list is empty (expected at least one prefix, or a service used by dns or vrrp)');
  });
  if (c.neighbors.length > 0 || (c.vrrp ?? []).length > 0 || services.some((_, i) => usedElsewhere(i))) return;
  if (!c.neighborsGiven) issue(['neighbors'], 'missing (expected a list of neighbors; only a config with vrrp entries or services that use dns may have none)');
  else issue(['neighbors'], 'the list is empty (expected at least one neighbor, unless there are vrrp entries or services that use dns)');
}
