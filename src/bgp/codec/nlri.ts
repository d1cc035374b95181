// NLRI encoding, RFC 4271 4.3 and RFC 4760 5 (IPv6), RFC 7911 3 (path identifiers):
//
//   [path identifier (4), only with ADD-PATH] length in bits (1) | prefix (ceil(length/8))
//
// Trailing bits past the length are ignored on receipt and zero when sent.

import { Afi, ErrorCode, UpdateSubcode } from './constants.js';
import { decodeError, type BgpDecodeError } from './errors.js';
import { formatIpv4, formatIpv6, parsePrefix } from './ip.js';
import type { Prefix } from './types.js';

const invalidNetwork = (what: string): BgpDecodeError =>
  decodeError(ErrorCode.UpdateMessage, UpdateSubcode.InvalidNetworkField, what);

const scratch6 = new Uint8Array(16);

/** Decodes the prefixes in buf[start, end). Throws Invalid Network Field (session reset, RFC 7606 5.3) on any overrun. */
export function decodeNlri(buf: Uint8Array, start: number, end: number, afi: Afi, addPath: boolean, out: Prefix[] = []): Prefix[] {
  const max = afi === Afi.Ipv4 ? 32 : 128;
  let p = start;
  while (p < end) {
    let pathId = 0;
    if (addPath) {
      if (end - p < 5) throw invalidNetwork('NLRI ends inside a path identifier');
      pathId = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
      p += 4;
    }
    const len = buf[p++]!;
    if (len > max) throw invalidNetwork(`prefix length ${len} exceeds ${max}`);
    const n = (len + 7) >> 3;
    if (p + n > end) throw invalidNetwork('NLRI ends inside a prefix');
    let addr: string;
    if (afi === Afi.Ipv4) {
      // Bits past `len` are ignored (RFC 4271 4.3); mask the last octet.
      const a = n > 0 ? buf[p]! : 0;
      const b = n > 1 ? buf[p + 1]! : 0;
      const c = n > 2 ? buf[p + 2]! : 0;
      const d = n > 3 ? buf[p + 3]! : 0;
      const v = (((a << 24) | (b << 16) | (c << 8) | d) & (len === 0 ? 0 : (-1 << (32 - len)))) >>> 0;
      addr = `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
    } else {
      scratch6.fill(0);
      for (let i = 0; i < n; i++) scratch6[i] = buf[p + i]!;
      if (len & 7) scratch6[n - 1]! &= 0xff << (8 - (len & 7));
      addr = formatIpv6(scratch6);
    }
    p += n;
    out.push(addPath ? { afi, addr, len, pathId } : { afi, addr, len });
  }
  return out;
}

/** Counts the prefixes in buf[start, end) without building them; same checks as decodeNlri. */
export function countNlri(buf: Uint8Array, start: number, end: number, afi: Afi, addPath: boolean): number {
  const max = afi === Afi.Ipv4 ? 32 : 128;
  const skip = addPath ? 4 : 0;
  let p = start;
  let count = 0;
  while (p < end) {
    p += skip;
    if (p >= end) throw invalidNetwork('NLRI ends inside a path identifier');
    const len = buf[p++]!;
    if (len > max) throw invalidNetwork(`prefix length ${len} exceeds ${max}`);
    p += (len + 7) >> 3;
    if (p > end) throw invalidNetwork('NLRI ends inside a prefix');
    count++;
  }
  return count;
}

/**
 * Wire bytes of one prefix, path identifier included when `addPath`. A
 * prefix built by wirePrefix carries its octets; only others (say, a received
 * route passed on) are parsed from their text here.
 */
export function encodePrefix(p: Prefix, addPath: boolean): Uint8Array {
  const len = p.len;
  const bytes = p.bytes ?? parsePrefix(`${p.addr}/${p.len}`).bytes;
  const n = (len + 7) >> 3;
  const off = addPath ? 4 : 0;
  const out = new Uint8Array(off + 1 + n);
  if (addPath) {
    const id = p.pathId ?? 0;
    out[0] = id >>> 24;
    out[1] = (id >>> 16) & 0xff;
    out[2] = (id >>> 8) & 0xff;
    out[3] = id & 0xff;
  }
  out[off] = len;
  out.set(bytes.subarray(0, n), off + 1);
  return out;
}

/** Builds a Prefix value from text such as "192.0.2.0/24" (host bits must be clear). */
export function prefix(text: string, pathId?: number): Prefix {
  const { afi, bytes, len } = parsePrefix(text);
  const addr = afi === 1 ? formatIpv4(bytes) : formatIpv6(bytes);
  return pathId === undefined ? { afi, addr, len } : { afi, addr, len, pathId };
}

/** Like `prefix`, with the address octets kept so encoding never parses the text again. */
export function wirePrefix(text: string): Prefix {
  const { afi, bytes, len } = parsePrefix(text);
  const addr = afi === 1 ? formatIpv4(bytes) : formatIpv6(bytes);
  return { afi, addr, len, bytes };
}

export const prefixText = (p: Prefix): string => `${p.addr}/${p.len}`;
