// `ip -j addr show dev IFACE` -> links and addresses. iproute2 prints an array
// of links, each with `ifname`, `flags` (["BROADCAST","MULTICAST","UP",
// "LOWER_UP"], "NO-CARRIER" while up without carrier), `operstate` (UP, DOWN,
// UNKNOWN for lo and other links that report none) and `addr_info`: { family:
// inet|inet6, local, prefixlen, label (IPv4 only), and flags as boolean keys
// such as tentative, dadfailed }. Some versions print empty objects in
// addr_info for filtered entries; those and any entry without a usable
// address are skipped.

import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv6, parseIpv6 } from '../../bgp/codec/ip.js';
import type { InterfaceAddress, LinkDownReason } from '../../net/address-port.js';
import { AddressError } from './errors.js';

export interface KernelAddress extends InterfaceAddress {
  readonly family: 'ipv4' | 'ipv6';
  /** Canonical address text, without length. */
  readonly address: string;
  readonly length: number;
  /** host, link, global ... as ip prints it. */
  readonly scope: string;
  /** IPv6 duplicate address detection still running: nothing can use the address yet. */
  readonly tentative: boolean;
  /** IPv6 duplicate address detection found another holder: the address will never work. */
  readonly dadFailed: boolean;
}

/** Whether a link can carry traffic: 'up', or why not. */
export type LinkState = 'up' | LinkDownReason;

export interface KernelLink {
  readonly name: string;
  readonly state: LinkState;
}

/** One read of `ip -j addr show`: the links it listed and their addresses. */
export interface InterfaceScan {
  readonly links: readonly KernelLink[];
  readonly addresses: readonly KernelAddress[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Operational states in which the kernel passes traffic (RFC 2863 up; unknown for links that report none, such as lo). */
const RUNNING = new Set(['UP', 'UNKNOWN']);

/**
 * The rule of BIRD's `protocol direct` with `check link`: a link is usable
 * while it is administratively up (UP) and has carrier (LOWER_UP, and no
 * NO-CARRIER, which ip prints for an up link whose operstate is neither UP
 * nor UNKNOWN). operstate UNKNOWN counts as running: lo and tunnels report
 * it. A link printed without flags is taken as usable: nothing says otherwise.
 */
export function linkStateOf(flags: unknown, operstate: unknown): LinkState {
  if (!Array.isArray(flags)) return 'up';
  if (!flags.includes('UP')) return 'down';
  if (!flags.includes('LOWER_UP') || flags.includes('NO-CARRIER')) return 'no-carrier';
  if (typeof operstate === 'string' && !RUNNING.has(operstate)) return 'no-carrier';
  return 'up';
}

/** Every address of `iface` (all links when undefined) in the order ip printed them. Throws an AddressError on text that is not ip's JSON. */
export function parseAddrShow(json: string, iface?: string): KernelAddress[] {
  return [...parseInterfaces(json, iface).addresses];
}

/** The links of `iface` (all when undefined) with their state, and their addresses. Throws like parseAddrShow. */
export function parseInterfaces(json: string, iface?: string): InterfaceScan {
  let doc: unknown;
  try {
    doc = JSON.parse(json.trim() === '' ? '[]' : json);
  } catch (err) {
    throw new AddressError(`ip -j addr show printed something that is not JSON (${(err as Error).message}): ${JSON.stringify(json.slice(0, 120))}`, 'failed');
  }
  if (!Array.isArray(doc)) throw new AddressError(`ip -j addr show printed ${typeof doc} instead of a list of interfaces`, 'failed');
  const out: KernelAddress[] = [];
  const links: KernelLink[] = [];
  for (const link of doc) {
    if (!isRecord(link) || typeof link['ifname'] !== 'string') continue;
    const ifname = link['ifname'];
    if (iface !== undefined && ifname !== iface) continue;
    links.push({ name: ifname, state: linkStateOf(link['flags'], link['operstate']) });
    const infos = Array.isArray(link['addr_info']) ? link['addr_info'] : [];
    for (const info of infos) {
      const a = addressOf(info, ifname);
      if (a) out.push(a);
    }
  }
  return { links, addresses: out };
}

function addressOf(info: unknown, ifname: string): KernelAddress | undefined {
  if (!isRecord(info)) return undefined;
  const family = info['family'] === 'inet' ? 'ipv4' : info['family'] === 'inet6' ? 'ipv6' : undefined;
  const local = info['local'];
  const length = info['prefixlen'];
  if (family === undefined || typeof local !== 'string' || typeof length !== 'number') return undefined;
  if (family === 'ipv4' ? !isIPv4(local) || length > 32 : !isIPv6(local) || local.includes('%') || length > 128) return undefined;
  if (!Number.isInteger(length) || length < 0) return undefined;
  const address = family === 'ipv4' ? local : formatIpv6(parseIpv6(local));
  const label = typeof info['label'] === 'string' ? info['label'] : undefined;
  return {
    prefix: `${address}/${length}`,
    interface: ifname,
    ...(label !== undefined ? { label } : {}),
    family,
    address,
    length,
    scope: typeof info['scope'] === 'string' ? info['scope'] : 'global',
    tentative: info['tentative'] === true,
    dadFailed: info['dadfailed'] === true,
  };
}

/** Usable now: not waiting for duplicate address detection, not refused by it. */
export const isUsable = (a: KernelAddress): boolean => !a.tentative && !a.dadFailed;

/** The addresses traffic can reach now: usable, on a link that is up (or that the read did not list). */
export function usableAddresses(scan: InterfaceScan): KernelAddress[] {
  const down = new Set(scan.links.filter((l) => l.state !== 'up').map((l) => l.name));
  return scan.addresses.filter((a) => isUsable(a) && !down.has(a.interface));
}
