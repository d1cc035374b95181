// Checks on interface names, IPv4 labels and address text, shared by the
// iproute2 port and the config schema. Each returns what is wrong, ending in
// "(expected ...)", or undefined when the value is fine.

import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../bgp/codec/ip.js';

/** IFNAMSIZ is 16 bytes with the terminating NUL; labels share the limit. */
export const MAX_NAME = 15;

/** Linux refuses "/", ":" and white space in names; a leading "-" would read as an option to ip. */
/** In a watch: every interface (lelastic's -allifs). */
export const ALL_INTERFACES = '*';

export function interfaceNameProblem(name: string): string | undefined {
  if (name === '' || name.length > MAX_NAME || name === '.' || name === '..' || !/^[^\s/:-][^\s/:]*$/.test(name)) {
    return `${JSON.stringify(name)} is not an interface name (expected 1..${MAX_NAME} characters without spaces, / or :, not starting with -, such as lo)`;
  }
  return undefined;
}

/** The kernel keeps IPv4 labels in an IFNAMSIZ field; ifconfig's alias convention is IFACE:NAME. */
export function labelProblem(iface: string, label: string): string | undefined {
  if (!label.startsWith(iface)) {
    return `label ${JSON.stringify(label)} does not start with the interface name ${JSON.stringify(iface)} (expected a label such as ${iface}:web)`;
  }
  if (label.length > MAX_NAME) {
    return `label ${JSON.stringify(label)} is ${label.length} characters long (expected at most ${MAX_NAME}, the kernel's limit)`;
  }
  if (/[\s/]/.test(label)) return `label ${JSON.stringify(label)} contains a space or / (expected a label such as ${iface}:web)`;
  return undefined;
}

/** An address to put on an interface: canonical text and the prefix length the kernel gets. */
export interface LocalAddress {
  readonly family: 'ipv4' | 'ipv6';
  /** Canonical address text (RFC 5952 for IPv6). */
  readonly address: string;
  readonly length: number;
  /** `address/length`. */
  readonly text: string;
}

/**
 * "192.0.2.10", "192.0.2.10/32" or "2001:db8::1/128". Without a length the
 * address becomes a host prefix; host bits are allowed (10.0.0.1/24 puts
 * 10.0.0.1 on the interface with a /24 on-link route).
 */
export function parseLocalAddress(text: string): LocalAddress | string {
  const expected = '(expected an address such as 192.0.2.10, 192.0.2.10/32 or 2001:db8::10/128)';
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(addrText) ? 'ipv4' : isIPv6(addrText) && !addrText.includes('%') ? 'ipv6' : undefined;
  if (family === undefined) return `${JSON.stringify(text)} is not an IP address ${expected}`;
  const max = family === 'ipv4' ? 32 : 128;
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max || Number(lenText) === 0) {
    return `${JSON.stringify(text)} has a bad length (expected /1 to /${max})`;
  }
  const address = family === 'ipv4' ? formatIpv4(parseIpv4(addrText)) : formatIpv6(parseIpv6(addrText));
  const length = Number(lenText);
  return { family, address, length, text: `${address}/${length}` };
}
