// Watch mode's choice of prefixes, like BIRD's `protocol direct` or lelastic:
// each address on the interface becomes a host prefix (/32, /128), or for
// IPv6 the covering /64 or /56 (lelastic's -send56). Addresses pass a label
// filter (IPv4 only: IPv6 addresses have no label) and must sit inside the
// allow-list; one outside it is refused, never announced. Loopback and
// link-local addresses are skipped silently, and so are `exclude` prefixes
// (the services' own addresses, which their health decides) and addresses
// that are not host routes: IPv4 ones configured with a length other than
// /32, IPv6 ones other than /128 or the announced length.

import { formatPrefixBytes, maskBytes, parseIpv4, parseIpv6 } from '../../bgp/codec/ip.js';
import { parsePrefixText, prefixCovers, type ParsedPrefix } from '../../config/addresses.js';
import type { InterfaceAddress } from '../../net/address-port.js';
import { parseLocalAddress } from '../../net/address-names.js';

export type Ipv6WatchLength = 128 | 64 | 56;

export interface WatchFilter {
  /** IPv4 label, exact or a glob with * and ?; absent: every label. */
  readonly label?: string;
  /** Announced prefixes must be inside one of these (required; an empty list announces nothing). */
  readonly allow: readonly string[];
  /** Length announced for an IPv6 address; default 128. IPv4 is always /32. */
  readonly ipv6Length?: Ipv6WatchLength;
  /** Prefixes never announced by the watch, silently. */
  readonly exclude?: readonly string[];
}

export interface WatchSelection {
  /** Sorted, each once. */
  readonly prefixes: readonly string[];
  /** Addresses that passed the label filter but whose prefix lies outside the allow-list. */
  readonly refused: readonly { readonly address: string; readonly prefix: string }[];
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function globMatch(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(text);
}

const parsedList = (texts: readonly string[]): ParsedPrefix[] => {
  const out: ParsedPrefix[] = [];
  for (const t of texts) {
    const p = parsePrefixText(t);
    if (p.ok) out.push(p.value);
  }
  return out;
};

const SKIPPED = parsedList(['127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10']);

export function selectWatchPrefixes(addresses: readonly InterfaceAddress[], filter: WatchFilter): WatchSelection {
  const allow = parsedList(filter.allow);
  const exclude = parsedList(filter.exclude ?? []);
  const v6len = filter.ipv6Length ?? 128;
  const chosen = new Set<string>();
  const refused: { address: string; prefix: string }[] = [];
  for (const a of addresses) {
    const local = parseLocalAddress(a.prefix);
    if (typeof local === 'string') continue;
    const v4 = local.family === 'ipv4';
    // A floating address is a host route; 10.0.0.5/24 is the machine's own address in a subnet.
    if (v4 ? local.length !== 32 : local.length !== 128 && local.length !== v6len) continue;
    if (v4 && filter.label !== undefined && !globMatch(filter.label, a.label ?? a.interface)) continue;
    const bytes = v4 ? parseIpv4(local.address) : parseIpv6(local.address);
    const len = v4 ? 32 : v6len;
    const text = formatPrefixBytes(v4 ? 1 : 2, maskBytes(bytes, len), len);
    const host: ParsedPrefix = { family: local.family, bytes, len: v4 ? 32 : 128, text: `${local.address}/${v4 ? 32 : 128}` };
    const announced: ParsedPrefix = { family: local.family, bytes: maskBytes(bytes, len), len, text };
    if (SKIPPED.some((s) => prefixCovers(s, host))) continue;
    if (exclude.some((e) => prefixCovers(e, host) || prefixCovers(announced, e))) continue;
    if (!allow.some((p) => prefixCovers(p, announced))) {
      refused.push({ address: local.address, prefix: text });
      continue;
    }
    chosen.add(text);
  }
  return { prefixes: [...chosen].sort(), refused };
}
