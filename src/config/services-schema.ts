import { z } from 'zod';
import { fail, familyOf, ok, parsePrefixText } from './addresses.js';
import type { Family, Parsed } from './addresses.js';
import { hostAddress, localPref, nextHop, optionalAttributeFields, prefixField } from './bgp-fields.js';
import { resolveServiceAddress, serviceAddressChecks, serviceAddressSchema } from './address-schema.js';
import { checkSchema, memberTimeouts } from './checks/index.js';
import { allowProblem, parsedAllow } from './cross-checks.js';
import type { IssueSink } from './cross-checks.js';
import { absolutePath, bool, defined, integer, list, oneOf, parsedText, seconds, section } from './fields.js';
import { hooksSchema, hooksToFile } from './hooks-schema.js';
import { serviceDnsSchema } from './dns-schema.js';
import { medFromLoadSchema, medFromLoadToFile } from './med-from-load-schema.js';
import { HEALTH_DEFAULTS } from '../health/index.js';
import type { HookSpec } from '../health/index.js';
import { DEFAULT_DRAIN, type DrainSettings } from '../route-policy/drain.js';
import type { AnnounceAttributes, Role, RoleStyle, StateAction } from '../route-policy/policy.js';

/**
 * `services`: prefixes announced while a health check passes. Each entry maps
 * onto a health ProbeSpec, the service thresholds and an announce policy.
 */

/** Linode's route servers prefer 65000:1 over 65000:2 over 65000:3. */
export const DEFAULT_ROLE_COMMUNITIES: Readonly<Record<Role, number>> = {
  primary: 65000 * 65536 + 1,
  secondary: 65000 * 65536 + 2,
  tertiary: 65000 * 65536 + 3,
};

const drainSchema = () =>
  section(
    {
      time: seconds(0, 3600).default(DEFAULT_DRAIN.timeMs / 1000),
      'local-pref': localPref().default(DEFAULT_DRAIN.localPref),
    },
    'a mapping with time and local-pref',
  ).transform((d): DrainSettings => ({ timeMs: d.time, localPref: d.localPref }));

const attributesOf = (a: {
  med?: number | undefined;
  prepend?: number | undefined;
  communities?: number[] | undefined;
  largeCommunities?: AnnounceAttributes['largeCommunities'] | undefined;
  localPref?: number | undefined;
}): AnnounceAttributes => ({
  ...(a.med !== undefined ? { med: a.med } : {}),
  ...(a.prepend !== undefined ? { prepend: a.prepend } : {}),
  ...(a.communities !== undefined ? { communities: a.communities } : {}),
  ...(a.largeCommunities !== undefined ? { largeCommunities: a.largeCommunities } : {}),
  ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
});

const attributeSection = () => section(optionalAttributeFields(), 'withdraw or a mapping of attributes (med, prepend, communities, large-communities, local-pref)');

/** `withdraw`, or the attributes to announce with in that state. */
const stateAction = () =>
  z.unknown().transform((v, ctx): StateAction => {
    if (v === 'withdraw') return 'withdraw';
    if (typeof v === 'string') {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not allowed (expected withdraw or a mapping of attributes)` });
      return z.NEVER;
    }
    const r = attributeSection().safeParse(v);
    if (r.success) return { announce: attributesOf(r.data) };
    for (const issue of r.error.issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, ...(issue.code === 'custom' && issue.params ? { params: issue.params } : {}) });
    }
    return z.NEVER;
  });

const serviceName = () =>
  parsedText('a name of letters, digits, ., _ and -', (s): Parsed<string> =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not a service name (expected 1..63 letters, digits, ., _ and -)`),
  );

const serviceShape = {
  name: serviceName(),
  // May be empty for a service with another way out (outletChecks).
  prefixes: list(prefixField(), 'a list of prefixes').default([]),
  check: checkSchema(),
  rise: integer(1, 100).default(HEALTH_DEFAULTS.rise),
  fall: integer(1, 100).default(HEALTH_DEFAULTS.fall),
  interval: seconds(0.1, 3600).default(HEALTH_DEFAULTS.intervalMs / 1000),
  'fast-interval': seconds(0.05, 3600).default(HEALTH_DEFAULTS.fastIntervalMs / 1000),
  timeout: seconds(0.05, 600).default(HEALTH_DEFAULTS.timeoutMs / 1000),
  'disable-file': absolutePath().optional(),
  /** Absent: the next hop configured on each neighbor. */
  'next-hop': nextHop().optional(),
  ...optionalAttributeFields(),
  'when-down': stateAction().optional(),
  'when-disabled': stateAction().optional(),
  role: oneOf(['primary', 'secondary', 'tertiary']).optional(),
  'role-style': oneOf(['prepend', 'med', 'community']).default('prepend'),
  failback: bool().default(true),
  neighbors: list(hostAddress('a neighbor address'), 'a list of neighbor addresses').optional(),
  address: serviceAddressSchema().optional(),
  hooks: hooksSchema().optional(),
  drain: drainSchema().default({}),
  'drain-on-stop': bool().default(false),
  'med-from-load': medFromLoadSchema().optional(),
  dns: serviceDnsSchema().optional(),
};

const roleStyleOf = (kind: 'prepend' | 'med' | 'community'): RoleStyle =>
  kind === 'community' ? { kind, communities: DEFAULT_ROLE_COMMUNITIES } : { kind };

/** One `services` entry; checks against neighbors, `announce` and `allow` are made by serviceChecks. */
export const serviceSchema = () =>
  section(serviceShape, 'a mapping with at least name, prefixes and check')
    .superRefine((s, ctx) => {
      serviceAddressChecks(s, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
      s.prefixes.forEach((p, i) => {
        if (s.prefixes.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['prefixes', i], message: `${p} is listed twice (expected each prefix once)` });
      });
      s.neighbors?.forEach((addr, i) => {
        if (s.neighbors!.indexOf(addr) !== i) ctx.addIssue({ code: 'custom', path: ['neighbors', i], message: `${addr} is listed twice (expected each neighbor once)` });
      });
      if (s.timeout > s.interval) {
        ctx.addIssue({ code: 'custom', path: ['timeout'], message: `${s.timeout / 1000} s is longer than the interval (expected at most ${s.interval / 1000} s)` });
      }
      // The whole check is cut at the service's timeout, so a member's own limit must come first.
      for (const m of memberTimeouts(s.check)) {
        if (m.timeoutMs > s.timeout) {
          ctx.addIssue({ code: 'custom', path: ['check', ...m.path], message: `${m.timeoutMs / 1000} s is longer than the service's timeout (expected at most ${s.timeout / 1000} s)` });
        }
      }
      if (s.medFromLoad !== undefined && s.med !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['med'], message: 'med-from-load sets the MED while up (expected either med or med-from-load, not both)' });
      }
      if (s.nextHop !== undefined && s.nextHop !== 'self' && familyOf(s.nextHop) === 'ipv4') {
        s.prefixes.forEach((p, i) => {
          if (!p.includes(':')) return;
          const message = `${s.nextHop} cannot be the next hop of IPv6 prefix ${p} at prefixes[${i}] (expected self or an IPv6 address)`;
          ctx.addIssue({ code: 'custom', path: ['next-hop'], message });
        });
      }
    })
    .transform((s) => ({
      name: s.name,
      prefixes: s.prefixes,
      check: s.check,
      rise: s.rise,
      fall: s.fall,
      intervalMs: s.interval,
      fastIntervalMs: s.fastInterval,
      timeoutMs: s.timeout,
      disableFile: s.disableFile,
      nextHop: s.nextHop,
      up: attributesOf(s),
      whenDown: s.whenDown ?? ('withdraw' as StateAction),
      whenDisabled: s.whenDisabled ?? ('withdraw' as StateAction),
      role: s.role,
      roleStyle: roleStyleOf(s.roleStyle),
      failback: s.failback,
      neighbors: s.neighbors,
      address: s.address === undefined ? undefined : resolveServiceAddress(s.prefixes, s.address),
      hooks: s.hooks ?? ([] as HookSpec[]),
      drain: s.drain,
      drainOnStop: s.drainOnStop,
      medFromLoad: s.medFromLoad,
      /** Names as written; the top-level schema makes them absolute in the zone. */
      dns: s.dns ?? [],
    }));

export const servicesSchema = () => list(serviceSchema(), 'a list of services');

/** What serviceChecks reads of the rest of the config. */
export interface ServiceCheckInput {
  readonly neighbors: readonly { readonly address: string; readonly families: readonly Family[]; readonly extendedNextHop: boolean }[];
  readonly announce: readonly { readonly prefix: string }[];
  readonly allow?: readonly string[] | undefined;
  readonly services?:
    | readonly { readonly name: string; readonly prefixes: readonly string[]; readonly nextHop?: string | undefined; readonly neighbors?: readonly string[] | undefined }[]
    | undefined;
}

/**
 * Service names unique; a prefix in at most one service and never also in
 * `announce` (two owners would fight over one route); inside `allow`; each
 * prefix's neighbors exist and carry its family; prefixes present unless the
 * service is in `usedBeyondBgp` (tracked by VRRP or DNS). Returns, per service and
 * prefix, the neighbors that receive it.
 */
export function serviceChecks(c: ServiceCheckInput, issue: IssueSink): string[][][] {
  const services = c.services ?? [];
  const names = new Map<string, number>();
  const owner = new Map<string, string>();
  for (const [i, a] of c.announce.entries()) if (!owner.has(a.prefix)) owner.set(a.prefix, `announce[${i}]`);
  const allow = parsedAllow(c.allow);
  const carrying = (f: Family) => c.neighbors.filter((n) => n.families.includes(f));

  return services.map((s, i) => {
    const first = names.get(s.name);
    if (first !== undefined) issue(['services', i, 'name'], `${s.name} is already the name of services[${first}] (expected each service name once)`);
    else names.set(s.name, i);

    return s.prefixes.map((text, j) => {
      const parsed = parsePrefixText(text);
      if (!parsed.ok) return [];
      const p = parsed.value;
      const where = ['services', i, 'prefixes', j];
      const taken = owner.get(p.text);
      if (taken !== undefined) issue(where, `${p.text} is already announced by ${taken} (expected each prefix in one place: announce or one service)`);
      else owner.set(p.text, `services[${i}] (${s.name})`);
      const refused = allowProblem(p, c.allow, allow);
      if (refused !== undefined) issue(where, refused);

      let targets: string[];
      if (s.neighbors !== undefined) {
        targets = [];
        s.neighbors.forEach((addr, k) => {
          const n = c.neighbors.find((x) => x.address === addr);
          if (!n) issue(['services', i, 'neighbors', k], `${addr} is not a configured neighbor (expected one of ${c.neighbors.map((x) => x.address).join(', ')})`);
          else if (!n.families.includes(p.family)) {
            issue(['services', i, 'neighbors', k], `neighbor ${addr} does not carry ${p.family}, needed for ${p.text} (expected a neighbor with ${p.family} in families)`);
          }
          else targets.push(addr);
        });
      } else {
        targets = carrying(p.family).map((n) => n.address);
        if (targets.length === 0) issue(where, `${p.text} is ${p.family} but no neighbor carries ${p.family} (expected a neighbor with ${p.family} in families)`);
      }
      // RFC 8950: an IPv6 next hop for IPv4 routes only where that encoding was configured.
      if (s.nextHop !== undefined && s.nextHop !== 'self' && p.family === 'ipv4' && familyOf(s.nextHop) === 'ipv6') {
        for (const addr of targets) {
          if (!c.neighbors.find((x) => x.address === addr)?.extendedNextHop) {
            issue(['services', i, 'next-hop'], `${s.nextHop} is IPv6 but neighbor ${addr} has no extended-next-hop (expected an IPv4 address or self)`);
          }
        }
      }
      return targets;
    });
  });
}

export type ServiceSchemaOutput = z.output<ReturnType<typeof serviceSchema>>;

/** hooks, drain, drain-on-stop and med-from-load of a parsed service, in the file's form. */
export function serviceExtrasToFile(s: Pick<ServiceSchemaOutput, 'hooks' | 'drain' | 'drainOnStop' | 'medFromLoad'>): Record<string, unknown> {
  const m = s.medFromLoad;
  return defined({
    hooks: s.hooks.length > 0 ? hooksToFile(s.hooks) : undefined,
    drain: { time: s.drain.timeMs / 1000, 'local-pref': s.drain.localPref },
    'drain-on-stop': s.drainOnStop,
    'med-from-load': m === undefined ? undefined : medFromLoadToFile(m),
  });
}
