import { z } from 'zod';
import { familyOf, parsePrefixText, prefixCovers } from './addresses.js';
import type { Family, Parsed, ParsedPrefix } from './addresses.js';
import { hostAddress, ipAddress, localPref, med, nextHop, optionalAttributeFields, port, prefixField } from './bgp-fields.js';
import { resolveServiceAddress, serviceAddressChecks, serviceAddressSchema } from './address-schema.js';
import type { IssueSink } from './cross-checks.js';
import { bool, decimal, expecting, integer, list, oneOf, parsedText, seconds, section, text } from './fields.js';
import { checkLoadSource, LOAD_SOURCES, LOAD_UNITS, loadValueFits, loadWindow, measureOf } from './load-fields.js';
import type { LoadSource } from './load-fields.js';
import type { LoadMeasure } from '../health/probes/load.js';
import { HEALTH_DEFAULTS } from '../health/defaults.js';
import type { HookSpec, HookTrigger } from '../health/hooks.js';
import type { CompositePart, ProbeSpec, StatusMatch } from '../health/probe-spec.js';
import { DEFAULT_DRAIN, type DrainSettings } from '../announce/drain.js';
import type { LoadMedSettings } from '../announce/load-med.js';
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

/** Compiled here once, so a bad pattern is a config error at its line rather than a probe that always fails. */
const bodyRegex = () =>
  parsedText('a JavaScript regular expression', (s): Parsed<string> => {
    try {
      new RegExp(s);
      return ok(s);
    } catch (e) {
      return fail(`${JSON.stringify(s)} is not a valid pattern: ${(e as Error).message} (expected a JavaScript regular expression)`);
    }
  });

const httpCheck = () =>
  section(
    {
      url: httpUrl(),
      method: oneOf(['GET', 'HEAD', 'POST']).optional(),
      'expect-status': list(statusMatch(), 'a list of status codes').min(1, 'the list is empty (expected at least one status)').optional(),
      'body-contains': text().optional(),
      'body-regex': bodyRegex().optional(),
      headers: z.record(text('a header value'), { errorMap: expecting('a mapping of header names to values') }).optional(),
      'host-header': text().optional(),
      servername: text('a TLS server name').optional(),
      insecure: bool().default(false),
    },
    'a mapping with at least url',
  ).transform(
    (h): ProbeSpec => ({
      ...h.url,
      ...(h.method !== undefined ? { method: h.method } : {}),
      ...(h.expectStatus !== undefined ? { status: h.expectStatus } : {}),
      ...(h.bodyContains !== undefined ? { bodyContains: h.bodyContains } : {}),
      ...(h.bodyRegex !== undefined ? { bodyRegex: h.bodyRegex } : {}),
      ...(h.headers !== undefined ? { headers: h.headers } : {}),
      ...(h.hostHeader !== undefined ? { hostHeader: h.hostHeader } : {}),
      ...(h.servername !== undefined ? { servername: h.servername } : {}),
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

const dnsName = () =>
  parsedText('a domain name', (s): Parsed<string> =>
    s !== '' && Buffer.byteLength(s) <= 253 && !/\s/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not a domain name (expected a domain name of 1..253 bytes without spaces)`),
  );

const dnsCheck = () =>
  section(
    {
      name: dnsName(),
      server: hostAddress('the resolver\'s IPv4 or IPv6 address'),
      port: port().optional(),
      type: oneOf(['A', 'AAAA']).default('A'),
      expect: list(ipAddress('an address the answer must hold'), 'a list of addresses').optional(),
    },
    'a mapping with name and server',
  ).transform((d, ctx): ProbeSpec => {
    d.expect?.forEach((a, i) => {
      const v6 = a.includes(':');
      if (v6 !== (d.type === 'AAAA')) {
        ctx.addIssue({ code: 'custom', path: ['expect', i], message: `${a} cannot be in an answer of type ${d.type} (expected ${d.type === 'A' ? 'IPv4' : 'IPv6'} addresses, or type ${v6 ? 'AAAA' : 'A'})` });
      }
    });
    return {
      kind: 'dns',
      name: d.name,
      server: d.server,
      type: d.type,
      ...(d.port !== undefined ? { port: d.port } : {}),
      ...(d.expect !== undefined ? { expect: d.expect } : {}),
    };
  });

const loadCheck = () =>
  section(
    {
      source: oneOf(LOAD_SOURCES),
      max: decimal(0, Number.MAX_SAFE_INTEGER, 'a threshold, 0 or more'),
      port: port().optional(),
      window: loadWindow().optional(),
    },
    'a mapping with source and max',
  ).transform((l, ctx): ProbeSpec => {
    checkLoadSource(l, ctx);
    loadValueFits(l.source, 'max', l.max, ctx);
    return { kind: 'load', max: l.max, ...measureOf(l.source, l.port, l.window) };
  });

/** Probe kinds a check (or a member of all-of / any-of) may name. */
export const CHECK_KINDS = ['tcp', 'http', 'exec', 'process', 'listener', 'dns', 'load', 'all-of', 'any-of'] as const;
type CheckKind = (typeof CHECK_KINDS)[number];

const probeShape = () => ({
  tcp: tcpCheck().optional(),
  http: httpCheck().optional(),
  exec: execCheck().optional(),
  process: processCheck().optional(),
  listener: listenerCheck().optional(),
  dns: dnsCheck().optional(),
  load: loadCheck().optional(),
  'all-of': z.lazy(() => partsSchema('all')).optional(),
  'any-of': z.lazy(() => partsSchema('any')).optional(),
});

type ProbeFields = { [K in CheckKind as K extends 'all-of' ? 'allOf' : K extends 'any-of' ? 'anyOf' : K]?: ProbeSpec | undefined };

/** The one probe named in a mapping of probe kinds, with its kind's key. */
function pickProbe(c: ProbeFields, ctx: z.RefinementCtx): { kind: CheckKind; spec: ProbeSpec } | undefined {
  const given = CHECK_KINDS.flatMap((k) => {
    const spec = c[k === 'all-of' ? 'allOf' : k === 'any-of' ? 'anyOf' : k];
    return spec === undefined ? [] : [{ kind: k, spec }];
  });
  if (given.length === 1) return given[0];
  ctx.addIssue({
    code: 'custom',
    message: `${given.length === 0 ? 'no probe given' : `${given.length} probes given`} (expected exactly one of ${CHECK_KINDS.join(', ')})`,
  });
  return undefined;
}

interface Member {
  readonly kind: CheckKind;
  readonly name: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly probe: ProbeSpec;
}

const memberName = () =>
  parsedText('a name of letters, digits, ., _ and -', (s): Parsed<string> =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not a check name (expected 1..63 letters, digits, ., _ and -)`),
  );

function memberSchema(): z.ZodType<Member, z.ZodTypeDef, unknown> {
  return section(
    { ...probeShape(), name: memberName().optional(), timeout: seconds(0.05, 600).optional() },
    `a mapping with one of ${CHECK_KINDS.join(', ')}, and optionally name and timeout`,
  ).transform((m, ctx): Member => {
    const picked = pickProbe(m, ctx);
    if (!picked) return z.NEVER;
    return { kind: picked.kind, name: m.name, timeoutMs: m.timeout, probe: picked.spec };
  });
}

/**
 * The members of all-of / any-of. A member without a name is called by its
 * kind ("http"), or by kind and position ("http-2") when its kind is there twice.
 */
function partsSchema(mode: 'all' | 'any'): z.ZodType<ProbeSpec, z.ZodTypeDef, unknown> {
  return list(z.lazy(memberSchema), 'a list of checks, each a mapping with one probe')
    .min(1, 'the list is empty (expected at least one check)')
    .transform((members, ctx): ProbeSpec => {
      const probes: CompositePart[] = [];
      const seen = new Map<string, number>();
      members.forEach((m, i) => {
        const twice = members.filter((x) => x.kind === m.kind && x.name === undefined).length > 1;
        const name = m.name ?? (twice ? `${m.kind}-${i + 1}` : m.kind);
        const first = seen.get(name);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${name} is already the name of check ${first + 1} in this list (expected each name once; give name: to one of them)` });
        } else seen.set(name, i);
        probes.push({ name, probe: m.probe, ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}) });
      });
      return { kind: 'composite', mode, probes };
    });
}

/** Exactly one probe kind. */
export const checkSchema = () =>
  section(probeShape(), `a mapping with one of ${CHECK_KINDS.join(', ')}`).transform((c, ctx): ProbeSpec => {
    const picked = pickProbe(c, ctx);
    return picked ? picked.spec : z.NEVER;
  });

/** Every composite member's own timeout, with its key path below `check`. */
function memberTimeouts(spec: ProbeSpec, path: (string | number)[] = []): { path: (string | number)[]; timeoutMs: number }[] {
  if (spec.kind !== 'composite') return [];
  const key = spec.mode === 'all' ? 'all-of' : 'any-of';
  return spec.probes.flatMap((p, i) => [
    ...(p.timeoutMs !== undefined ? [{ path: [...path, key, i, 'timeout'], timeoutMs: p.timeoutMs }] : []),
    ...memberTimeouts(p.probe, [...path, key, i]),
  ]);
}

const HOOK_TRIGGERS: readonly HookTrigger[] = ['any', 'up', 'down', 'disabled'];

const hookCommand = () =>
  list(text('a program or argument'), 'a list: the program and its arguments')
    .min(1, 'the list is empty (expected the program and its arguments)')
    .refine((c) => c[0] !== '', 'the program is empty (expected a program path)');

/** `hooks`: one command per trigger, all under one time limit. `any` runs before the state's own hook. */
const hooksSchema = () =>
  section(
    {
      any: hookCommand().optional(),
      up: hookCommand().optional(),
      down: hookCommand().optional(),
      disabled: hookCommand().optional(),
      timeout: seconds(0.1, 3600).default(HEALTH_DEFAULTS.hookTimeoutMs / 1000),
    },
    'a mapping with one or more of any, up, down, disabled (each a program and its arguments), and optionally timeout',
  ).transform((h, ctx): HookSpec[] => {
    const hooks = HOOK_TRIGGERS.flatMap((on): HookSpec[] => {
      const command = h[on];
      return command === undefined ? [] : [{ on, command, timeoutMs: h.timeout }];
    });
    if (hooks.length === 0) ctx.addIssue({ code: 'custom', message: `no hook given (expected one or more of ${HOOK_TRIGGERS.join(', ')})` });
    return hooks;
  });

const drainSchema = () =>
  section(
    {
      time: seconds(0, 3600).default(DEFAULT_DRAIN.timeMs / 1000),
      'local-pref': localPref().default(DEFAULT_DRAIN.localPref),
    },
    'a mapping with time and local-pref',
  ).transform((d): DrainSettings => ({ timeMs: d.time, localPref: d.localPref }));

/** A load-driven MED: what is measured, how often, and how load maps onto MED. */
export interface LoadMedConfig extends LoadMedSettings {
  readonly measure: LoadMeasure;
  /** Time between two readings. */
  readonly intervalMs: number;
}

/** Defaults of low and high where the unit allows one; connections need both given. */
const LOAD_RANGE: Readonly<Partial<Record<LoadSource, { low: number; high: number }>>> = {
  cpu: { low: 0.2, high: 1 },
  memory: { low: 0.5, high: 0.95 },
};

const medFromLoadSchema = () =>
  section(
    {
      source: oneOf(LOAD_SOURCES),
      port: port().optional(),
      window: loadWindow().optional(),
      low: decimal(0, Number.MAX_SAFE_INTEGER, 'the load at which the MED is min').optional(),
      high: decimal(0, Number.MAX_SAFE_INTEGER, 'the load at which the MED is max').optional(),
      min: med().default(0),
      max: med(),
      step: integer(1, 0xffffffff, 'a MED step 1..4294967295').optional(),
      hysteresis: decimal(0, 0.5, 'a part of a step 0..0.5').default(0.5),
      interval: seconds(0.1, 3600).default(5),
      'min-interval': seconds(0, 86400).default(30),
    },
    'a mapping with at least source and max',
  ).transform((m, ctx): LoadMedConfig => {
    checkLoadSource(m, ctx);
    const range = LOAD_RANGE[m.source];
    const low = m.low ?? range?.low;
    const high = m.high ?? range?.high;
    for (const [key, v] of [['low', low], ['high', high]] as const) {
      if (v === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `missing (expected ${LOAD_UNITS[m.source]}: source ${m.source} has no default)` });
    }
    const fits = low !== undefined && high !== undefined && loadValueFits(m.source, 'low', low, ctx) && loadValueFits(m.source, 'high', high, ctx);
    if (fits && high <= low) ctx.addIssue({ code: 'custom', path: ['high'], message: `${high} is not above low ${low} (expected more than ${low})` });
    if (m.max <= m.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `${m.max} is not above min ${m.min} (expected more than ${m.min})` });
    return {
      measure: measureOf(m.source, m.port, m.window),
      intervalMs: m.interval,
      low: low ?? 0,
      high: high ?? 0,
      minMed: m.min,
      maxMed: m.max,
      // Ten steps by default: fine enough to rank instances, coarse enough that a step is a real change in load.
      step: m.step ?? Math.max(1, Math.ceil((m.max - m.min) / 10)),
      hysteresis: m.hysteresis,
      minIntervalMs: m.minInterval,
    };
  });

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

const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A parsed check back in the file's form (every kind, composites with their names and timeouts), for `floatd check`. */
export function checkToFile(c: ProbeSpec): Record<string, unknown> {
  switch (c.kind) {
    case 'tcp':
      return { tcp: defined({ host: c.host, port: c.port, 'local-address': c.localAddress }) };
    case 'http':
    case 'https': {
      const host = c.host.includes(':') ? `[${c.host}]` : c.host;
      return {
        http: defined({
          url: `${c.kind}://${host}${c.port === undefined ? '' : `:${c.port}`}${c.path ?? '/'}`,
          method: c.method,
          'expect-status': c.status?.map((m) => (typeof m === 'number' ? m : `${m[0]}-${m[1]}`)),
          'body-contains': c.bodyContains,
          'body-regex': c.bodyRegex,
          headers: c.headers,
          'host-header': c.hostHeader,
          servername: c.servername,
          insecure: c.insecure ?? false,
        }),
      };
    }
    case 'exec':
      return { exec: defined({ command: c.command, env: c.env, cwd: c.cwd }) };
    case 'process':
      return { process: 'pidFile' in c ? { 'pid-file': c.pidFile } : 'pid' in c ? { pid: c.pid } : { unit: c.unit } };
    case 'listener':
      return { listener: defined({ port: c.port, address: c.address }) };
    case 'dns':
      return { dns: defined({ name: c.name, server: c.server, port: c.port, type: c.type ?? 'A', expect: c.expect }) };
    case 'load':
      return {
        load: defined({ source: c.metric, max: c.max, port: c.metric === 'connections' ? c.port : undefined, window: c.metric === 'cpu' ? c.window : undefined }),
      };
    case 'composite':
      return {
        [c.mode === 'all' ? 'all-of' : 'any-of']: c.probes.map((p) => ({
          name: p.name,
          ...checkToFile(p.probe),
          ...(p.timeoutMs !== undefined ? { timeout: p.timeoutMs / 1000 } : {}),
        })),
      };
  }
}

/** hooks, drain, drain-on-stop and med-from-load of a parsed service, in the file's form. */
export function serviceExtrasToFile(s: Pick<ServiceSchemaOutput, 'hooks' | 'drain' | 'drainOnStop' | 'medFromLoad'>): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const h of s.hooks) {
    hooks[h.on] = h.command;
    if (h.timeoutMs !== undefined) hooks['timeout'] = h.timeoutMs / 1000;
  }
  const m = s.medFromLoad;
  return defined({
    hooks: s.hooks.length > 0 ? hooks : undefined,
    drain: { time: s.drain.timeMs / 1000, 'local-pref': s.drain.localPref },
    'drain-on-stop': s.drainOnStop,
    'med-from-load':
      m === undefined
        ? undefined
        : defined({
            source: m.measure.metric,
            port: m.measure.metric === 'connections' ? m.measure.port : undefined,
            window: m.measure.metric === 'cpu' ? m.measure.window : undefined,
            low: m.low,
            high: m.high,
            min: m.minMed,
            max: m.maxMed,
            step: m.step,
            hysteresis: m.hysteresis,
            interval: m.intervalMs / 1000,
            'min-interval': m.minIntervalMs / 1000,
          }),
  });
}
