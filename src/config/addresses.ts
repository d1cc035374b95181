import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4, formatIpv6, formatPrefixBytes, maskBytes, parseIpv4, parseIpv6 } from '../bgp/codec/ip.js';

/** Address families as spelled in the config. */
export type Family = 'ipv4' | 'ipv6';

export interface ParsedPrefix {
  readonly family: Family;
  readonly bytes: Uint8Array;
  readonly len: number;
  /** Canonical text: dotted quad or RFC 5952 form. */
  readonly text: string;
}

/** Result of a parse that can fail: the value, or what is wrong (ending in "(expected ...)"). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Canonical text and family of an IPv4 or IPv6 address; zone ids (fe80::1%eth0) are not supported. */
export function parseAddress(text: string): Parsed<{ family: Family; addr: string }> {
  if (isIPv4(text)) return ok({ family: 'ipv4', addr: formatIpv4(parseIpv4(text)) });
  if (isIPv6(text) && !text.includes('%')) return ok({ family: 'ipv6', addr: formatIpv6(parseIpv6(text)) });
  if (text.includes('%')) return fail(`${JSON.stringify(text)} has a zone id, which floatd does not support (expected a global IPv4 or IPv6 address)`);
  return fail(`${JSON.stringify(text)} is not an IP address (expected an IPv4 or IPv6 address such as 192.0.2.1 or 2001:db8::1)`);
}

export const isUnspecified = (addr: string): boolean => addr === '0.0.0.0' || addr === '::';

export const familyOf = (addr: string): Family => (addr.includes(':') ? 'ipv6' : 'ipv4');

/** "a.b.c.d/n" or "x::/n" with host bits clear; the error names the prefix that was probably meant. */
export function parsePrefixText(text: string): Parsed<ParsedPrefix> {
  const expected = '(expected address/length such as 192.0.2.0/24 or 2001:db8::/48)';
  const slash = text.indexOf('/');
  if (slash < 0) return fail(`${JSON.stringify(text)} has no /length ${expected}`);
  const addrText = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  const addr = parseAddress(addrText);
  if (!addr.ok) return fail(`${JSON.stringify(text)} does not start with an IP address ${expected}`);
  const family = addr.value.family;
  const max = family === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) {
    return fail(`${JSON.stringify(text)} has a bad length (expected /0 to /${max} for ${family === 'ipv4' ? 'IPv4' : 'IPv6'})`);
  }
  const len = Number(lenText);
  const bytes = family === 'ipv4' ? parseIpv4(addr.value.addr) : parseIpv6(addr.value.addr);
  const masked = maskBytes(bytes, len);
  const afi = family === 'ipv4' ? 1 : 2;
  const canonical = formatPrefixBytes(afi, masked, len);
  if (!masked.every((b, i) => b === bytes[i])) {
    return fail(`${text} has host bits set (expected ${canonical})`);
  }
  return ok({ family, bytes: masked, len, text: canonical });
}

/** True when `inner` is equal to or more specific than `outer`. */
export function prefixCovers(outer: ParsedPrefix, inner: ParsedPrefix): boolean {
  if (outer.family !== inner.family || outer.len > inner.len) return false;
  const cut = maskBytes(inner.bytes, outer.len);
  return cut.every((b, i) => b === outer.bytes[i]);
}
