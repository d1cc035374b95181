// MP_REACH_NLRI (type 14) and MP_UNREACH_NLRI (type 15), RFC 4760 3 and 4:
//
//   MP_REACH_NLRI:   AFI (2) | SAFI (1) | next hop length (1) | next hop | reserved (1) | NLRI
//   MP_UNREACH_NLRI: AFI (2) | SAFI (1) | withdrawn routes
//
// floatd carries IPv4 and IPv6 unicast. Next hops: IPv4 (4 octets) for IPv4
// NLRI; IPv6 global (16) or global + link-local (32, RFC 2545 3) for IPv6
// NLRI, and for IPv4 NLRI too (RFC 8950 3).

import { Afi, Safi, UpdateSubcode } from '../constants.js';
import { BgpEncodeError, ErrorAction, type BgpDecodeError } from '../errors.js';
import { formatIpv4, formatIpv6 } from '../ip.js';
import { decodeNlri, encodePrefix } from '../nlri.js';
import type { CodecContext, MpReach, MpUnreach, Prefix } from '../types.js';
import { Writer } from '../writer.js';
import { ipv4Bytes, ipv6Bytes } from './addresses.js';
import { attributeBytes, updateError } from './rules.js';

const isUnicastFamily = (afi: number, safi: number): boolean => (afi === Afi.Ipv4 || afi === Afi.Ipv6) && safi === Safi.Unicast;

export const addPathFor = (afi: Afi, ctx: CodecContext): boolean => (afi === Afi.Ipv4 ? ctx.addPathIpv4 : ctx.addPathIpv6);

/** RFC 4760 7: an incorrect MP attribute is an Optional Attribute Error; RFC 7606 7.11 resets the session. */
const malformedMp = (buf: Uint8Array, p: number, end: number, what: string): BgpDecodeError =>
  updateError(UpdateSubcode.OptionalAttributeError, what, attributeBytes(buf, p, end));

/** The attribute at buf[p, end) names a family floatd does not carry: RFC 4760 7 / RFC 7606 disable it. */
export function unsupportedFamily(buf: Uint8Array, p: number, v: number, end: number): BgpDecodeError {
  const afi = (buf[v]! << 8) | buf[v + 1]!;
  return updateError(
    UpdateSubcode.OptionalAttributeError,
    `attribute type ${buf[p + 1]!} for unsupported AFI ${afi} SAFI ${buf[v + 2]!}`,
    attributeBytes(buf, p, end),
    ErrorAction.AfiSafiDisable,
  );
}

/**
 * The MP attribute whose value starts at buf[v] (its AFI and SAFI present: v + 3 <= end)
 * names a family the session did not negotiate: its AFI << 8 | SAFI, else -1.
 */
export function ignoredFamily(buf: Uint8Array, v: number, end: number, ctx: CodecContext): number {
  const afis = ctx.unicastAfis;
  if (afis === undefined || end - v < 3) return -1;
  const afi = (buf[v]! << 8) | buf[v + 1]!;
  const safi = buf[v + 2]!;
  return safi === Safi.Unicast && afis.includes(afi) ? -1 : (afi << 8) | safi;
}

/** "AFI 1 SAFI 133" for an ignoredFamily() value. */
export const familyText = (f: number): string => `AFI ${f >>> 8} SAFI ${f & 0xff}`;

/**
 * Checks the MP_REACH_NLRI at buf[p, end) (value from v) up to its NLRI and
 * returns where the NLRI start, or -1 for a family other than IPv4/IPv6 unicast.
 * Throws (session reset) when the NLRI cannot be located (RFC 7606 7.11).
 */
export function mpReachNlriStart(buf: Uint8Array, p: number, v: number, end: number): number {
  if (end - v < 3) throw malformedMp(buf, p, end, 'MP_REACH_NLRI too short for AFI and SAFI');
  const afi = (buf[v]! << 8) | buf[v + 1]!;
  if (!isUnicastFamily(afi, buf[v + 2]!)) return -1;
  if (end - v < 5) throw malformedMp(buf, p, end, 'MP_REACH_NLRI too short for its next hop');
  const nhLen = buf[v + 3]!;
  if (nhLen !== 16 && nhLen !== 32 && !(nhLen === 4 && afi === Afi.Ipv4)) {
    throw malformedMp(buf, p, end, `MP_REACH_NLRI next hop length ${nhLen} is wrong for AFI ${afi}`);
  }
  const nlri = v + 5 + nhLen;
  if (nlri > end) throw malformedMp(buf, p, end, 'MP_REACH_NLRI next hop runs past the attribute');
  return nlri;
}

/** Like mpReachNlriStart, for MP_UNREACH_NLRI's withdrawn routes. */
export function mpUnreachNlriStart(buf: Uint8Array, p: number, v: number, end: number): number {
  if (end - v < 3) throw malformedMp(buf, p, end, 'MP_UNREACH_NLRI too short for AFI and SAFI');
  return isUnicastFamily((buf[v]! << 8) | buf[v + 1]!, buf[v + 2]!) ? v + 3 : -1;
}

export const mpAfi = (buf: Uint8Array, v: number): Afi => ((buf[v]! << 8) | buf[v + 1]!) as Afi;

/** Decodes a checked MP_REACH_NLRI whose NLRI start at `nlri` (from mpReachNlriStart). */
export function decodeMpReach(buf: Uint8Array, v: number, nlri: number, end: number, ctx: CodecContext): MpReach {
  const afi = mpAfi(buf, v);
  const nhLen = buf[v + 3]!;
  const nh = v + 4;
  const nextHops = nhLen === 4 ? [formatIpv4(buf, nh)] : nhLen === 16 ? [formatIpv6(buf, nh)] : [formatIpv6(buf, nh), formatIpv6(buf, nh + 16)];
  return { afi, safi: Safi.Unicast, nextHops, nlri: decodeNlri(buf, nlri, end, afi, addPathFor(afi, ctx)) };
}

export function decodeMpUnreach(buf: Uint8Array, v: number, withdrawn: number, end: number, ctx: CodecContext): MpUnreach {
  const afi = mpAfi(buf, v);
  return { afi, safi: Safi.Unicast, withdrawn: decodeNlri(buf, withdrawn, end, afi, addPathFor(afi, ctx)) };
}

function checkFamily(afi: number, safi: number): void {
  if (!isUnicastFamily(afi, safi)) throw new BgpEncodeError(`cannot encode AFI ${afi} SAFI ${safi}`);
}

function prefixBytes(prefixes: readonly Prefix[], afi: Afi, ctx: CodecContext): Uint8Array[] {
  const addPath = addPathFor(afi, ctx);
  return prefixes.map((p) => {
    if (p.afi !== afi) throw new BgpEncodeError(`prefix ${p.addr}/${p.len} is not of AFI ${afi}`);
    return encodePrefix(p, addPath);
  });
}

function nextHopBytes(afi: Afi, nextHops: readonly string[]): Uint8Array[] {
  const n = nextHops.length;
  if (n === 1 && afi === Afi.Ipv4 && !nextHops[0]!.includes(':')) return [ipv4Bytes(nextHops[0]!, 'MP_REACH_NLRI next hop')];
  if (n !== 1 && n !== 2) throw new BgpEncodeError(`MP_REACH_NLRI needs 1 or 2 next hops, got ${n}`);
  return nextHops.map((a) => ipv6Bytes(a, 'MP_REACH_NLRI next hop'));
}

export function encodeMpReach(m: MpReach, ctx: CodecContext): Uint8Array {
  checkFamily(m.afi, m.safi);
  const nh = nextHopBytes(m.afi, m.nextHops);
  const w = new Writer(64);
  w.u16(m.afi).u8(m.safi).u8(nh.reduce((s, b) => s + b.length, 0));
  for (const b of nh) w.bytes(b);
  w.u8(0); // reserved
  for (const b of prefixBytes(m.nlri, m.afi, ctx)) w.bytes(b);
  return w.finish();
}

export function encodeMpUnreach(m: MpUnreach, ctx: CodecContext): Uint8Array {
  checkFamily(m.afi, m.safi);
  const w = new Writer(64);
  w.u16(m.afi).u8(m.safi);
  for (const b of prefixBytes(m.withdrawn, m.afi, ctx)) w.bytes(b);
  return w.finish();
}
