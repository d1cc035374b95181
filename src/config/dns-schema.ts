import { resolve } from 'node:path';
import type { z } from 'zod';
import { fail, ok, parseAddress } from './addresses.js';
import type { Parsed } from './addresses.js';
import { hostAddress } from './bgp-fields.js';
import type { IssueSink } from './cross-checks.js';
import { bool, defined, integer, list, parsedAny, parsedText, seconds, section, text } from './fields.js';
import type { SecretSources } from './secret-fields.js';
import { Secret } from './secret.js';
import { parseBindKeys, parseKnotKeys } from '../dns/key-file.js';
import { algorithmName, TSIG_ALGORITHMS } from '../dns/tsig.js';

/**
 * `dns`: the authoritative primary that receives RFC 2136 UPDATEs for the
 * services' `dns` records, and the TSIG key (RFC 8945) that signs them.
 * The key is read here, once, like a BGP password-file; the secret is held
 * as a Secret so it never reaches a log or `floatd check`.
 */

export const DEFAULT_DNS_PORT = 53;
export const DEFAULT_DNS_TTL = 60;
export const DEFAULT_RECONCILE_SECONDS = 60;

const SERVER_WHAT = 'an IP address, optionally with a port: 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:53';

function server(v: unknown): Parsed<{ host: string; port: number }> {
  if (v === undefined) return fail(`missing (expected ${SERVER_WHAT})`);
  // YAML reads an unquoted [::1]:53 as a list.
  if (Array.isArray(v)) return fail(`got a list: an IPv6 address in brackets needs quotes in YAML, as in "[::1]:53" (expected ${SERVER_WHAT})`);
  if (typeof v !== 'string') return fail(`got ${typeof v === 'object' ? 'a mapping' : `a ${typeof v}`} (expected ${SERVER_WHAT})`);
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(v) ?? /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(v) ?? /^([^[\]]*:[^[\]]*:[^[\]]*)()$/.exec(v);
  const addr = m ? parseAddress(m[1]!) : undefined;
  if (!m || !addr?.ok) return fail(`${JSON.stringify(v)} is not an address (expected ${SERVER_WHAT})`);
  const port = m[2] ? Number(m[2]) : DEFAULT_DNS_PORT;
  if (port < 1 || port > 65535) return fail(`${JSON.stringify(v)} has port ${port} (expected a port 1..65535)`);
  return ok({ host: addr.value.addr, port });
}

/** A domain name: labels of 1..63 bytes, 253 bytes in all; kept lower case, without the final dot. */
export function domainName(s: string): Parsed<string> {
  const n = s.replace(/\.$/, '').toLowerCase();
  const labels = n.split('.');
  if (n === '' || n.length > 253 || labels.some((l) => l.length < 1 || l.length > 63 || !/^[a-z0-9_*-]+$/.test(l))) {
    return fail(`${JSON.stringify(s)} is not a domain name (expected labels of letters, digits, - and _ joined by dots, such as example.com)`);
  }
  return ok(n);
}

const tsigSchema = () =>
  section(
    {
      /** BIND's `tsig-keygen` output, or Knot's `keymgr -t` YAML. */
      'key-file': text('a path to a key file').min(1).optional(),
      /** The key's name: picks one key of a key file; required with secret-file. */
      name: parsedText('a key name such as floatd-key', domainName).optional(),
      algorithm: text(`one of ${TSIG_ALGORITHMS.join(', ')}`).optional(),
      /** A file that holds only the base64 secret. */
      'secret-file': text('a path to a file holding the base64 secret').min(1).optional(),
    },
    'a mapping with key-file, or with name, algorithm and secret-file',
  );

/** The TSIG key as the config holds it: the secret hidden, its source kept for `floatd check`. */
export interface DnsTsigConfig {
  readonly name: string;
  readonly algorithm: string;
  readonly secret: Secret;
  readonly keyFile?: string | undefined;
  readonly secretFile?: string | undefined;
}

type TsigInput = { keyFile?: string | undefined; name?: string | undefined; algorithm?: string | undefined; secretFile?: string | undefined };

function readTsig(t: TsigInput, io: SecretSources, issue: IssueSink): DnsTsigConfig | undefined {
  const read = (key: string, file: string): string | undefined => {
    try {
      return io.readFile(file);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      issue(['tsig', key], `cannot read ${file}${typeof code === 'string' ? `: ${code}` : ''} (expected a readable key file)`);
      return undefined;
    }
  };
  if (t.keyFile !== undefined) {
    if (t.secretFile !== undefined) issue(['tsig', 'secret-file'], 'cannot be combined with key-file (expected key-file, or name, algorithm and secret-file)');
    if (t.algorithm !== undefined) issue(['tsig', 'algorithm'], 'comes from the key file (expected no algorithm beside key-file)');
    const file = resolve(io.baseDir, t.keyFile);
    const content = read('key-file', file);
    if (content === undefined) return undefined;
    let keys;
    try {
      keys = /^\s*key\s*:/m.test(content) ? parseKnotKeys(content, file) : parseBindKeys(content, file);
    } catch (e) {
      issue(['tsig', 'key-file'], `${(e as Error).message} (expected BIND's key "name" { algorithm ...; secret "..."; }; or Knot's key: list)`);
      return undefined;
    }
    const found = t.name === undefined ? keys : keys.filter((k) => k.name.toLowerCase().replace(/\.$/, '') === t.name);
    const names = keys.map((k) => k.name).join(', ') || 'none';
    if (found.length !== 1) {
      const why = keys.length === 0 ? 'holds no TSIG key' : t.name === undefined ? `holds ${keys.length} keys (${names})` : `has no key named ${t.name} (found: ${names})`;
      issue(['tsig', t.name === undefined || keys.length === 0 ? 'key-file' : 'name'], `${file} ${why} (expected exactly one key, or name to pick one)`);
      return undefined;
    }
    const k = found[0]!;
    return { name: k.name.replace(/\.$/, ''), algorithm: algorithmName(k.algorithm) ?? k.algorithm, secret: new Secret(k.secret.toString('base64')), keyFile: file };
  }
  if (t.secretFile === undefined) {
    issue(['tsig'], 'no key given (expected key-file, or name, algorithm and secret-file)');
    return undefined;
  }
  if (t.name === undefined) issue(['tsig', 'name'], 'missing (expected the key name both ends use, with secret-file)');
  const algorithm = t.algorithm === undefined ? undefined : algorithmName(t.algorithm);
  if (t.algorithm === undefined) issue(['tsig', 'algorithm'], `missing (expected one of ${TSIG_ALGORITHMS.join(', ')}; hmac-sha256 is the usual one)`);
  else if (algorithm === undefined) issue(['tsig', 'algorithm'], `${JSON.stringify(t.algorithm)} is not allowed (expected one of ${TSIG_ALGORITHMS.join(', ')})`);
  const file = resolve(io.baseDir, t.secretFile);
  const content = read('secret-file', file);
  if (content === undefined || t.name === undefined || algorithm === undefined) return undefined;
  const lines = content.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  // The content is never quoted back: it is the secret.
  if (lines.length !== 1 || !/^[A-Za-z0-9+/]+={0,2}$/.test(lines[0]!)) {
    issue(['tsig', 'secret-file'], `${file} does not hold one line of base64, so its content is not shown here (expected only the base64 secret, as tsig-keygen prints it)`);
    return undefined;
  }
  return { name: t.name, algorithm, secret: new Secret(lines[0]!), secretFile: file };
}

/** The top-level `dns` section. */
export const dnsSchema = (io: SecretSources) =>
  section(
    {
      server: parsedAny(server),
      zone: parsedText('a zone name such as example.com', domainName),
      tsig: tsigSchema(),
      /** Never delete the last address of a name (docs/dns.md, keep-last mode). */
      'keep-last': bool().default(false),
      'reconcile-interval': seconds(1, 86400).default(DEFAULT_RECONCILE_SECONDS),
    },
    'a mapping with server, zone and tsig',
  ).transform((d, ctx) => {
    const tsig = readTsig(d.tsig, io, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    return { server: d.server, zone: d.zone, tsig: tsig!, keepLast: d.keepLast, reconcileIntervalMs: d.reconcileInterval };
  });

export type DnsConfig = z.output<ReturnType<typeof dnsSchema>>;

/** One record of a service: relative to the zone, or absolute with a final dot; `@` is the zone itself. */
export const serviceDnsSchema = () =>
  list(
    section(
      {
        name: text('a name such as www, or www.example.com. with a final dot').min(1, 'the name is empty (expected a name such as www)'),
        address: hostAddress('the IPv4 (A) or IPv6 (AAAA) address of this instance'),
        ttl: integer(0, 2147483647, 'seconds 0..2147483647').default(DEFAULT_DNS_TTL),
      },
      'a mapping with name, address and ttl',
    ),
    'a list of records: name, address, ttl',
  );

export interface DnsRecordConfig {
  readonly name: string;
  readonly address: string;
  readonly ttl: number;
}

/** `www` -> `www.example.com`; `www.example.com.` stays (without its dot); `@` is the zone. */
export function absoluteName(name: string, zone: string): string {
  if (name === '@') return zone;
  return name.endsWith('.') ? name.slice(0, -1).toLowerCase() : `${name}.${zone}`.toLowerCase();
}

const inZone = (name: string, zone: string): boolean => name === zone || name.endsWith(`.${zone}`);

/** What dnsChecks reads. */
export interface DnsCheckInput {
  readonly dns?: { readonly zone: string } | undefined;
  readonly services?: readonly { readonly name: string; readonly dns?: readonly DnsRecordConfig[] | undefined }[] | undefined;
}

/**
 * Records need a `dns` section; names resolve inside its zone; one record
 * (name and address) belongs to one service; one name has one TTL (an RRset
 * has one TTL, RFC 2181 5.2). Returns each service's records with absolute names.
 */
export function dnsChecks(c: DnsCheckInput, issue: IssueSink): DnsRecordConfig[][] {
  const owner = new Map<string, string>();
  const ttls = new Map<string, number>();
  return (c.services ?? []).map((s, i) =>
    (s.dns ?? []).flatMap((r, j) => {
      const where = ['services', i, 'dns', j];
      if (!c.dns) {
        if (j === 0) issue(['services', i, 'dns'], 'records need a DNS server (expected a top-level dns section with server, zone and tsig)');
        return [];
      }
      const checked = r.name === '@' ? ok(c.dns.zone) : domainName(r.name);
      if (!checked.ok) {
        issue([...where, 'name'], checked.error);
        return [];
      }
      const name = absoluteName(r.name, c.dns.zone);
      if (!inZone(name, c.dns.zone)) {
        issue([...where, 'name'], `${name} is outside zone ${c.dns.zone} (expected a name relative to the zone, or ending in .${c.dns.zone}.)`);
        return [];
      }
      const key = `${name} ${r.address}`;
      const taken = owner.get(key);
      if (taken !== undefined) issue(where, `${name} ${r.address} is already a record of ${taken} (expected each record in one service)`);
      else owner.set(key, `services[${i}] (${s.name})`);
      const ttl = ttls.get(name);
      if (ttl !== undefined && ttl !== r.ttl) issue([...where, 'ttl'], `${name} already has ttl ${ttl} here (expected one TTL per name: an RRset has one TTL, RFC 2181 5.2)`);
      else ttls.set(name, r.ttl);
      return [{ name, address: r.address, ttl: r.ttl }];
    }),
  );
}

/** The `dns` section in the file's form: the key by its source, never its secret. */
export function dnsToFile(d: DnsConfig): Record<string, unknown> {
  const t = d.tsig;
  const server = d.server.host.includes(':') ? `[${d.server.host}]:${d.server.port}` : `${d.server.host}:${d.server.port}`;
  return {
    server,
    zone: d.zone,
    tsig: t?.keyFile !== undefined ? { 'key-file': t.keyFile, name: t.name } : defined({ name: t?.name, algorithm: t?.algorithm, 'secret-file': t?.secretFile }),
    'keep-last': d.keepLast,
    'reconcile-interval': d.reconcileIntervalMs / 1000,
  };
}

/** A service's records in the file's form: absolute names with their final dot. */
export const serviceDnsToFile = (records: readonly DnsRecordConfig[]): Record<string, unknown>[] | undefined =>
  records.length === 0 ? undefined : records.map((r) => ({ name: `${r.name}.`, address: r.address, ttl: r.ttl }));
