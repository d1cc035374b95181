// `ip -j addr show dev IFACE` -> addresses. iproute2 prints an array of links,
// each with `ifname` and `addr_info`: { family: inet|inet6, local, prefixlen,
// label (IPv4 only), and flags as boolean keys such as tentative, dadfailed }.
// Some versions print empty objects in addr_info for filtered entries; those
// and any entry without a usable address are skipped.

import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv6, parseIpv6 } from '../../bgp/codec/ip.js';
import type { InterfaceAddress } from '../../net/address-port.js';
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every address of `iface` (all links when undefined) in the order ip printed them. Throws an AddressError on text that is not ip's JSON. */
export function parseAddrShow(json: string, iface?: string): KernelAddress[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json.trim() === '' ? '[]' : json);
  } catch (err) {
    throw new AddressError(`ip -j addr show printed something that is not JSON (${(err as Error).message}): ${JSON.stringify(json.slice(0, 120))}`, 'failed');
  }
  if (!Array.isArray(doc)) throw new AddressError(`ip -j addr show printed ${typeof doc} instead of a list of interfaces`, 'failed');
  const out: KernelAddress[] = [];
  for (const link of doc) {
    if (!isRecord(link) || typeof link['ifname'] !== 'string') continue;
    const ifname = link['ifname'];
    if (iface !== undefined && ifname !== iface) continue;
    const infos = Array.isArray(link['addr_info']) ? link['addr_info'] : [];
    for (const info of infos) {
      const a = addressOf(info, ifname);
      if (a) out.push(a);
    }
  }
  return out;
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
