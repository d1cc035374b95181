import { z } from 'zod';
import { familyOf, parsePrefixText, prefixCovers } from './addresses.js';
import type { Family, Parsed, ParsedPrefix } from './addresses.js';
import { communities, hostAddress, largeCommunities, nextHop, port, prefixField } from './bgp-fields.js';
import type { IssueSink } from './cross-checks.js';
import { bool, expecting, integer, list, oneOf, parsedText, section, text } from './fields.js';
import { HEALTH_DEFAULTS } from '../health/defaults.js';
import type { ProbeSpec, StatusMatch } from '../health/probe-spec.js';
import type { AnnounceAttributes, Role, RoleStyle, StateAction } from '../announce/policy.js';

/**
 * `services`: prefixes announced while a health check passes. Each entry maps
 * onto a health ProbeSpec, the service thresholds and an announce policy.
 */

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Linode's route servers prefer 65000:1 over 65000:2 over 65000:3. */
export const DEFAULT_ROLE_COMMUNITIES: Readonly<Record<Role, number>> = {
  primary: 65000 * 65536 + 1,
  secondary: 65000 * 65536 + 2,
  tertiary: 65000 * 65536 + 3,
};

const absolutePath = (what = 'an absolute path') =>
  parsedText(what, (s): Parsed<string> => (s.startsWith('/') ? ok(s) : fail(`${JSON.stringify(s)} is not absolute (expected ${what})`)));

/** Seconds with decimals, kept as whole milliseconds. */
const seconds = (min: number, max: number) => {
  const what = `a number of seconds ${min}..${max}`;
  return z.number({ errorMap: expecting(what) }).transform((n, ctx) => {
    if (!(n >= min && n <= max)) {
      ctx.addIssue({ code: 'custom', message: `${n} is out of range (expected ${what})` });
      return z.NEVER;
    }
    return Math.round(n * 1000);
  });
};

const statusMatch = () =>
  z.union([z.number(), z.string()], { errorMap: expecting('a status code such as 200 or a range such as "200-299"') }).transform((v, ctx): StatusMatch => {
    const what = 'a status code 100..599 or a range such as "200-299"';
    const codeOk = (n: number): boolean => Number.isInteger(n) && n >= 100 && n <= 599;
    if (typeof v === 'number') {
      if (codeOk(v)) return v;
    } else {
      const m = /^(\d{3})-(\d{3})$/.exec(v);
      const lo = Number(m?.[1]);
      const hi = Number(m?.[2]);
      if (m && codeOk(lo) && codeOk(hi) && lo <= hi) return [lo, hi];
    }
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a status (expected ${what})` });
    return z.NEVER;
  });

interface UrlParts {
  readonly kind: 'http' | 'https';
  readonly host: string;
  readonly port?: number;
  readonly path: string;
}

const httpUrl = () =>
  parsedText('an http:// or https:// URL', (s): Parsed<UrlParts> => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return fail(`${JSON.stringify(s)} is not a URL (expected an http:// or https:// URL)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail(`${u.protocol} is not supported (expected an http:// or https:// URL)`);
    if (u.username !== '' || u.password !== '') return fail('credentials in the URL would be logged (expected a URL without user:password@; use headers)');
    return ok({
      kind: u.protocol === 'https:' ? 'https' : 'http',
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      ...(u.port !== '' ? { port: Number(u.port) } : {}),
      path: `${u.pathname}${u.search}`,
    });
  });

const tcpCheck = () =>
  section({ host: text('a host name or address'), port: port(), 'local-address': hostAddress().optional() }, 'a mapping with host and port').transform(
    (t): ProbeSpec => ({ kind: 'tcp', host: t.host, port: t.port, ...(t.localAddress !== undefined ? { localAddress: t.localAddress } : {}) }),
  );

const httpCheck = () =>
  section(
    {
      url: httpUrl(),
      method: oneOf(['GET', 'HEAD', 'POST']).optional(),
      'expect-status': list(statusMatch(), 'a list of status codes').min(1, 'the list is empty (expected at least one status)').optional(),
      'body-contains': text().optional(),
      headers: z.record(text('a header value'), { errorMap: expecting('a mapping of header names to values') }).optional(),
      'host-header': text().optional(),
      insecure: bool().default(false),
    },
    'a mapping with at least url',
  ).transform(
    (h): ProbeSpec => ({
      ...h.url,
      ...(h.method !== undefined ? { method: h.method } : {}),
      ...(h.expectStatus !== undefined ? { status: h.expectStatus } : {}),
      ...(h.bodyContains !== undefined ? { bodyContains: h.bodyContains } : {}),
      ...(h.headers !== undefined ? { headers: h.headers } : {}),
      ...(h.hostHeader !== undefined ? { hostHeader: h.hostHeader } : {}),
      ...(h.insecure ? { insecure: true } : {}),
    }),
  );

const execCheck = () =>
  section(
    {
      command: list(text('a program or argument'), 'a list: the program and its arguments')
        .min(1, 'the list is empty (expected the program and its arguments)')
        .refine((c) => c[0] !== '', 'the program is empty (expected a program path)'),
      env: z.record(text('a value'), { errorMap: expecting('a mapping of variable names to values') }).optional(),
      cwd: absolutePath().optional(),
    },
    'a mapping with command',
  ).transform(
    (e): ProbeSpec => ({
      kind: 'exec',
      command: e.command,
      ...(e.env !== undefined ? { env: e.env } : {}),
      ...(e.cwd !== undefined ? { cwd: e.cwd } : {}),
    }),
  );

const processCheck = () =>
  section(
    { 'pid-file': absolutePath().optional(), pid: integer(1, 4194304, 'a process id').optional(), unit: text('a systemd unit name').optional() },
    'a mapping with one of pid-file, pid, unit',
  ).transform((p, ctx): ProbeSpec => {
    const given = [p.pidFile !== undefined, p.pid !== undefined, p.unit !== undefined].filter(Boolean).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', message: `${given === 0 ? 'nothing to watch' : 'more than one thing to watch'} (expected exactly one of pid-file, pid, unit)` });
      return z.NEVER;
    }
    if (p.pidFile !== undefined) return { kind: 'process', pidFile: p.pidFile };
    if (p.pid !== undefined) return { kind: 'process', pid: p.pid };
    return { kind: 'process', unit: p.unit! };
  });

const listenerCheck = () =>
  section({ port: port(), address: hostAddress().optional() }, 'a mapping with port').transform(
    (l): ProbeSpec => ({ kind: 'listener', port: l.port, ...(l.address !== undefined ? { address: l.address } : {}) }),
  );

const CHECK_KINDS = ['tcp', 'http', 'exec', 'process', 'listener'] as const;

/** Exactly one probe kind. */
export const checkSchema = () =>
  section(
    { tcp: tcpCheck().optional(), http: httpCheck().optional(), exec: execCheck().optional(), process: processCheck().optional(), listener: listenerCheck().optional() },
    `a mapping with one of ${CHECK_KINDS.join(', ')}`,
  ).transform((c, ctx): ProbeSpec => {
    const specs = [c.tcp, c.http, c.exec, c.process, c.listener].filter((s): s is ProbeSpec => s !== undefined);
    if (specs.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `${specs.length === 0 ? 'no probe given' : `${specs.length} probes given`} (expected exactly one of ${CHECK_KINDS.join(', ')})`,
      });
      return z.NEVER;
    }
    return specs[0]!;
  });

const attributeShape = {
  med: integer(0, 0xffffffff, 'a MED 0..4294967295').optional(),
  prepend: integer(0, 32, 'a number of extra AS copies 0..32').optional(),
  communities: communities().optional(),
  'large-communities': largeCommunities().optional(),
  'local-pref': integer(0, 0xffffffff, 'a LOCAL_PREF 0..4294967295').optional(),
};

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

const attributeSection = () => section(attributeShape, 'withdraw or a mapping of attributes (med, prepend, communities, large-communities, local-pref)');

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
  prefixes: list(prefixField(), 'a list of prefixes').min(1, 'the list is empty (expected at least one prefix)'),
  check: checkSchema(),
  rise: integer(1, 100).default(HEALTH_DEFAULTS.rise),
  fall: integer(1, 100).default(HEALTH_DEFAULTS.fall),
  interval: seconds(0.1, 3600).default(HEALTH_DEFAULTS.intervalMs / 1000),
  'fast-interval': seconds(0.05, 3600).default(HEALTH_DEFAULTS.fastIntervalMs / 1000),
  timeout: seconds(0.05, 600).default(HEALTH_DEFAULTS.timeoutMs / 1000),
  'disable-file': absolutePath().optional(),
  /** Absent: the next hop configured on each neighbor. */
  'next-hop': nextHop().optional(),
  ...attributeShape,
  'when-down': stateAction().optional(),
  'when-disabled': stateAction().optional(),
  role: oneOf(['primary', 'secondary', 'tertiary']).optional(),
  'role-style': oneOf(['prepend', 'med', 'community']).default('prepend'),
  failback: bool().default(true),
  neighbors: list(hostAddress('a neighbor address'), 'a list of neighbor addresses').optional(),
};

const roleStyleOf = (kind: 'prepend' | 'med' | 'community'): RoleStyle =>
  kind === 'community' ? { kind, communities: DEFAULT_ROLE_COMMUNITIES } : { kind };

/** One `services` entry; checks against neighbors, `announce` and `allow` are made by serviceChecks. */
export const serviceSchema = () =>
  section(serviceShape, 'a mapping with at least name, prefixes and check')
    .superRefine((s, ctx) => {
      s.prefixes.forEach((p, i) => {
        if (s.prefixes.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['prefixes', i], message: `${p} is listed twice (expected each prefix once)` });
      });
      s.neighbors?.forEach((addr, i) => {
        if (s.neighbors!.indexOf(addr) !== i) ctx.addIssue({ code: 'custom', path: ['neighbors', i], message: `${addr} is listed twice (expected each neighbor once)` });
      });
      if (s.timeout > s.interval) {
        ctx.addIssue({ code: 'custom', path: ['timeout'], message: `${s.timeout / 1000} s is longer than the interval (expected at most ${s.interval / 1000} s)` });
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
 * prefix's neighbors exist and carry its family. Returns, per service and
 * prefix, the neighbors that receive it.
 */
export function serviceChecks(c: ServiceCheckInput, issue: IssueSink): string[][][] {
  const services = c.services ?? [];
  const names = new Map<string, number>();
  const owner = new Map<string, string>();
  for (const [i, a] of c.announce.entries()) if (!owner.has(a.prefix)) owner.set(a.prefix, `announce[${i}]`);
  const allow: ParsedPrefix[] = [];
  for (const t of c.allow ?? []) {
    const p = parsePrefixText(t);
    if (p.ok) allow.push(p.value);
  }
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
      if (c.allow !== undefined && !allow.some((entry) => prefixCovers(entry, p))) {
        issue(where, `${p.text} is outside the allow list (expected ${c.allow.length === 0 ? 'the allow list is empty' : `inside one of ${c.allow.join(', ')}`})`);
      }

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
