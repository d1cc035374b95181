import { z } from 'zod';
import { addressCrossChecks, watchChecks, watchSchema } from './address-schema.js';
import { fail, isUnspecified, ok, parseAddress } from './addresses.js';
import type { Parsed } from './addresses.js';
import { announceSchema } from './announce-schema.js';
import { asn, ipAddress, port, prefixField, routerId, socketPath } from './bgp-fields.js';
import { crossChecks, impliedListen, outletChecks } from './cross-checks.js';
import { dnsChecks, dnsSchema } from './dns-schema.js';
import { list, parsedAny, section, text } from './fields.js';
import { metricsActionsSchema } from './metrics-actions-schema.js';
import { neighborSchema } from './neighbor-schema.js';
import { serviceChecks, servicesSchema } from './services-schema.js';
import type { SecretSources } from './secret-fields.js';
import { vrrpChecks, vrrpSchema, vrrpTrackedServices } from './vrrp-schema.js';

export const DEFAULT_CONTROL_SOCKET = '/run/floatd/floatd.sock';
/** Owner and group may use the control socket; others may not. */
export const DEFAULT_CONTROL_SOCKET_MODE = 0o660;

/** What the schema needs from outside: secret sources, the host name and addresses used when none is configured. */
export interface ConfigEnvironment extends SecretSources {
  readonly hostname: string;
  /** The machine's IPv4 addresses, read only when router-id is absent. */
  readonly ipv4Addresses?: () => readonly string[];
}

export const listenSchema = () =>
  section(
    {
      /** `::` also accepts IPv4 connections on Linux unless net.ipv6.bindv6only is set. */
      address: ipAddress().default('::'),
      port: port().default(179),
    },
    'a mapping with address and port',
  );

const hostname = () =>
  text('a host name of 1..255 bytes').superRefine((s, ctx) => {
    const n = Buffer.byteLength(s);
    if (n < 1 || n > 255) ctx.addIssue({ code: 'custom', message: `the name is ${n} bytes long (expected a host name of 1..255 bytes)` });
  });

/** An HTTP listening address, in the shape node's server.listen() takes. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `127.0.0.1:9179` or `[::1]:9179`. */
export const formatHostPort = (hp: HostPort): string => (hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`);

const kindOf = (v: unknown): string =>
  v === null ? 'an empty value' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v === 'boolean' ? 'true/false' : `a ${typeof v}`;

const HOST_PORT_WHAT = 'an address and port such as 127.0.0.1:9179 or [::1]:9179';
function hostPort(v: unknown): Parsed<HostPort> {
  if (v === undefined) return fail(`missing (expected ${HOST_PORT_WHAT})`);
  // YAML reads an unquoted [::1]:9179 as a list.
  if (Array.isArray(v)) return fail(`got a list: an IPv6 address in brackets needs quotes in YAML, as in "[::1]:9179" (expected ${HOST_PORT_WHAT})`);
  if (typeof v !== 'string') return fail(`got ${kindOf(v)} (expected ${HOST_PORT_WHAT})`);
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(v);
  if (!m) {
    const hint = (v.match(/:/g) ?? []).length > 1 ? 'an IPv6 address needs brackets' : 'no port';
    return fail(`${JSON.stringify(v)} is not an address and port: ${hint} (expected ${HOST_PORT_WHAT})`);
  }
  const bracketed = m[1] !== undefined;
  const addr = parseAddress(m[1] ?? m[2] ?? '');
  if (!addr.ok || (bracketed && addr.value.family !== 'ipv6')) return fail(`${JSON.stringify(v)} does not start with an IP address (expected ${HOST_PORT_WHAT})`);
  const p = Number(m[3]);
  if (p < 1 || p > 65535) return fail(`${JSON.stringify(v)} has port ${p} (expected a TCP port 1..65535)`);
  return ok({ host: addr.value.addr, port: p });
}

export const metricsSchema = (io: SecretSources) =>
  section(
    {
      /** Where the Prometheus HTTP endpoint and the status page listen. */
      listen: parsedAny(hostPort),
      /** The status page's maintenance and drain buttons; absent: read-only. */
      actions: metricsActionsSchema(io).optional(),
    },
    'a mapping with listen',
  ).transform(({ actions, ...m }): { listen: HostPort; actions?: NonNullable<typeof actions> } => (actions ? { ...m, actions } : m));

const MODE_WHAT = 'an octal mode in quotes, such as "0660"';
/** Octal text only: YAML 1.2 reads an unquoted 0660 as the decimal number 660. */
function socketMode(v: unknown): Parsed<number> {
  if (v === undefined) return ok(DEFAULT_CONTROL_SOCKET_MODE);
  if (typeof v === 'number') return fail(`got the number ${v}, and YAML reads an unquoted 0660 as decimal (expected ${MODE_WHAT})`);
  if (typeof v !== 'string') return fail(`got ${kindOf(v)} (expected ${MODE_WHAT})`);
  if (!/^0?[0-7]{3}$/.test(v)) return fail(`${JSON.stringify(v)} is not a file mode (expected ${MODE_WHAT})`);
  const mode = parseInt(v, 8);
  if (mode & 0o002) return fail(`${v} lets every local user control floatd (expected a mode without write for others, such as "0660")`);
  return ok(mode);
}

/** `0o660` -> "0660". */
export const formatMode = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;

const GROUP_WHAT = 'a group name or a numeric gid';
/** A name, or a gid kept as its decimal text (groups from LDAP or sssd may have no name in /etc/group). */
function socketGroup(v: unknown): Parsed<string | undefined> {
  if (v === undefined) return ok(undefined);
  const gid = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < 0xffffffff;
  if (typeof v === 'number' && gid(v)) return ok(String(v));
  if (typeof v === 'string' && /^\d{1,10}$/.test(v) && gid(Number(v))) return ok(String(Number(v)));
  if (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/.test(v)) return ok(v);
  if (typeof v === 'string' || typeof v === 'number') return fail(`${JSON.stringify(v)} is not a group (expected ${GROUP_WHAT})`);
  return fail(`got ${kindOf(v)} (expected ${GROUP_WHAT})`);
}

/** The lowest global IPv4 address, as BIRD picks its router id; loopback and link-local ones are skipped. */
export function defaultRouterId(addresses: readonly string[]): string | undefined {
  const value = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const usable = addresses.filter((a) => {
    const r = parseAddress(a);
    if (!r.ok || r.value.family !== 'ipv4' || isUnspecified(r.value.addr)) return false;
    const first = Number(a.split('.')[0]);
    return first !== 127 && !a.startsWith('169.254.') && first < 224;
  });
  return usable.sort((x, y) => value(x) - value(y))[0];
}

/** `preset` is expanded away before validation (presets/expand.ts); here it only names the key. */
const expandedPreset = () =>
  z.unknown().superRefine((v, ctx) => {
    if (v !== undefined) ctx.addIssue({ code: 'custom', message: 'was not expanded (expected the config to be loaded with loadConfig or parseConfigText)' });
  });

/**
 * The whole file. Field checks run inside each section; checks across
 * sections (unique neighbors, allow list, families) run once everything
 * parsed, then defaults that depend on other keys are filled in.
 */
export const configSchema = (environment: ConfigEnvironment) =>
  section(
    {
      'router-id': routerId().optional(),
      // Only BGP needs these: a config with vrrp entries or dns records alone may leave them out.
      'local-as': asn().optional(),
      'control-socket': socketPath().default(DEFAULT_CONTROL_SOCKET),
      'control-socket-mode': parsedAny(socketMode),
      'control-socket-group': parsedAny(socketGroup),
      hostname: hostname().optional(),
      listen: listenSchema().optional(),
      metrics: metricsSchema(environment).optional(),
      // Required unless every service uses another way out (outletChecks).
      neighbors: list(neighborSchema(environment), 'a list of neighbors').optional(),
      announce: list(announceSchema(), 'a list of prefixes to announce').default([]),
      allow: list(prefixField(), 'a list of prefixes').optional(),
      services: servicesSchema().optional(),
      watch: watchSchema().optional(),
      dns: dnsSchema(environment).optional(),
      vrrp: vrrpSchema().optional(),
      preset: expandedPreset(),
    },
    'a mapping with at least local-as and neighbors (or services that dns or vrrp use)',
  ).transform((given, ctx) => {
    const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    const c = { ...given, neighbors: given.neighbors ?? [] };
    const dnsRecords = dnsChecks(c, issue);
    const tracked = vrrpTrackedServices(c.vrrp);
    const usedElsewhere = (i: number): boolean => (dnsRecords[i]?.length ?? 0) > 0 || tracked.has(c.services?.[i]?.name ?? '');
    outletChecks({ ...c, neighborsGiven: given.neighbors !== undefined }, usedElsewhere, issue);
    const { announceTargets } = crossChecks(c, issue);
    const serviceTargets = serviceChecks(c, issue);
    vrrpChecks(c, issue);
    addressCrossChecks(c.services ?? [], issue);
    const watchTargets = watchChecks(c, issue);
    const speaksBgp = c.neighbors.length > 0 || c.listen !== undefined;
    if (speaksBgp && c.localAs === undefined) {
      issue(['local-as'], 'missing (expected an AS number 1..4294967294 other than 23456 and 65535; BGP neighbors or a listen section need it)');
    }
    let routerIdValue = c.routerId;
    if (routerIdValue === undefined) {
      routerIdValue = defaultRouterId(environment.ipv4Addresses?.() ?? []);
      if (routerIdValue === undefined && speaksBgp) {
        issue(['router-id'], 'missing, and this machine has no global IPv4 address to take it from (expected an IPv4 address such as 192.0.2.1)');
      }
    }
    // A passive neighbor without a listen section: listen where it will connect.
    c.listen ??= impliedListen(c.neighbors);
    if (c.metrics && c.listen && c.metrics.listen.port === c.listen.port) {
      const a = c.metrics.listen.host;
      const b = c.listen.address;
      if (a === b || isUnspecified(a) || isUnspecified(b)) {
        issue(['metrics', 'listen'], `port ${c.listen.port} is where BGP listens (expected another port, such as 9179)`);
      }
    }
    const { preset: _expanded, ...rest } = c;
    return {
      ...rest,
      routerId: routerIdValue,
      hostname: c.hostname ?? environment.hostname,
      neighbors: c.neighbors.map((n) => ({
        ...n,
        // GTSM sends 255 (RFC 5082 3); iBGP peers are usually loopbacks some hops away; eBGP peers are adjacent.
        multihop: n.multihop ?? (n.ttlSecurity !== false || n.peerAs === c.localAs ? 255 : 1),
      })),
      announce: c.announce.map((a, i) => ({ ...a, neighbors: announceTargets[i] ?? [] })),
      // Per prefix, the neighbors that receive it (in the order of `prefixes`).
      services: c.services?.map((s, i) => ({ ...s, targets: serviceTargets[i] ?? [], dns: dnsRecords[i] ?? [] })),
      watch: c.watch && { ...c.watch, targets: watchTargets },
    };
  });

/** The parsed config: camelCase keys, defaults filled, passwords as Secret. */
export type Config = z.output<ReturnType<typeof configSchema>>;
export type NeighborConfig = Config['neighbors'][number];
export type StaticAnnouncementConfig = Config['announce'][number];
export type ListenConfig = NonNullable<Config['listen']>;
export type ServiceConfig = NonNullable<Config['services']>[number];
export type MetricsConfig = NonNullable<Config['metrics']>;
export type { DnsConfig, DnsRecordConfig } from './dns-schema.js';
export type { VrrpConfig } from './vrrp-schema.js';
