// Address text to wire bytes for the encoders, with BgpEncodeError for text
// that is not an address of the expected family.

import { isIPv4, isIPv6 } from 'node:net';
import { BgpEncodeError } from '../errors.js';
import { parseIpv4, parseIpv6 } from '../ip.js';

export function ipv4Bytes(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !isIPv4(text)) throw new BgpEncodeError(`${what} is not an IPv4 address: ${JSON.stringify(text)}`);
  return parseIpv4(text);
}

export function ipv6Bytes(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !isIPv6(text)) throw new BgpEncodeError(`${what} is not an IPv6 address: ${JSON.stringify(text)}`);
  return parseIpv6(text);
}
