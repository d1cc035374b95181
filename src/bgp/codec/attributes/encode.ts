// Path attributes to send, RFC 4271 4.3, in ascending type code order:
//
//   attribute* : flags (1) | type code (1) | length (1, or 2 when the value exceeds 255 octets) | value
//
// For a peer without 4-octet AS support, AS numbers above 65535 become
// AS_TRANS and the real ones travel in AS4_PATH / AS4_AGGREGATOR (RFC 6793 4.2.2).

import { AS_TRANS, AttrFlag, AttrType } from '../constants.js';
import { BgpEncodeError } from '../errors.js';
import type { Aggregator, CodecContext, PathAttributes, RawAttribute } from '../types.js';
import { ipv4Bytes } from './addresses.js';
import { encodeAsPath, hasWideAsn, isAsn } from './as-path.js';
import { encodeMpReach, encodeMpUnreach } from './mp-nlri.js';
import { EXPECTED_FLAGS } from './rules.js';

interface Part {
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

function u32s(values: readonly number[], what: string): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  values.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new BgpEncodeError(`${what} ${n} is not an unsigned 32-bit number`);
    out[4 * i] = n >>> 24;
    out[4 * i + 1] = (n >>> 16) & 0xff;
    out[4 * i + 2] = (n >>> 8) & 0xff;
    out[4 * i + 3] = n & 0xff;
  });
  return out;
}

/** AGGREGATOR (RFC 4271 5.1.7) or AS4_AGGREGATOR (RFC 6793 3): AS (size octets) | IPv4 address (4). */
function aggregatorValue(a: Aggregator, size: 2 | 4, what: string): Uint8Array {
  if (!isAsn(a.asn)) throw new BgpEncodeError(`bad ${what} AS number ${a.asn}`);
  const address = ipv4Bytes(a.address, `${what} address`);
  if (size === 4) return Uint8Array.of(...u32s([a.asn], what), ...address);
  const asn = a.asn > 0xffff ? AS_TRANS : a.asn;
  return Uint8Array.of(asn >> 8, asn & 0xff, ...address);
}

function concat(chunks: readonly Uint8Array[], size: number, what: string): Uint8Array {
  const out = new Uint8Array(chunks.length * size);
  chunks.forEach((c, i) => {
    if (c.length !== size) throw new BgpEncodeError(`${what} must be ${size} octets, got ${c.length}`);
    out.set(c, i * size);
  });
  return out;
}

function unknownParts(unknown: readonly RawAttribute[]): Part[] {
  const seen = new Set<number>();
  for (const u of unknown) {
    if (!Number.isInteger(u.type) || u.type < 0 || u.type > 255 || EXPECTED_FLAGS[u.type] !== 0) {
      throw new BgpEncodeError(`attribute type ${u.type} cannot be sent as an uninterpreted attribute`);
    }
    if ((u.flags & AttrFlag.Optional) === 0) throw new BgpEncodeError(`uninterpreted attribute type ${u.type} must be optional`);
    if (seen.has(u.type)) throw new BgpEncodeError(`attribute type ${u.type} given twice`);
    seen.add(u.type);
  }
  // Extended Length is recomputed and the unused low bits are sent as zero (RFC 4271 4.3).
  return unknown.map((u) => ({ flags: u.flags & 0xe0, type: u.type, value: u.value }));
}

/** Encodes attributes in canonical order (ascending type code), for the peer described by ctx. */
export function encodeAttributes(attrs: PathAttributes, ctx: CodecContext): Uint8Array {
  const twoOctet = !ctx.fourOctetAs;
  const size = twoOctet ? 2 : 4;
  const parts: Part[] = [];
  const add = (type: number, value: Uint8Array): void => {
    parts.push({ flags: EXPECTED_FLAGS[type]!, type, value });
  };

  if (attrs.origin !== undefined) {
    if (attrs.origin !== 0 && attrs.origin !== 1 && attrs.origin !== 2) throw new BgpEncodeError(`bad ORIGIN ${String(attrs.origin)}`);
    add(AttrType.Origin, Uint8Array.of(attrs.origin));
  }
  if (attrs.asPath !== undefined) add(AttrType.AsPath, encodeAsPath(attrs.asPath, size));
  if (attrs.nextHop !== undefined) add(AttrType.NextHop, ipv4Bytes(attrs.nextHop, 'NEXT_HOP'));
  if (attrs.med !== undefined) add(AttrType.MultiExitDisc, u32s([attrs.med], 'MULTI_EXIT_DISC'));
  if (attrs.localPref !== undefined) add(AttrType.LocalPref, u32s([attrs.localPref], 'LOCAL_PREF'));
  if (attrs.atomicAggregate) add(AttrType.AtomicAggregate, new Uint8Array(0));
  if (attrs.aggregator !== undefined) add(AttrType.Aggregator, aggregatorValue(attrs.aggregator, size, 'AGGREGATOR'));
  // Empty lists are left out: a zero-length attribute of these types is malformed (RFC 7606 7).
  if (attrs.communities?.length) add(AttrType.Communities, u32s(attrs.communities, 'community'));
  if (attrs.originatorId !== undefined) add(AttrType.OriginatorId, ipv4Bytes(attrs.originatorId, 'ORIGINATOR_ID'));
  if (attrs.clusterList?.length) add(AttrType.ClusterList, concat(attrs.clusterList.map((c) => ipv4Bytes(c, 'CLUSTER_LIST entry')), 4, 'cluster id'));
  if (attrs.mpReach !== undefined) add(AttrType.MpReachNlri, encodeMpReach(attrs.mpReach, ctx));
  if (attrs.mpUnreach !== undefined) add(AttrType.MpUnreachNlri, encodeMpUnreach(attrs.mpUnreach, ctx));
  if (attrs.extendedCommunities?.length) add(AttrType.ExtendedCommunities, concat(attrs.extendedCommunities, 8, 'extended community'));
  if (twoOctet && attrs.asPath !== undefined && hasWideAsn(attrs.asPath)) add(AttrType.As4Path, encodeAsPath(attrs.asPath, 4));
  if (twoOctet && attrs.aggregator !== undefined && attrs.aggregator.asn > 0xffff) {
    add(AttrType.As4Aggregator, aggregatorValue(attrs.aggregator, 4, 'AS4_AGGREGATOR'));
  }
  if (attrs.largeCommunities?.length) {
    add(AttrType.LargeCommunities, u32s(attrs.largeCommunities.flatMap((c) => [c.global, c.local1, c.local2]), 'large community part'));
  }

  if (attrs.unknown?.length) parts.push(...unknownParts(attrs.unknown));
  // Canonical order; the sort is stable and no type appears twice.
  parts.sort((a, b) => a.type - b.type);
  let total = 0;
  for (const part of parts) {
    if (part.value.length > 0xffff) throw new BgpEncodeError(`attribute type ${part.type} of ${part.value.length} octets is too long`);
    total += (part.value.length > 255 ? 4 : 3) + part.value.length;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    const len = part.value.length;
    if (len > 255) {
      out[p] = part.flags | AttrFlag.ExtendedLength;
      out[p + 1] = part.type;
      out[p + 2] = len >> 8;
      out[p + 3] = len & 0xff;
      p += 4;
    } else {
      out[p] = part.flags;
      out[p + 1] = part.type;
      out[p + 2] = len;
      p += 3;
    }
    out.set(part.value, p);
    p += len;
  }
  return out;
}
