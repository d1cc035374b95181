// VRRP version 3 advertisements (RFC 9568 5.1), IPv4 and IPv6.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |(rsvd) |     Max Advertise Interval|          Checksum         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      IPvX Address(es) ...                     |
//
// The interval is in centiseconds (12 bits). The checksum (5.2.8) covers the
// VRRP message and a pseudo-header of source, destination, protocol 112 and
// length (RFC 8200 8.1 for IPv6; the same fields for IPv4). Peers differ:
// - 'v2': no pseudo-header, as VRRP v2 computed it; some router firmware does
//   this for v3 too.
// - 'old-unicast': keepalived before 1.3.6 (and `old_unicast_checksum` now)
//   put the multicast group, not the unicast peer, in the pseudo-header.
// Decoding accepts any of them and says which one matched.

import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../bgp/codec/ip.js';

export const VRRP_PROTOCOL = 112;
export const VRRP_VERSION = 3;
export const TYPE_ADVERTISEMENT = 1;
export const VRRP_GROUP_V4 = '224.0.0.18';
export const VRRP_GROUP_V6 = 'ff02::12';
const HEADER = 8;

export type Family = 'ipv4' | 'ipv6';
export type ChecksumMode = 'rfc' | 'v2' | 'old-unicast';

export interface Advert {
  readonly vrid: number;
  /** 0 = stop being Active (RFC 9568 6.4.3), 1..254 backup, 255 address owner. */
  readonly priority: number;
  /** Max Advertise Interval in centiseconds, 1..4095. */
  readonly intervalCs: number;
  /** Virtual addresses, canonical text, all of the packet's family. */
  readonly addresses: readonly string[];
}

/** Where the packet goes and comes from: the checksum's pseudo-header. */
export interface Path {
  readonly family: Family;
  readonly source: string;
  readonly destination: string;
}

/** Why a received packet was dropped (RFC 9568 7.1); stable codes for counters and logs. */
export type DecodeErrorCode = 'ERR_VRRP_SHORT' | 'ERR_VRRP_VERSION' | 'ERR_VRRP_TYPE' | 'ERR_VRRP_LENGTH' | 'ERR_VRRP_CHECKSUM' | 'ERR_VRRP_INTERVAL';

export type Decoded =
  | { readonly ok: true; readonly advert: Advert; readonly checksum: ChecksumMode }
  | { readonly ok: false; readonly code: DecodeErrorCode; readonly reason: string };

export class VrrpPacketError extends Error {
  readonly code = 'ERR_VRRP_PACKET';
  override readonly name = 'VrrpPacketError';
}

const addrLen = (f: Family): number => (f === 'ipv4' ? 4 : 16);
const parseAddr = (f: Family, text: string): Uint8Array => (f === 'ipv4' ? parseIpv4(text) : parseIpv6(text));
export const groupOf = (f: Family): string => (f === 'ipv4' ? VRRP_GROUP_V4 : VRRP_GROUP_V6);

/** One's-complement sum of `b` (odd length padded with a zero octet), added to `sum`, not folded. */
function sum16(b: Uint8Array, sum = 0): number {
  const n = b.length & ~1;
  for (let i = 0; i < n; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (b.length & 1) sum += b[b.length - 1]! << 8;
  return sum;
}

const fold = (sum: number): number => {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
};

/** The pseudo-header's contribution: source, destination, protocol and length (RFC 9568 5.2.8). */
function pseudoSum(path: Path, length: number, destination: string): number {
  let s = sum16(parseAddr(path.family, path.source));
  s += sum16(parseAddr(path.family, destination));
  // IPv4: zero, protocol, 16-bit length; IPv6: 32-bit length, 3 zero octets, next header.
  return s + VRRP_PROTOCOL + length;
}

/**
 * The checksum field's value for `msg` (its own checksum octets taken as zero).
 * `mode` picks the pseudo-header variant.
 */
export function checksumOf(msg: Uint8Array, path: Path, mode: ChecksumMode): number {
  let s = sum16(msg) - ((msg[6]! << 8) | msg[7]!);
  if (mode === 'rfc') s += pseudoSum(path, msg.length, path.destination);
  else if (mode === 'old-unicast') s += pseudoSum(path, msg.length, groupOf(path.family));
  return ~fold(s) & 0xffff;
}

/** Encodes an advert for `path`. Throws a VrrpPacketError for values the wire cannot carry. */
export function encodeAdvert(a: Advert, path: Path, mode: ChecksumMode = 'rfc'): Buffer {
  if (!Number.isInteger(a.vrid) || a.vrid < 1 || a.vrid > 255) throw new VrrpPacketError(`VRID ${a.vrid} is out of range (expected 1..255)`);
  if (!Number.isInteger(a.priority) || a.priority < 0 || a.priority > 255) throw new VrrpPacketError(`priority ${a.priority} is out of range (expected 0..255)`);
  if (!Number.isInteger(a.intervalCs) || a.intervalCs < 1 || a.intervalCs > 4095) {
    throw new VrrpPacketError(`advert interval ${a.intervalCs} cs is out of range (expected 1..4095 centiseconds)`);
  }
  if (a.addresses.length < 1 || a.addresses.length > 255) throw new VrrpPacketError(`${a.addresses.length} addresses (expected 1..255)`);
  const al = addrLen(path.family);
  const b = Buffer.alloc(HEADER + al * a.addresses.length);
  b[0] = (VRRP_VERSION << 4) | TYPE_ADVERTISEMENT;
  b[1] = a.vrid;
  b[2] = a.priority;
  b[3] = a.addresses.length;
  b.writeUInt16BE(a.intervalCs & 0x0fff, 4);
  a.addresses.forEach((text, i) => {
    let bytes: Uint8Array;
    try {
      bytes = parseAddr(path.family, text);
    } catch {
      throw new VrrpPacketError(`${JSON.stringify(text)} is not an ${path.family === 'ipv4' ? 'IPv4' : 'IPv6'} address (one family per instance)`);
    }
    b.set(bytes, HEADER + i * al);
  });
  b.writeUInt16BE(checksumOf(b, path, mode), 6);
  return b;
}

/**
 * Decodes the VRRP part of a received packet (after the IP header). Trailing
 * octets beyond the address list are ignored (RFC 9568 7.1 asks only that the
 * packet hold the whole message) but covered by the checksum, as sent.
 * Checksum variants are tried in the order `prefer`, then the rest.
 */
export function decodeAdvert(b: Uint8Array, path: Path, prefer: ChecksumMode = 'rfc'): Decoded {
  if (b.length < HEADER) return { ok: false, code: 'ERR_VRRP_SHORT', reason: `${b.length} octets, shorter than the 8-octet header` };
  const version = b[0]! >> 4;
  if (version !== VRRP_VERSION) return { ok: false, code: 'ERR_VRRP_VERSION', reason: `version ${version} (expected 3)` };
  const type = b[0]! & 0x0f;
  if (type !== TYPE_ADVERTISEMENT) return { ok: false, code: 'ERR_VRRP_TYPE', reason: `type ${type} (expected 1, advertisement)` };
  const count = b[3]!;
  const al = addrLen(path.family);
  const need = HEADER + count * al;
  if (b.length < need) return { ok: false, code: 'ERR_VRRP_LENGTH', reason: `${count} addresses need ${need} octets, the packet has ${b.length}` };
  const got = (b[6]! << 8) | b[7]!;
  let mode: ChecksumMode | undefined;
  for (const m of [prefer, ...(['rfc', 'v2', 'old-unicast'] as const).filter((x) => x !== prefer)]) {
    if (checksumOf(b, path, m) === got) {
      mode = m;
      break;
    }
  }
  if (mode === undefined) return { ok: false, code: 'ERR_VRRP_CHECKSUM', reason: `checksum 0x${got.toString(16).padStart(4, '0')} matches no pseudo-header variant` };
  const intervalCs = ((b[4]! << 8) | b[5]!) & 0x0fff;
  if (intervalCs === 0) return { ok: false, code: 'ERR_VRRP_INTERVAL', reason: 'max advert interval 0' };
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(path.family === 'ipv4' ? formatIpv4(b, HEADER + i * al) : formatIpv6(b, HEADER + i * al));
  return { ok: true, advert: { vrid: b[1]!, priority: b[2]!, intervalCs, addresses }, checksum: mode };
}

/** Centiseconds on the wire for an interval in ms, rounded, within 1..4095. */
export const msToCs = (ms: number): number => Math.min(4095, Math.max(1, Math.round(ms / 10)));
