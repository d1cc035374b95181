// A check of an UPDATE's path attributes field (RFC 4271 4.3 and 5, RFC 7606 7)
// that builds nothing:
//
//   attribute* : flags (1) | type code (1) | length (1, or 2 with Extended Length) | value
//
// It answers only "certainly clean" (and whether the AS_PATH holds our AS) for
// the attributes a table is made of; anything else, including every error and
// every attribute it does not know, is "not sure", and the caller hands the
// field to decodeAttributes, which reports what is wrong. So it can never
// hide an error, only save the decoding of clean attributes that the RIB keeps
// as bytes anyway.

import { AsPathSegmentType, AttrFlag, AttrType } from '../codec/constants.js';
import { isHostIpv4 } from '../codec/attributes/next-hop.js';
import { EXPECTED_FLAGS } from '../codec/attributes/rules.js';

export const NOT_SURE = 0;
export const CLEAN = 1;
/** Clean, and our AS is in the AS_PATH (a loop, RFC 4271 9.1.2). */
export const CLEAN_LOOP = 2;
export type Verdict = typeof NOT_SURE | typeof CLEAN | typeof CLEAN_LOOP;

/** Bit per type code this check understands (all below 32, LARGE_COMMUNITIES apart). */
const KNOWN =
  (1 << AttrType.Origin) |
  (1 << AttrType.AsPath) |
  (1 << AttrType.NextHop) |
  (1 << AttrType.MultiExitDisc) |
  (1 << AttrType.LocalPref) |
  (1 << AttrType.AtomicAggregate) |
  (1 << AttrType.Aggregator) |
  (1 << AttrType.Communities) |
  (1 << AttrType.OriginatorId) |
  (1 << AttrType.ClusterList) |
  (1 << AttrType.ExtendedCommunities);
/** RFC 4271 5 / RFC 7606 3d: mandatory when the UPDATE carries NLRI. */
const MANDATORY = (1 << AttrType.Origin) | (1 << AttrType.AsPath) | (1 << AttrType.NextHop);

const u32 = (buf: Uint8Array, p: number): number => ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;

/** AS_PATH value buf[start, end): CLEAN, CLEAN_LOOP or NOT_SURE, by the rules of RFC 7606 7.2 and RFC 7607. */
function asPath(buf: Uint8Array, start: number, end: number, size: 2 | 4, localAs: number): Verdict {
  let loop = false;
  for (let p = start; p < end; ) {
    if (end - p < 2) return NOT_SURE;
    const type = buf[p]!;
    const n = buf[p + 1]!;
    if ((type !== AsPathSegmentType.AsSequence && type !== AsPathSegmentType.AsSet) || n === 0) return NOT_SURE;
    p += 2;
    const segEnd = p + n * size;
    if (segEnd > end) return NOT_SURE;
    for (; p < segEnd; p += size) {
      const asn = size === 4 ? u32(buf, p) : (buf[p]! << 8) | buf[p + 1]!;
      if (asn === 0) return NOT_SURE;
      if (asn === localAs) loop = true;
    }
  }
  return loop ? CLEAN_LOOP : CLEAN;
}

/**
 * The verdict on buf[start, end), the attributes of an UPDATE that carries
 * IPv4 NLRI, received with `fourOctetAs` AS numbers, for a speaker in `localAs`.
 */
export function checkPlainAttributes(buf: Uint8Array, start: number, end: number, fourOctetAs: boolean, localAs: number): Verdict {
  let seen = 0;
  let seenLarge = false;
  let loop = false;
  for (let p = start; p < end; ) {
    const flags = buf[p]!;
    const ext = flags & AttrFlag.ExtendedLength;
    if (end - p < (ext ? 4 : 3)) return NOT_SURE;
    const type = buf[p + 1]!;
    const v = p + (ext ? 4 : 3);
    const next = v + (ext ? (buf[p + 2]! << 8) | buf[p + 3]! : buf[p + 2]!);
    if (next > end) return NOT_SURE;
    const len = next - v;
    if ((flags & 0xc0) !== EXPECTED_FLAGS[type]) return NOT_SURE;
    if (type === AttrType.LargeCommunities) {
      // RFC 8092 5: a non-zero multiple of 12.
      if (seenLarge || len === 0 || len % 12 !== 0) return NOT_SURE;
      seenLarge = true;
      p = next;
      continue;
    }
    if (type >= 32 || !(KNOWN & (1 << type)) || seen & (1 << type)) return NOT_SURE;
    seen |= 1 << type;
    switch (type) {
      case AttrType.Origin:
        if (len !== 1 || buf[v]! > 2) return NOT_SURE;
        break;
      case AttrType.AsPath: {
        const r = asPath(buf, v, next, fourOctetAs ? 4 : 2, localAs);
        if (r === NOT_SURE) return NOT_SURE;
        loop = r === CLEAN_LOOP;
        break;
      }
      case AttrType.NextHop:
        // RFC 4271 6.3 / RFC 7606 7.3: not a host address (loopback included: whether it is one depends on the session).
        if (len !== 4 || !isHostIpv4(u32(buf, v), true)) return NOT_SURE;
        break;
      case AttrType.MultiExitDisc:
      case AttrType.LocalPref:
      case AttrType.OriginatorId:
        if (len !== 4) return NOT_SURE;
        break;
      case AttrType.AtomicAggregate:
        if (len !== 0) return NOT_SURE;
        break;
      case AttrType.Aggregator:
        // RFC 7606 7.7 and RFC 7607 2: 8 octets with 4-octet AS (6 without), AS not 0.
        if (len !== (fourOctetAs ? 8 : 6)) return NOT_SURE;
        if ((fourOctetAs ? u32(buf, v) : (buf[v]! << 8) | buf[v + 1]!) === 0) return NOT_SURE;
        break;
      case AttrType.Communities:
      case AttrType.ClusterList:
        if (len === 0 || (len & 3) !== 0) return NOT_SURE;
        break;
      case AttrType.ExtendedCommunities:
        if (len === 0 || (len & 7) !== 0) return NOT_SURE;
        break;
    }
    p = next;
  }
  if ((seen & MANDATORY) !== MANDATORY) return NOT_SURE;
  return loop ? CLEAN_LOOP : CLEAN;
}
