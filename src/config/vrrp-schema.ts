import { z } from 'zod';
import { fail, ok } from './addresses.js';
import type { Family, Parsed } from './addresses.js';
import { interfaceName } from './address-schema.js';
import { hostAddress } from './bgp-fields.js';
import type { IssueSink } from './cross-checks.js';
import { bool, decimal, integer, list, parsedText, seconds, section, text } from './fields.js';
import { parseLocalAddress } from '../net/address-names.js';

/**
 * `vrrp`: virtual routers on a shared LAN (RFC 9568), each of one address
 * family, whose mastership follows the health of the services they track.
 * See docs/vrrp.md.
 *
 *   vrrp:
 *     - { name: web-vip, interface: eth0, vrid: 51, priority: 150, addresses: [192.0.2.10/24], track: [web] }
 */

const vrrpName = () =>
  parsedText('a name of letters, digits, ., _ and -', (s): Parsed<string> =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not a VRRP instance name (expected 1..63 letters, digits, ., _ and -)`),
  );

/** An address for the interface, with its length or as a host address: "192.0.2.10/24" keeps the /24 on-link route. */
const vrrpAddress = () =>
  parsedText('an address such as 192.0.2.10/24 or 2001:db8::10/64', (s): Parsed<string> => {
    const a = parseLocalAddress(s);
    return typeof a === 'string' ? fail(a) : ok(a.text);
  });

/** RFC 9568 5.2.7: the interval travels in centiseconds, 12 bits: 0.01..40.95 s. */
const advertInterval = () => {
  const what = 'a number of seconds 0.01..40.95, in hundredths';
  return decimal(0.01, 40.95, what).transform((n, ctx) => {
    const cs = Math.round(n * 100);
    if (Math.abs(n * 100 - cs) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `${n} is finer than a hundredth of a second (expected ${what}: the advert carries centiseconds)` });
      return z.NEVER;
    }
    return cs * 10;
  });
};

/** One `vrrp` entry; checks against services and the other entries are made by vrrpChecks. */
export const vrrpEntrySchema = () =>
  section(
    {
      name: vrrpName(),
      interface: interfaceName('an interface name such as eth0'),
      vrid: integer(1, 255, 'a virtual router id 1..255'),
      /** 255 is the address owner's (RFC 9568 6.4.1); floatd adds and removes its addresses itself, so it never owns them. */
      priority: integer(1, 254, 'a priority 1..254 (255 is for the owner of the addresses, which floatd is not: it adds and removes them)').default(100),
      'advert-interval': advertInterval().default(1),
      addresses: list(vrrpAddress(), 'a list of addresses of one family').min(1, 'the list is empty (expected at least one address)'),
      track: list(text('a service name'), 'a list of service names').default([]),
      /** Absent: a tracked service that is not serving gives up mastership. */
      weight: integer(-254, -1, 'a negative integer -254..-1 (the priority is lowered by it for each tracked service not serving)').optional(),
      preempt: bool().default(true),
      'preempt-delay': seconds(0, 3600).default(0),
      'unicast-peers': list(hostAddress('a peer address'), 'a list of peer addresses').optional(),
      'checksum-as-v2': bool().default(false),
      /** RFC 9568 7.3: the Active answers from 00-00-5E-00-01-VRID on a macvlan (keepalived's use_vmac); off as in keepalived. */
      'virtual-mac': bool().default(false),
    },
    'a mapping with at least name, interface, vrid and addresses',
  )
    .superRefine((v, ctx) => {
      const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
      const fam = familyOfAddress(v.addresses[0] ?? '');
      v.addresses.forEach((a, i) => {
        if (familyOfAddress(a) !== fam) issue(['addresses', i], `${a} is not ${label(fam)} like ${v.addresses[0]} (expected one family per entry: a virtual router is IPv4 or IPv6, RFC 9568 1)`);
        if (v.addresses.findIndex((b) => bare(b) === bare(a)) !== i) issue(['addresses', i], `${bare(a)} is listed twice (expected each address once)`);
      });
      v.unicastPeers?.forEach((p, i) => {
        if (familyOfAddress(p) !== fam) issue(['unicast-peers', i], `${p} is not ${label(fam)} (expected peers of the addresses' family)`);
      });
      v.track.forEach((t, i) => {
        if (v.track.indexOf(t) !== i) issue(['track', i], `${t} is listed twice (expected each service once)`);
      });
      if (v.virtualMac && fam === 'ipv6') issue(['virtual-mac'], 'virtual-mac is supported for IPv4 entries only (expected false, or IPv4 addresses)');
      if (v.weight !== undefined && v.track.length === 0) issue(['weight'], 'weight without track has nothing to weigh (expected track, or no weight)');
    })
    .transform((v) => ({
      name: v.name,
      interface: v.interface,
      vrid: v.vrid,
      family: familyOfAddress(v.addresses[0] ?? '') as Family,
      priority: v.priority,
      advertIntervalMs: v.advertInterval,
      addresses: v.addresses,
      track: v.track,
      weight: v.weight,
      preempt: v.preempt,
      preemptDelayMs: v.preemptDelay,
      unicastPeers: v.unicastPeers ?? [],
      checksumAsV2: v.checksumAsV2,
      virtualMac: v.virtualMac,
    }));

export const vrrpSchema = () => list(vrrpEntrySchema(), 'a list of VRRP instances');

export type VrrpConfig = z.output<ReturnType<typeof vrrpEntrySchema>>;

const bare = (a: string): string => a.split('/')[0]!;
const familyOfAddress = (a: string): Family => (a.includes(':') ? 'ipv6' : 'ipv4');
const label = (f: Family): string => (f === 'ipv4' ? 'IPv4' : 'IPv6');

/** What vrrpChecks reads of the rest of the config. */
export interface VrrpCheckInput {
  readonly services?: readonly { readonly name: string }[] | undefined;
  readonly vrrp?: readonly (Pick<VrrpConfig, 'name' | 'interface' | 'vrid' | 'family' | 'track' | 'addresses'> & { readonly virtualMac?: boolean })[] | undefined;
}

/**
 * Names unique; one virtual router per (interface, vrid, family), as on the
 * wire (RFC 9568 5.2.3: the VRID is per interface, and IPv4 and IPv6 are
 * separate routers); an address in one entry only; tracked services exist.
 */
export function vrrpChecks(c: VrrpCheckInput, issue: IssueSink): void {
  const services = new Set((c.services ?? []).map((s) => s.name));
  const names = new Map<string, number>();
  const routers = new Map<string, number>();
  const addresses = new Map<string, number>();
  const vmacs = new Map<number, number>();
  (c.vrrp ?? []).forEach((v, i) => {
    if (v.virtualMac === true) {
      // The macvlan is named vrrp.VRID, as keepalived names it: one per VRID on the host.
      const other = vmacs.get(v.vrid);
      if (other !== undefined) issue(['vrrp', i, 'virtual-mac'], `vrrp[${other}] has a virtual MAC for vrid ${v.vrid} too (expected one virtual-mac entry per vrid: its interface is named vrrp.${v.vrid})`);
      else vmacs.set(v.vrid, i);
    }
    const first = names.get(v.name);
    if (first !== undefined) issue(['vrrp', i, 'name'], `${v.name} is already the name of vrrp[${first}] (expected each name once)`);
    else names.set(v.name, i);
    const key = `${v.interface} ${v.vrid} ${v.family}`;
    const same = routers.get(key);
    if (same !== undefined) issue(['vrrp', i, 'vrid'], `${label(v.family)} vrid ${v.vrid} on ${v.interface} is already vrrp[${same}] (expected each vrid once per interface and family)`);
    else routers.set(key, i);
    v.addresses.forEach((a, j) => {
      const k = `${v.interface} ${bare(a)}`;
      const owner = addresses.get(k);
      if (owner !== undefined && owner !== i) issue(['vrrp', i, 'addresses', j], `${bare(a)} on ${v.interface} is already an address of vrrp[${owner}] (expected each address in one entry)`);
      else addresses.set(k, i);
    });
    v.track.forEach((t, j) => {
      if (!services.has(t)) {
        const known = [...services];
        issue(['vrrp', i, 'track', j], `${t} is not a configured service (expected ${known.length > 0 ? `one of ${known.join(', ')}` : 'a service defined under services'})`);
      }
    });
  });
}

/** Services some other way out than BGP uses (VRRP `track` here; DNS adds its own): these may have no prefixes. */
export function vrrpTrackedServices(vrrp: readonly { readonly track: readonly string[] }[] | undefined): Set<string> {
  return new Set((vrrp ?? []).flatMap((v) => v.track));
}

/** A parsed entry in the file's form, for `floatd check`: every default written out. */
export function vrrpToFile(v: VrrpConfig): Record<string, unknown> {
  return {
    name: v.name,
    interface: v.interface,
    vrid: v.vrid,
    priority: v.priority,
    'advert-interval': v.advertIntervalMs / 1000,
    addresses: v.addresses,
    track: v.track,
    ...(v.weight !== undefined ? { weight: v.weight } : {}),
    preempt: v.preempt,
    'preempt-delay': v.preemptDelayMs / 1000,
    ...(v.unicastPeers.length > 0 ? { 'unicast-peers': v.unicastPeers } : {}),
    'checksum-as-v2': v.checksumAsV2,
    'virtual-mac': v.virtualMac,
  };
}
