import { resolve } from 'node:path';
import { z } from 'zod';
import { familyOf, parseAddress } from './addresses.js';
import type { Family, Parsed } from './addresses.js';
import { asn, hostAddress, nextHop, port } from './bgp-fields.js';
import { bool, integer, list, oneOf, parsedAny, parsedText, section, text } from './fields.js';
import { Secret, passwordFromEnv, readSecretFile } from './secret.js';
import { bfdSchema } from './bfd-schema.js';
import { maxPrefixSchema } from './max-prefix-schema.js';
import { passwordEnvField, passwordFileField, type SecretSources } from './secret-fields.js';

/** Linux TCP_MD5SIG_MAXKEYLEN. */
const MAX_KEY_BYTES = 80;
const DEFAULT_RESTART_TIME = 120;
const FAMILIES = ['ipv4', 'ipv6'] as const;

const TTL_SECURITY_WHAT = 'false, true (= 1 hop) or the number of hops 1..254';
/** `false`, or how many hops away the peer is; GTSM then requires incoming TTL >= 256 - hops (RFC 5082 3). */
function ttlSecurity(v: unknown): Parsed<number | false> {
  if (v === undefined || v === false) return { ok: true, value: false };
  if (v === true) return { ok: true, value: 1 };
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 254) return { ok: true, value: v };
  return { ok: false, error: `${JSON.stringify(v) ?? String(v)} is not allowed (expected ${TTL_SECURITY_WHAT})` };
}

const RESTART_WHAT = 'true, false or a restart time in seconds 1..4095';
/**
 * The restart time is a 12-bit field of the capability (RFC 4724 3). Off by
 * default: a peer keeping a dead floatd's routes as stale would send traffic
 * to an instance nobody checks any more.
 */
function gracefulRestart(v: unknown): Parsed<number | false> {
  if (v === true) return { ok: true, value: DEFAULT_RESTART_TIME };
  if (v === undefined || v === false) return { ok: true, value: false };
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4095) return { ok: true, value: v };
  return { ok: false, error: `${JSON.stringify(v) ?? String(v)} is not allowed (expected ${RESTART_WHAT})` };
}

/** RFC 4271 4.2: 0 (no keepalives) or at least 3 seconds. */
const holdTime = () =>
  integer(0, 65535, '0 or 3..65535 seconds').superRefine((n, ctx) => {
    if (n === 1 || n === 2) ctx.addIssue({ code: 'custom', message: `${n} is refused by RFC 4271 (expected 0 or 3..65535 seconds)` });
  });

const LADDER_WHAT = 'hold times 3..65535 seconds from shortest to longest, e.g. [3, 9, 30, 90]';
const holdTimeLadder = () =>
  list(holdTime(), `a list of ${LADDER_WHAT}`)
    .min(1, `the list is empty (expected ${LADDER_WHAT})`)
    .superRefine((l, ctx) => {
      l.forEach((n, i) => {
        // 0 turns the hold timer off: no failure detection to climb towards.
        if (n === 0) ctx.addIssue({ code: 'custom', path: [i], message: `0 (no hold timer) cannot be a candidate (expected ${LADDER_WHAT})` });
        else if (i > 0 && n <= l[i - 1]!) ctx.addIssue({ code: 'custom', path: [i], message: `${n} does not come after ${l[i - 1]!} (expected ${LADDER_WHAT})` });
      });
    });

/**
 * `hold-time`: one hold time, or a ladder of candidates that the session
 * proposes shortest first, climbing when the peer refuses one (RFC 4271 6.2,
 * Unacceptable Hold Time).
 */
const holdTimeSetting = () =>
  z.unknown().transform((v, ctx): number | number[] => {
    const r = Array.isArray(v) ? holdTimeLadder().safeParse(v) : holdTime().safeParse(v);
    if (r.success) return r.data;
    for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    return z.NEVER;
  });

const neighborShape = (io: SecretSources) => ({
  address: hostAddress('the IPv4 or IPv6 address of the peer'),
  'peer-as': asn(),
  description: text().optional(),
  'local-address': hostAddress('a local IPv4 or IPv6 address').optional(),
  port: port().default(179),
  passive: bool().default(false),
  password: text('the password as a string').optional(),
  'password-file': passwordFileField().optional(),
  'password-env': passwordEnvField().optional(),
  multihop: integer(1, 255, 'a TTL 1..255').optional(),
  'ttl-security': parsedAny(ttlSecurity),
  'hold-time': holdTimeSetting().default(90),
  'connect-retry': integer(1, 65535, 'seconds 1..65535').default(5),
  import: oneOf(['none', 'all']).default('none'),
  'max-prefix': maxPrefixSchema(),
  families: list(oneOf(FAMILIES), 'a list of ipv4, ipv6').min(1, 'the list is empty (expected ipv4, ipv6 or both)').optional(),
  'extended-next-hop': bool().default(false),
  'graceful-restart': parsedAny(gracefulRestart),
  'next-hop': nextHop().default('self'),
  bfd: bfdSchema(io),
});

type Issue = (path: (string | number)[], message: string) => void;

function readSecret(n: { password?: string | undefined; passwordFile?: string | undefined; passwordEnv?: string | undefined }, io: SecretSources, issue: Issue) {
  const given = (
    [
      ['password', n.password],
      ['password-file', n.passwordFile],
      ['password-env', n.passwordEnv],
    ] as const
  )
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  for (const k of given.slice(1)) issue([k], `cannot be combined with ${given[0]!} (expected only one of password, password-file, password-env)`);
  if (given.length !== 1) return {};

  let value: string;
  let where: string;
  let passwordFile: string | undefined;
  if (n.passwordFile !== undefined) {
    passwordFile = resolve(io.baseDir, n.passwordFile);
    where = 'password-file';
    const read = readSecretFile(io, n.passwordFile, passwordFile, 'password');
    if (!read.ok) {
      issue([where], read.error);
      return {};
    }
    value = read.value;
  } else if (n.passwordEnv !== undefined) {
    where = 'password-env';
    const v = passwordFromEnv(io.env, n.passwordEnv);
    if (v === undefined) {
      // A mixed-case value may be a pasted password that happens to be a valid name.
      const name = /^[A-Z_][A-Z0-9_]*$/.test(n.passwordEnv) ? `environment variable ${n.passwordEnv}` : 'the environment variable (the value does not look like a variable name, so it is not shown here)';
      issue([where], `${name} is not set (expected it to hold the password)`);
      return {};
    }
    value = v;
  } else {
    where = 'password';
    value = n.password!;
  }
  if (value === '') issue([where], 'the password is empty (expected 1..80 bytes)');
  else if (Buffer.byteLength(value) > MAX_KEY_BYTES) issue([where], `the password is longer than ${MAX_KEY_BYTES} bytes (expected 1..80 bytes, the TCP MD5 key limit)`);
  return { password: new Secret(value), passwordFile, passwordEnv: n.passwordEnv };
}

/**
 * One `neighbors` entry. Checks that involve only this entry run here; the
 * multihop default needs local-as and is filled by the top-level schema.
 */
export const neighborSchema = (io: SecretSources) =>
  section(neighborShape(io), 'a mapping with at least address and peer-as').transform((n, ctx) => {
    const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
    const family = familyOf(n.address);
    const families: Family[] = n.families ?? [family];
    families.forEach((f, i) => {
      if (families.indexOf(f) !== i) issue(['families', i], `${f} is listed twice (expected each family once)`);
    });
    if (n.localAddress !== undefined && familyOf(n.localAddress) !== family) {
      issue(['local-address'], `${n.localAddress} is not ${family} like the neighbor address (expected an ${family} address)`);
    }
    if (n.multihop !== undefined && n.ttlSecurity !== false) {
      issue(['ttl-security'], 'cannot be combined with multihop (expected either multihop or ttl-security)');
    }
    if (n.extendedNextHop && family !== 'ipv6') {
      issue(['extended-next-hop'], 'needs an IPv6 session (expected the neighbor address to be IPv6)');
    } else if (n.extendedNextHop && !families.includes('ipv4')) {
      issue(['extended-next-hop'], 'carries IPv4 routes over IPv6 (expected ipv4 in families)');
    }
    if (n.nextHop !== 'self') {
      const nh = parseAddress(n.nextHop);
      const nhFamily = nh.ok ? nh.value.family : family;
      for (const f of families) {
        if (nhFamily === f || (f === 'ipv4' && nhFamily === 'ipv6' && n.extendedNextHop)) continue;
        issue(['next-hop'], `${n.nextHop} cannot be the next hop of ${f} routes (expected self or an ${f} address)`);
      }
    }
    if (n.maxPrefix !== undefined) {
      // RFC 4486 4 bounds routes kept; with import none nothing is kept, and counting announcements
      // minus withdrawals would overcount every implicit replace (RFC 4271 3.1) and tear sessions down for nothing.
      if (n.import !== 'all') issue(['max-prefix'], 'limits the routes import: all stores, and import: none stores none (expected import: all, or no max-prefix)');
      for (const f of FAMILIES) {
        if (n.maxPrefix[f] !== undefined && !families.includes(f)) issue(['max-prefix', f], `limits ${f} routes, but ${f} is not in families (expected a family the session carries)`);
      }
    }
    const secret = readSecret(n, io, issue);
    const ladder = typeof n.holdTime === 'number' ? [n.holdTime] : n.holdTime;
    // maxPrefix is left out when absent, so configs without it compare and print as before.
    const { maxPrefix, ...rest } = n;
    return {
      ...rest,
      ...(maxPrefix !== undefined ? { maxPrefix } : {}),
      // The shortest candidate is the hold time of the first OPEN; the ladder, when there is one, the rest.
      holdTime: ladder[0] ?? 90,
      ...(ladder.length > 1 ? { holdTimeLadder: ladder as readonly number[] } : {}),
      families,
      password: secret.password,
      passwordFile: secret.passwordFile,
      passwordEnv: secret.passwordEnv,
    };
  });
