import { bfdToFile } from './bfd-schema.js';
import { maxPrefixToFile } from './max-prefix-schema.js';
import { Document, isMap, isSeq } from 'yaml';
import { effectiveRole, withRole, type AnnounceAttributes, type ServicePolicy, type StateAction } from '../route-policy/policy.js';
import type { ServiceAddress, WatchConfig } from './address-schema.js';
import { formatCommunity, formatLargeCommunity } from './communities.js';
import { formatHostPort, formatMode } from './config-schema.js';
import type { Config, ServiceConfig } from './config-schema.js';
import { kebabCase } from './fields.js';
import { checkToFile } from './checks/index.js';
import { serviceExtrasToFile } from './services-schema.js';
import { dnsToFile, serviceDnsToFile } from './dns-schema.js';
import { vrrpToFile } from './vrrp-schema.js';
import { Secret } from './secret.js';

/** camelCase keys back to the file's kebab-case; absent values dropped; secrets redacted. */
function plain(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) out[kebabCase(k)] = v instanceof Secret ? String(v) : v;
  }
  return out;
}

function attributesToFile(a: AnnounceAttributes): Record<string, unknown> {
  return plain({
    med: a.med,
    prepend: a.prepend,
    communities: a.communities?.map(formatCommunity),
    largeCommunities: a.largeCommunities?.map(formatLargeCommunity),
    localPref: a.localPref,
  });
}

const actionToFile = (a: StateAction): unknown => (a === 'withdraw' ? 'withdraw' : attributesToFile(a.announce));

function serviceToFile(s: ServiceConfig): Record<string, unknown> {
  return plain({
    name: s.name,
    prefixes: s.prefixes,
    check: checkToFile(s.check),
    rise: s.rise,
    fall: s.fall,
    interval: s.intervalMs / 1000,
    fastInterval: s.fastIntervalMs / 1000,
    timeout: s.timeoutMs / 1000,
    disableFile: s.disableFile,
    nextHop: s.nextHop,
    ...attributesToFile(s.up),
    whenDown: actionToFile(s.whenDown),
    whenDisabled: actionToFile(s.whenDisabled),
    role: s.role,
    roleStyle: s.roleStyle.kind,
    failback: s.failback,
    // Absent means every neighbor carrying the family; loading again recomputes the same targets.
    neighbors: s.neighbors,
    ...serviceExtrasToFile(s),
    address: s.address && addressToFile(s.address),
    dns: serviceDnsToFile(s.dns),
  });
}

/** Addresses are written out only when they differ from the service's host prefixes (the default). */
function addressToFile(a: ServiceAddress): Record<string, unknown> {
  return plain({
    interface: a.interface,
    label: a.label,
    add: a.add,
    removeWhenDown: a.removeWhenDown,
    require: a.require,
    addresses: a.addresses,
  });
}

function watchToFile(w: WatchConfig): Record<string, unknown> {
  return plain({
    interface: w.interface,
    label: w.label,
    prefixes: w.prefixes,
    ipv6Length: w.ipv6Length,
    rescanInterval: w.rescanMs / 1000,
    nextHop: w.nextHop,
    med: w.med,
    prepend: w.prepend,
    communities: w.communities.map(formatCommunity),
    largeCommunities: w.largeCommunities.map(formatLargeCommunity),
    localPref: w.localPref,
    neighbors: w.neighbors,
  });
}

/**
 * The config as floatd will run it, in the file's own vocabulary, for
 * `floatd check` to print. Every default is written out, so the output loads
 * back to the same config; a password read from a file or the environment is
 * shown by its source, an inline one as "[redacted]". A preset is shown
 * expanded: the neighbors, local-as and role attributes it filled in.
 */
export function effectiveConfig(cfg: Config): Record<string, unknown> {
  return plain({
    ...cfg,
    controlSocketMode: formatMode(cfg.controlSocketMode),
    listen: cfg.listen && plain(cfg.listen),
    metrics: cfg.metrics && plain({ listen: formatHostPort(cfg.metrics.listen), actions: cfg.metrics.actions && { 'token-file': cfg.metrics.actions.tokenFile } }),
    neighbors: cfg.neighbors.map((n) =>
      plain({
        ...n,
        // A ladder is written back as the list it was read from.
        holdTime: n.holdTimeLadder ?? n.holdTime,
        holdTimeLadder: undefined,
        password: n.passwordFile !== undefined || n.passwordEnv !== undefined ? undefined : n.password,
        // With ttl-security the TTL sent is always 255, so multihop would only contradict it.
        multihop: n.ttlSecurity === false ? n.multihop : undefined,
        bfd: bfdToFile(n.bfd),
        maxPrefix: maxPrefixToFile(n.maxPrefix),
      }),
    ),
    announce: cfg.announce.map((a) =>
      plain({
        ...a,
        communities: a.communities.map(formatCommunity),
        largeCommunities: a.largeCommunities.map(formatLargeCommunity),
      }),
    ),
    services: cfg.services?.map(serviceToFile),
    watch: cfg.watch && watchToFile(cfg.watch),
    dns: cfg.dns && dnsToFile(cfg.dns),
    vrrp: cfg.vrrp?.map(vrrpToFile),
  });
}

/** Attributes as `floatd check` describes them: `med 200, communities 65000:2`. */
function describeAttributes(a: AnnounceAttributes): string {
  const parts = Object.entries(attributesToFile(a)).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(' ') : String(v)}`);
  return parts.length > 0 ? parts.join(', ') : 'no extra attributes';
}

/**
 * What a service puts on the wire in each case: its own attributes with the
 * role applied (the role adds its prepend, MED step or community to `med`,
 * `prepend` and `communities`, which the file keeps as written).
 */
export function serviceAnnouncements(s: ServiceConfig): string[] {
  const policy: ServicePolicy = {
    prefixes: s.prefixes,
    up: s.up,
    down: s.whenDown,
    disabled: s.whenDisabled,
    ...(s.role !== undefined ? { role: s.role } : {}),
    roleStyle: s.roleStyle,
    failback: s.failback,
  };
  const sends = (a: StateAction, demoted: boolean): string =>
    a === 'withdraw' ? 'withdraw' : describeAttributes(withRole(a.announce, effectiveRole(policy, demoted), s.roleStyle));
  const role = s.role !== undefined ? ` (role ${s.role}, role-style ${s.roleStyle.kind})` : '';
  const lines = [`${s.name} sends when up: ${sends({ announce: s.up }, false)}${role}${s.medFromLoad !== undefined ? '; med follows the load' : ''}`];
  if (s.role !== undefined && !s.failback) {
    lines.push(`after going down (failback: false): ${sends({ announce: s.up }, true)} (role ${effectiveRole(policy, true)})`);
  }
  lines.push(`when down: ${sends(s.whenDown, false)}; in maintenance: ${sends(s.whenDisabled, false)}`);
  return lines;
}

/** effectiveConfig as YAML, each service headed by a comment with what it sends. */
export function effectiveConfigText(cfg: Config): string {
  const doc = new Document(effectiveConfig(cfg));
  const services = doc.get('services');
  if (isSeq(services)) {
    services.items.forEach((item, i) => {
      const s = cfg.services?.[i];
      if (s !== undefined && isMap(item)) item.commentBefore = serviceAnnouncements(s).map((l) => ` ${l}`).join('\n');
    });
  }
  return doc.toString();
}
