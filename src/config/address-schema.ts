import { z } from 'zod';
import { fail, familyOf, ok, parsePrefixText, prefixCovers } from './addresses.js';
import type { Family, Parsed, ParsedPrefix } from './addresses.js';
import { attributeFields, hostAddress, nextHop, prefixField } from './bgp-fields.js';
import type { IssueSink } from './cross-checks.js';
import { bool, integer, list, parsedText, seconds, section, text } from './fields.js';
import { ALL_INTERFACES, interfaceNameProblem, labelProblem, parseLocalAddress } from '../net/address-names.js';
import type { ProbeSpec } from '../health/index.js';

/**
 * Floating addresses on the host.
 *
 * A service's `address` puts its addresses on an interface (add before
 * announce, remove only after withdraw) and, with `require`, holds the
 * service down while one is missing. The addresses are the service's host
 * prefixes (/32, /128); a service with a wider prefix lists them in
 * `addresses`.
 *
 *   address: { interface: lo, label: lo:web, add: true, remove-when-down: false, require: true }
 *
 * The top-level `watch` announces the addresses found on an interface, like
 * BIRD's `protocol direct` or lelastic: each address inside `prefixes` (the
 * watch's allow-list) becomes a /32 or /128, or for IPv6 the covering /64 or
 * /56 (`ipv6-length`).
 *
 *   watch: { interface: lo, label: "lo:bgp*", prefixes: [192.0.2.0/24], ipv6-length: 64, med: 100 }
 */

export const interfaceName = (what = 'an interface name such as lo', allowAll = false) =>
  parsedText(what, (s): Parsed<string> => {
    if (s === ALL_INTERFACES && !allowAll) return fail(`"*" (every interface) is only for watch (expected ${what})`);
    if (s === ALL_INTERFACES) return ok(s);
    const p = interfaceNameProblem(s);
    return p === undefined ? ok(s) : fail(p);
  });

/** An address for an interface, as a host prefix: "192.0.2.10" and "192.0.2.10/32" both give 192.0.2.10/32. */
const hostPrefix = () =>
  parsedText('an address such as 192.0.2.10 or 2001:db8::10', (s): Parsed<string> => {
    const a = parseLocalAddress(s);
    if (typeof a === 'string') return fail(a);
    const max = a.family === 'ipv4' ? 32 : 128;
    if (a.length !== max) return fail(`${s} is not a single address (expected an address such as ${a.address}, or ${a.address}/${max})`);
    return ok(a.text);
  });

const duplicates = (items: readonly string[], path: string, what: string, ctx: z.RefinementCtx): void => {
  items.forEach((x, i) => {
    if (items.indexOf(x) !== i) ctx.addIssue({ code: 'custom', path: [path, i], message: `${x} is listed twice (expected each ${what} once)` });
  });
};

/** A service's `address` mapping; checks against the service's prefixes and check are made by serviceAddressChecks. */
export const serviceAddressSchema = () =>
  section(
    {
      interface: interfaceName().default('lo'),
      /** IPv4 only: IPv6 addresses have no label. */
      label: text('a label such as lo:web').optional(),
      /** Put the addresses on the interface (at start, and again if they go). */
      add: bool().default(true),
      /** Remove them while the service's prefixes are withdrawn; otherwise they stay until floatd stops. */
      'remove-when-down': bool().default(false),
      /** Hold the service down while an address is missing from the interface; default on, unless remove-when-down is. */
      require: bool().optional(),
      /** Default: the service's prefixes, which must then be host prefixes. */
      addresses: list(hostPrefix(), 'a list of addresses').min(1, 'the list is empty (expected at least one address, or no addresses key)').optional(),
    },
    'a mapping of interface, label, add, remove-when-down, require, addresses',
  ).superRefine((a, ctx) => {
    if (a.label !== undefined) {
      const p = labelProblem(a.interface, a.label);
      if (p !== undefined) ctx.addIssue({ code: 'custom', path: ['label'], message: p });
    }
    if (!a.add && a.removeWhenDown) {
      ctx.addIssue({ code: 'custom', path: ['remove-when-down'], message: 'floatd only removes addresses it added (expected add: true, or no remove-when-down)' });
    }
    if (a.require === true && a.removeWhenDown) {
      ctx.addIssue({
        code: 'custom',
        path: ['require'],
        message: 'require holds the service down while its address is missing, and remove-when-down removes the address while the service is down, so it could never come up (expected require: false or remove-when-down: false)',
      });
    }
    if (!a.add && a.require === false) {
      ctx.addIssue({ code: 'custom', path: ['require'], message: 'with add and require both off the section does nothing (expected add: true or require: true, or no address section)' });
    }
    if (a.addresses) duplicates(a.addresses, 'addresses', 'address', ctx);
  });

export type ServiceAddressInput = z.output<ReturnType<typeof serviceAddressSchema>>;

/** A service's resolved address settings. */
export interface ServiceAddress {
  readonly interface: string;
  readonly label?: string;
  readonly add: boolean;
  readonly removeWhenDown: boolean;
  readonly require: boolean;
  /** Host prefixes, each inside one of the service's prefixes. */
  readonly addresses: readonly string[];
  /** Per service prefix (in the order of `prefixes`), the addresses inside it. */
  readonly byPrefix: readonly (readonly string[])[];
}

const parsedPrefixes = (texts: readonly string[]): (ParsedPrefix | undefined)[] =>
  texts.map((t) => {
    const p = parsePrefixText(t);
    return p.ok ? p.value : undefined;
  });

const isHost = (p: ParsedPrefix): boolean => p.len === (p.family === 'ipv4' ? 32 : 128);

/** The addresses a probe connects to (tcp host, http host, listener address), through composites. */
function checkTargets(spec: ProbeSpec): string[] {
  switch (spec.kind) {
    case 'tcp':
    case 'http':
    case 'https':
      return [spec.host];
    case 'listener':
      return spec.address !== undefined ? [spec.address] : [];
    case 'composite':
      return spec.probes.flatMap((p) => checkTargets(p.probe));
    default:
      return [];
  }
}

/** The fields of a service that its address section is checked against. */
export interface ServiceAddressCheckInput {
  readonly prefixes: readonly string[];
  readonly address?: ServiceAddressInput | undefined;
  readonly check?: ProbeSpec | undefined;
}

/**
 * Checks a service's `address` against its prefixes and its check; `issue`
 * paths are relative to the service. Call from the service's superRefine.
 */
export function serviceAddressChecks(s: ServiceAddressCheckInput, issue: IssueSink): void {
  const a = s.address;
  if (a === undefined) return;
  const prefixes = parsedPrefixes(s.prefixes);
  const resolved = resolveServiceAddress(s.prefixes, a);
  if (a.addresses === undefined) {
    prefixes.forEach((p, i) => {
      if (p && !isHost(p)) {
        issue(['address'], `${p.text} at prefixes[${i}] is wider than one address, so the address to put on ${a.interface} is unknown (expected host prefixes (/32, /128), or address.addresses listing the addresses)`);
      }
    });
  } else {
    a.addresses.forEach((addr, i) => {
      const host = parsePrefixText(addr);
      if (host.ok && !prefixes.some((p) => p !== undefined && prefixCovers(p, host.value))) {
        issue(['address', 'addresses', i], `${addr.replace(/\/\d+$/, '')} is outside every prefix of this service (expected an address inside ${s.prefixes.join(' or ')})`);
      }
    });
    prefixes.forEach((p, i) => {
      if (p && resolved.byPrefix[i]?.length === 0) {
        issue(['address', 'addresses'], `no address lies inside ${p.text} at prefixes[${i}] (expected at least one address inside each prefix)`);
      }
    });
  }
  if (a.label !== undefined && !resolved.addresses.some((x) => familyOf(x) === 'ipv4')) {
    issue(['address', 'label'], 'labels are for IPv4 addresses and this service has none (expected no label)');
  }
  if (a.removeWhenDown && s.check !== undefined) {
    const mine = new Set(resolved.addresses.map((x) => x.replace(/\/\d+$/, '')));
    for (const target of checkTargets(s.check)) {
      const t = parseLocalAddress(target.replace(/^\[(.*)\]$/, '$1'));
      if (typeof t !== 'string' && mine.has(t.address)) {
        issue(['address', 'remove-when-down'], `the check connects to ${t.address}, which is removed while the service is down, so the service could never come back up (expected remove-when-down: false, or a check on another address)`);
      }
    }
  }
}

/** The resolved settings; meaningful once serviceAddressChecks found nothing wrong. */
export function resolveServiceAddress(prefixes: readonly string[], a: ServiceAddressInput): ServiceAddress {
  const parsed = parsedPrefixes(prefixes);
  const addresses = a.addresses ?? parsed.filter((p): p is ParsedPrefix => p !== undefined && isHost(p)).map((p) => p.text);
  const hosts = parsedPrefixes(addresses);
  const byPrefix = parsed.map((p) =>
    p === undefined ? [] : addresses.filter((_, j) => {
      const h = hosts[j];
      return h !== undefined && prefixCovers(p, h);
    }),
  );
  return {
    interface: a.interface,
    ...(a.label !== undefined ? { label: a.label } : {}),
    add: a.add,
    removeWhenDown: a.removeWhenDown,
    require: a.require ?? !a.removeWhenDown,
    addresses,
    byPrefix,
  };
}

/** An address in two services' sections would be added and removed by both: refused. */
export function addressCrossChecks(
  services: readonly { readonly name: string; readonly address?: { readonly interface: string; readonly addresses: readonly string[] } | undefined }[],
  issue: IssueSink,
): void {
  const owner = new Map<string, string>();
  services.forEach((s, i) => {
    if (!s.address) return;
    for (const addr of s.address.addresses) {
      const key = `${s.address.interface} ${addr}`;
      const first = owner.get(key);
      const bare = addr.replace(/\/\d+$/, '');
      if (first !== undefined) issue(['services', i, 'address'], `${bare} on ${s.address.interface} is already managed by ${first} (expected each address in one service)`);
      else owner.set(key, `services[${i}] (${s.name})`);
    }
  });
}

/** Announced IPv6 length per address: lelastic announces a /64, or a /56 with -send56. */
export const IPV6_WATCH_LENGTHS = [128, 64, 56] as const;

const ipv6Length = () =>
  integer(0, 128, 'one of 128, 64, 56').superRefine((n, ctx) => {
    if (Number.isInteger(n) && n >= 0 && n <= 128 && !(IPV6_WATCH_LENGTHS as readonly number[]).includes(n)) {
      ctx.addIssue({ code: 'custom', message: `${n} is not allowed (expected one of 128, 64, 56)` });
    }
  });

/** The top-level `watch` section. */
export const watchSchema = () =>
  section(
    {
      interface: interfaceName('an interface name such as lo, or "*" for every interface', true).default('lo'),
      /** IPv4 label, exact or a glob with * and ?; IPv6 addresses have no label and are chosen by prefixes alone. */
      label: text('a label or a glob such as "lo:bgp*"').optional(),
      /** The allow-list: only addresses inside these are announced; others are refused with a warning. */
      prefixes: list(prefixField(), 'a list of prefixes').min(1, 'the list is empty (expected at least one prefix: watch mode announces only addresses inside them)'),
      'ipv6-length': ipv6Length().default(128),
      'rescan-interval': seconds(1, 3600).default(30),
      /** Absent: the next hop configured on each neighbor. */
      'next-hop': nextHop().optional(),
      ...attributeFields(),
      neighbors: list(hostAddress('a neighbor address'), 'a list of neighbor addresses').optional(),
    },
    'a mapping with at least prefixes',
  )
    .superRefine((w, ctx) => {
      if (w.label !== undefined) {
        const glob = /[*?]/.test(w.label);
        const p = glob ? (/[\s/]/.test(w.label) ? `label ${JSON.stringify(w.label)} contains a space or / (expected a label such as ${w.interface}:bgp*)` : undefined) : labelProblem(w.interface, w.label);
        if (p !== undefined) ctx.addIssue({ code: 'custom', path: ['label'], message: p });
      }
      duplicates(w.prefixes, 'prefixes', 'prefix', ctx);
      if (w.neighbors) duplicates(w.neighbors, 'neighbors', 'neighbor', ctx);
      if (w.nextHop !== undefined && w.nextHop !== 'self' && familyOf(w.nextHop) === 'ipv4') {
        w.prefixes.forEach((p, i) => {
          if (p.includes(':')) ctx.addIssue({ code: 'custom', path: ['next-hop'], message: `${w.nextHop} cannot be the next hop of IPv6 prefix ${p} at prefixes[${i}] (expected self or an IPv6 address)` });
        });
      }
      w.prefixes.forEach((t, i) => {
        const p = parsePrefixText(t);
        if (p.ok && p.value.family === 'ipv6' && p.value.len > w.ipv6Length) {
          ctx.addIssue({ code: 'custom', path: ['prefixes', i], message: `${t} is narrower than ipv6-length /${w.ipv6Length}, so no /${w.ipv6Length} fits inside it (expected a prefix of /${w.ipv6Length} or wider)` });
        }
      });
    })
    .transform((w) => ({
      interface: w.interface,
      label: w.label,
      prefixes: w.prefixes,
      ipv6Length: w.ipv6Length as (typeof IPV6_WATCH_LENGTHS)[number],
      rescanMs: w.rescanInterval,
      nextHop: w.nextHop,
      med: w.med,
      prepend: w.prepend,
      communities: w.communities,
      largeCommunities: w.largeCommunities,
      localPref: w.localPref,
      neighbors: w.neighbors,
    }));

export type WatchConfig = z.output<ReturnType<typeof watchSchema>>;

/** What watchChecks reads of the rest of the config. */
export interface WatchCheckInput {
  readonly neighbors: readonly { readonly address: string; readonly families: readonly Family[]; readonly extendedNextHop: boolean }[];
  readonly allow?: readonly string[] | undefined;
  readonly watch?: WatchConfig | undefined;
}

/**
 * The watch's prefixes inside `allow`; its neighbors configured and carrying
 * the families of its prefixes. Returns the neighbors that receive an
 * announced prefix of each family.
 */
export function watchChecks(c: WatchCheckInput, issue: IssueSink): Record<Family, string[]> {
  const targets: Record<Family, string[]> = { ipv4: [], ipv6: [] };
  const w = c.watch;
  if (w === undefined) return targets;
  const allow = parsedPrefixes(c.allow ?? []).filter((p): p is ParsedPrefix => p !== undefined);
  const families = new Set<Family>();
  w.prefixes.forEach((t, i) => {
    const p = parsePrefixText(t);
    if (!p.ok) return;
    families.add(p.value.family);
    if (c.allow !== undefined && !allow.some((a) => prefixCovers(a, p.value))) {
      issue(['watch', 'prefixes', i], `${t} is outside the allow list (expected ${c.allow.length === 0 ? 'the allow list is empty' : `inside one of ${c.allow.join(', ')}`})`);
    }
  });
  const chosen =
    w.neighbors === undefined
      ? c.neighbors
      : w.neighbors.flatMap((addr, k) => {
          const n = c.neighbors.find((x) => x.address === addr);
          if (!n) issue(['watch', 'neighbors', k], `${addr} is not a configured neighbor (expected one of ${c.neighbors.map((x) => x.address).join(', ')})`);
          return n ? [n] : [];
        });
  for (const f of families) {
    targets[f] = chosen.filter((n) => n.families.includes(f)).map((n) => n.address);
    if (targets[f].length === 0) issue(['watch', 'prefixes'], `the watch announces ${f} prefixes but no ${w.neighbors === undefined ? '' : 'listed '}neighbor carries ${f} (expected a neighbor with ${f} in families)`);
  }
  // RFC 8950: an IPv6 next hop for IPv4 routes only where that encoding was configured.
  if (w.nextHop !== undefined && w.nextHop !== 'self' && familyOf(w.nextHop) === 'ipv6') {
    for (const addr of targets.ipv4) {
      if (!c.neighbors.find((x) => x.address === addr)?.extendedNextHop) {
        issue(['watch', 'next-hop'], `${w.nextHop} is IPv6 but neighbor ${addr} has no extended-next-hop (expected an IPv4 address or self)`);
      }
    }
  }
  return targets;
}
