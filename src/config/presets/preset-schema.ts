import { z } from 'zod';
import { parseAddress, isUnspecified } from '../addresses.js';
import type { Family, Parsed } from '../addresses.js';
import { asn } from '../bgp-fields.js';
import { bool, expecting, integer, list, oneOf, parsedText, section } from '../fields.js';
import { passwordEnvField, passwordFileField } from '../secret-fields.js';
import { MAX_DCID, dcidProblem } from './linode-dcids.js';
import { LINODE, routeServerPrefixProblem } from './linode-route-servers.js';

/** The `preset` section: a few values from which neighbors and policy are filled in. */

export const PRESET_NAMES = ['vultr', 'linode', 'generic'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESET_ROLES = ['primary', 'secondary', 'tertiary'] as const;
export type PresetRole = (typeof PRESET_ROLES)[number];

const unicast = (family: Family, what: string) =>
  parsedText(what, (s): Parsed<string> => {
    const r = parseAddress(s);
    if (!r.ok) return r;
    if (r.value.family !== family) return { ok: false, error: `${r.value.addr} is not ${family === 'ipv4' ? 'IPv4' : 'IPv6'} (expected ${what})` };
    if (isUnspecified(r.value.addr)) return { ok: false, error: `${r.value.addr} is the unspecified address (expected ${what})` };
    return { ok: true, value: r.value.addr };
  });

type Issue = (path: (string | number)[], message: string) => void;

/** At most one of password-file and password-env; `required` for providers that always use one. */
function checkPassword(p: { passwordFile?: string | undefined; passwordEnv?: string | undefined }, required: boolean, issue: Issue): void {
  if (p.passwordFile !== undefined && p.passwordEnv !== undefined) {
    issue(['password-env'], 'cannot be combined with password-file (expected one of password-file, password-env)');
  } else if (required && p.passwordFile === undefined && p.passwordEnv === undefined) {
    issue([], 'no password given (expected password-file or password-env: the provider gives every BGP session a TCP MD5 password)');
  }
}

const vultrShape = {
  /** Your private ASN from the provider's BGP page: our local AS. */
  asn: asn(),
  'password-file': passwordFileField().optional(),
  'password-env': passwordEnvField().optional(),
  /** The instance's public IPv4 address: the session's source and the default router-id. */
  'source-address': unicast('ipv4', 'the public IPv4 address of this instance'),
  /** With it, a second session to the IPv6 neighbor. */
  'source-address-v6': unicast('ipv6', 'the public IPv6 address of this instance').optional(),
  role: oneOf(PRESET_ROLES).optional(),
};

export const vultrPresetSchema = () =>
  section(vultrShape, 'a mapping with asn, password-file or password-env, and source-address').superRefine((v, ctx) =>
    checkPassword(v, true, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

const linodeShape = {
  dcid: integer(1, MAX_DCID, `a Linode data-centre id 1..${MAX_DCID}`),
  /** lelastic's -primary / -secondary: community 65000:1 or 65000:2. */
  role: oneOf(['primary', 'secondary']),
  /** IPv6 ranges are /56 rather than /64 (lelastic's -send56). */
  send56: bool().default(false),
  /** lelastic's -multihopttl. */
  multihop: integer(1, 255, 'a TTL 1..255').default(16),
  /** lelastic's -infp: the route servers are PREFIX:DCID:34::1..4. */
  'route-server-prefix': parsedText('the route servers\' prefix such as 2600:3c0f', (s): Parsed<string> => {
    const why = routeServerPrefixProblem(s);
    return why === undefined ? { ok: true, value: s.toLowerCase() } : { ok: false, error: why };
  }).default(LINODE.routeServerPrefix),
  'allow-unlisted-dcid': bool().default(false),
};

export const linodePresetSchema = () =>
  section(linodeShape, 'a mapping with dcid and role').superRefine((l, ctx) => {
    const why = dcidProblem(l.dcid, l.allowUnlistedDcid);
    if (why !== undefined) ctx.addIssue({ code: 'custom', path: ['dcid'], message: why });
  });

/** A router is a neighbor entry; its keys are checked by the neighbor schema once expanded. */
const router = () => z.record(z.unknown(), { errorMap: expecting('a neighbor mapping with at least address and peer-as') });

const genericShape = {
  asn: asn(),
  routers: list(router(), 'a list of routers, each a neighbor mapping with at least address and peer-as').min(
    1,
    'the list is empty (expected at least one router)',
  ),
  /** For every router that gives no password of its own. */
  'password-file': passwordFileField().optional(),
  'password-env': passwordEnvField().optional(),
  role: oneOf(PRESET_ROLES).optional(),
};

export const genericPresetSchema = () =>
  section(genericShape, 'a mapping with asn and routers').superRefine((g, ctx) =>
    checkPassword(g, false, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

export type VultrPreset = z.output<ReturnType<typeof vultrPresetSchema>>;
export type LinodePreset = z.output<ReturnType<typeof linodePresetSchema>>;
export type GenericPreset = z.output<ReturnType<typeof genericPresetSchema>>;

export type Preset =
  | { readonly name: 'vultr'; readonly values: VultrPreset }
  | { readonly name: 'linode'; readonly values: LinodePreset }
  | { readonly name: 'generic'; readonly values: GenericPreset };

/** Exactly one provider under `preset`. */
export const presetSchema = () =>
  section(
    { vultr: vultrPresetSchema().optional(), linode: linodePresetSchema().optional(), generic: genericPresetSchema().optional() },
    `a mapping with one of ${PRESET_NAMES.join(', ')}`,
  ).transform((p, ctx): Preset => {
    const given: Preset[] = [];
    if (p.vultr) given.push({ name: 'vultr', values: p.vultr });
    if (p.linode) given.push({ name: 'linode', values: p.linode });
    if (p.generic) given.push({ name: 'generic', values: p.generic });
    if (given.length !== 1) {
      const what = given.length === 0 ? 'no preset given' : `${given.map((g) => g.name).join(' and ')} given together`;
      ctx.addIssue({ code: 'custom', message: `${what} (expected exactly one of ${PRESET_NAMES.join(', ')})` });
      return z.NEVER;
    }
    return given[0]!;
  });
