// Path attributes of a received UPDATE, RFC 4271 4.3 and 5:
//
//   attribute* : flags (1) | type code (1) | length (1, or 2 with Extended Length) | value
//   flags      : Optional 0x80 | Transitive 0x40 | Partial 0x20 | Extended Length 0x10 | 4 unused bits
//
// RFC 7606 error handling: errors that reset the session are thrown; the
// others are collected while decoding goes on, and the strongest action wins.
// This is the hot path of a full-table receive: bytes are read by index,
// values that need no parsing stay views of `buf`.

import { AS_TRANS, AttrFlag, AttrType, UpdateSubcode, type Origin } from '../constants.js';
import { ErrorAction, type BgpDecodeError } from '../errors.js';
import { formatIpv4 } from '../ip.js';
import type { Aggregator, AsPathSegment, CodecContext, LargeCommunity, MpReach, MpUnreach, PathAttributes, RawAttribute } from '../types.js';
import { decodeAsPath, mergeAs4Path } from './as-path.js';
import { decodeMpReach, decodeMpUnreach, ignoredFamily, mpReachNlriStart, mpUnreachNlriStart, unsupportedFamily } from './mp-nlri.js';
import { isHostIpv4, isHostMpNextHop } from './next-hop.js';
import { attributeBytes, duplicateMp, EXPECTED_FLAGS, flagsError, MALFORMED_ACTION, unrecognizedWellKnown, updateError } from './rules.js';
import { attributeEnd, framingError, markSeen, newSeenGeneration, u32At, valueStart, wasSeen } from './walk.js';

export interface DecodedAttributes {
  attributes: PathAttributes;
  errors: BgpDecodeError[];
  action?: ErrorAction;
  /** See CodecContext.unicastAfis. */
  ignoredFamilies?: number[];
}

/** The attribute at buf[p, next) is malformed: the subcode given, the attribute as data, its own RFC 7606 action unless given. */
function malformed(buf: Uint8Array, p: number, next: number, subcode: number, what: string, action = MALFORMED_ACTION[buf[p + 1]!] as ErrorAction): BgpDecodeError {
  return updateError(subcode, what, attributeBytes(buf, p, next), action);
}

const badLength = (buf: Uint8Array, p: number, next: number, name: string, action?: ErrorAction): BgpDecodeError =>
  malformed(buf, p, next, UpdateSubcode.AttributeLengthError, `${name} has length ${next - valueStart(buf, p)}`, action);

/** How many duplicate attribute types are named as examples; the rest are only counted. */
const DUPLICATE_EXAMPLES = 4;

/** RFC 7606 3g: one error for all duplicates of an UPDATE, so a flood of them costs a count, not a list. */
function duplicates(count: number, types: readonly number[], more: boolean): BgpDecodeError {
  return updateError(
    UpdateSubcode.MalformedAttributeList,
    `${count} duplicate attribute${count === 1 ? '' : 's'} discarded (type ${types.join(', ')}${more ? ', ...' : ''})`,
    undefined,
    ErrorAction.AttributeDiscard,
  );
}

/** RFC 4271 6.3: Missing Well-known Attribute, with the missing type code as data; RFC 7606 3d softens it. */
const missing = (type: number, name: string): BgpDecodeError =>
  updateError(UpdateSubcode.MissingWellKnownAttribute, `missing ${name}`, Uint8Array.of(type), ErrorAction.TreatAsWithdraw);

/** A received full table mostly repeats one next hop: reuse its string. */
let lastNextHopKey = -1;
let lastNextHop = '';

/**
 * Decodes the path attributes in buf[start, end) of an UPDATE. `ipv4NlriPresent`:
 * the UPDATE's plain NLRI field is non-empty. Throws BgpDecodeError (action
 * SessionReset) for errors RFC 7606 says reset the session; returns softer ones
 * in `errors`, `action` = strongest.
 */
export function decodeAttributes(buf: Uint8Array, start: number, end: number, ctx: CodecContext, ipv4NlriPresent: boolean): DecodedAttributes {
  const stamp = newSeenGeneration();
  const fourOctet = ctx.fourOctetAs;
  let errors: BgpDecodeError[] | undefined;
  let origin: Origin | undefined;
  let asPath: readonly AsPathSegment[] | undefined;
  let nextHop: string | undefined;
  let med: number | undefined;
  let localPref: number | undefined;
  let atomicAggregate = false;
  let aggregator: Aggregator | undefined;
  let communities: number[] | undefined;
  let extendedCommunities: Uint8Array[] | undefined;
  let largeCommunities: LargeCommunity[] | undefined;
  let originatorId: string | undefined;
  let clusterList: string[] | undefined;
  let mpReach: MpReach | undefined;
  let mpUnreach: MpUnreach | undefined;
  let unknown: RawAttribute[] | undefined;
  let as4Path: AsPathSegment[] | undefined;
  let as4Aggregator: Aggregator | undefined;
  let duplicateCount = 0;
  let duplicateTypes: number[] | undefined;
  let moreDuplicateTypes = false;
  let cut = false;
  let ignored: number[] | undefined;

  for (let p = start; p < end; ) {
    const next = attributeEnd(buf, p, end);
    if (next < 0) {
      (errors ??= []).push(framingError(buf, p, end));
      cut = true;
      break;
    }
    const flags = buf[p]!;
    const type = buf[p + 1]!;
    const v = valueStart(buf, p);
    const len = next - v;
    const expected = EXPECTED_FLAGS[type]!;
    // RFC 4271 6.3: an unrecognized well-known attribute resets the session, duplicate or not.
    if (expected === 0 && (flags & AttrFlag.Optional) === 0) throw unrecognizedWellKnown(buf, p, next);
    if (markSeen(type, stamp)) {
      // RFC 7606 3g: only the first of each attribute counts.
      if (type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri) throw duplicateMp(type);
      duplicateCount++;
      duplicateTypes ??= [];
      if (!duplicateTypes.includes(type)) {
        if (duplicateTypes.length < DUPLICATE_EXAMPLES) duplicateTypes.push(type);
        else moreDuplicateTypes = true;
      }
    } else if (expected === 0) {
      // RFC 4271 5: pass on unknown optional transitive with Partial set, drop non-transitive.
      if (flags & AttrFlag.Transitive) (unknown ??= []).push({ flags: (flags & 0xe0) | AttrFlag.Partial, type, value: buf.subarray(v, next) });
    } else if ((flags & 0xc0) !== expected) {
      const e = flagsError(buf, p, next);
      if (e.action === ErrorAction.SessionReset) throw e;
      (errors ??= []).push(e);
    } else {
      switch (type) {
        case AttrType.Origin:
          if (len !== 1) (errors ??= []).push(badLength(buf, p, next, 'ORIGIN'));
          else if (buf[v]! > 2) (errors ??= []).push(malformed(buf, p, next, UpdateSubcode.InvalidOriginAttribute, `ORIGIN value ${buf[v]!}`));
          else origin = buf[v] as Origin;
          break;
        case AttrType.AsPath: {
          const r = decodeAsPath(buf, v, next, fourOctet ? 4 : 2);
          if (typeof r === 'string') {
            // RFC 4271 6.3 gives Malformed AS_PATH no data.
            (errors ??= []).push(updateError(UpdateSubcode.MalformedAsPath, `malformed AS_PATH: ${r}`, undefined, ErrorAction.TreatAsWithdraw));
          } else asPath = r;
          break;
        }
        case AttrType.NextHop:
          if (len !== 4) (errors ??= []).push(badLength(buf, p, next, 'NEXT_HOP'));
          else {
            const key = u32At(buf, v);
            // The cached key is a host address in every context, so only another one needs the check.
            if (key !== lastNextHopKey) {
              if (!isHostIpv4(key, ctx.rejectLoopbackNextHop === true)) {
                (errors ??= []).push(malformed(buf, p, next, UpdateSubcode.InvalidNextHopAttribute, `NEXT_HOP ${formatIpv4(buf, v)} is not a host address`));
                break;
              }
              if (!isHostIpv4(key, true)) {
                nextHop = formatIpv4(buf, v);
                break;
              }
              lastNextHopKey = key;
              lastNextHop = formatIpv4(buf, v);
            }
            nextHop = lastNextHop;
          }
          break;
        case AttrType.MultiExitDisc:
          if (len !== 4) (errors ??= []).push(badLength(buf, p, next, 'MULTI_EXIT_DISC'));
          else med = u32At(buf, v);
          break;
        case AttrType.LocalPref:
          // RFC 7606 7.5: from an external peer a malformed one is only discarded.
          if (len !== 4) (errors ??= []).push(badLength(buf, p, next, 'LOCAL_PREF', ctx.external === true ? ErrorAction.AttributeDiscard : undefined));
          else localPref = u32At(buf, v);
          break;
        case AttrType.AtomicAggregate:
          if (len !== 0) (errors ??= []).push(badLength(buf, p, next, 'ATOMIC_AGGREGATE'));
          else atomicAggregate = true;
          break;
        case AttrType.Aggregator: {
          // RFC 7606 7.7: 6 octets between 2-octet speakers, 8 otherwise.
          if (len !== (fourOctet ? 8 : 6)) (errors ??= []).push(badLength(buf, p, next, 'AGGREGATOR'));
          else {
            const asn = fourOctet ? u32At(buf, v) : (buf[v]! << 8) | buf[v + 1]!;
            // RFC 7607 2: AS 0 makes it malformed.
            if (asn === 0) (errors ??= []).push(malformed(buf, p, next, UpdateSubcode.OptionalAttributeError, 'AGGREGATOR with AS 0'));
            else aggregator = { asn, address: formatIpv4(buf, next - 4) };
          }
          break;
        }
        case AttrType.Communities:
          // RFC 7606 7.8: a non-zero multiple of 4.
          if (len === 0 || (len & 3) !== 0) (errors ??= []).push(badLength(buf, p, next, 'COMMUNITIES'));
          else {
            communities = [];
            for (let q = v; q < next; q += 4) communities.push(u32At(buf, q));
          }
          break;
        case AttrType.OriginatorId:
          if (len !== 4) (errors ??= []).push(badLength(buf, p, next, 'ORIGINATOR_ID'));
          else originatorId = formatIpv4(buf, v);
          break;
        case AttrType.ClusterList:
          if (len === 0 || (len & 3) !== 0) (errors ??= []).push(badLength(buf, p, next, 'CLUSTER_LIST'));
          else {
            clusterList = [];
            for (let q = v; q < next; q += 4) clusterList.push(formatIpv4(buf, q));
          }
          break;
        case AttrType.MpReachNlri: {
          const other = ignoredFamily(buf, v, next, ctx);
          if (other >= 0) {
            (ignored ??= []).push(other);
            break;
          }
          const nlri = mpReachNlriStart(buf, p, v, next);
          if (nlri < 0) (errors ??= []).push(unsupportedFamily(buf, p, v, next));
          else {
            // Kept even with a bad next hop: treat-as-withdraw needs its NLRI.
            mpReach = decodeMpReach(buf, v, nlri, next, ctx);
            if (!isHostMpNextHop(buf, v + 4, buf[v + 3]!, ctx.rejectLoopbackNextHop === true)) {
              const text = mpReach.nextHops.join(' ');
              (errors ??= []).push(malformed(buf, p, next, UpdateSubcode.OptionalAttributeError, `MP_REACH_NLRI next hop ${text} is not a host address`, ErrorAction.TreatAsWithdraw));
            }
          }
          break;
        }
        case AttrType.MpUnreachNlri: {
          const other = ignoredFamily(buf, v, next, ctx);
          if (other >= 0) {
            (ignored ??= []).push(other);
            break;
          }
          const withdrawn = mpUnreachNlriStart(buf, p, v, next);
          if (withdrawn < 0) (errors ??= []).push(unsupportedFamily(buf, p, v, next));
          else mpUnreach = decodeMpUnreach(buf, v, withdrawn, next, ctx);
          break;
        }
        case AttrType.ExtendedCommunities:
          // RFC 7606 7.14: a non-zero multiple of 8.
          if (len === 0 || (len & 7) !== 0) (errors ??= []).push(badLength(buf, p, next, 'EXTENDED_COMMUNITIES'));
          else {
            extendedCommunities = [];
            for (let q = v; q < next; q += 8) extendedCommunities.push(buf.subarray(q, q + 8));
          }
          break;
        case AttrType.As4Path: {
          // RFC 6793 4.1: a 4-octet peer must not send it; discard it silently.
          if (fourOctet) break;
          // RFC 6793 6: confederation segments are dropped, the rest is used.
          const r = decodeAsPath(buf, v, next, 4, true);
          if (typeof r === 'string') (errors ??= []).push(malformed(buf, p, next, UpdateSubcode.MalformedAsPath, `malformed AS4_PATH: ${r}`));
          else as4Path = r;
          break;
        }
        case AttrType.As4Aggregator:
          if (fourOctet) break;
          if (len !== 8) (errors ??= []).push(badLength(buf, p, next, 'AS4_AGGREGATOR'));
          else if (u32At(buf, v) === 0) (errors ??= []).push(malformed(buf, p, next, UpdateSubcode.OptionalAttributeError, 'AS4_AGGREGATOR with AS 0'));
          else as4Aggregator = { asn: u32At(buf, v), address: formatIpv4(buf, v + 4) };
          break;
        case AttrType.LargeCommunities:
          // RFC 8092 5: a non-zero multiple of 12.
          if (len === 0 || len % 12 !== 0) (errors ??= []).push(badLength(buf, p, next, 'LARGE_COMMUNITIES'));
          else largeCommunities = decodeLargeCommunities(buf, v, next);
          break;
      }
    }
    p = next;
  }
  if (duplicateCount > 0) (errors ??= []).push(duplicates(duplicateCount, duplicateTypes!, moreDuplicateTypes));

  if (as4Path !== undefined || as4Aggregator !== undefined) {
    // RFC 6793 4.2.3: AGGREGATOR with a real 2-octet AS next to AS4_AGGREGATOR means
    // a 2-octet speaker aggregated the route, and the AS4_* attributes are stale.
    const stale = aggregator !== undefined && as4Aggregator !== undefined && aggregator.asn !== AS_TRANS;
    if (!stale) {
      if (aggregator !== undefined && as4Aggregator !== undefined) aggregator = as4Aggregator;
      if (asPath !== undefined && as4Path !== undefined) asPath = mergeAs4Path(asPath, as4Path);
    }
  }

  // RFC 7606 3d (and RFC 4760 3 for MP_REACH_NLRI): mandatory only when there are routes to announce.
  // After a cut attribute (RFC 7606 4) the UPDATE is withdrawn anyway: nothing more to report.
  if (!cut && (ipv4NlriPresent || (mpReach !== undefined && mpReach.nlri.length > 0))) {
    if (!wasSeen(AttrType.Origin, stamp)) (errors ??= []).push(missing(AttrType.Origin, 'ORIGIN'));
    if (!wasSeen(AttrType.AsPath, stamp)) (errors ??= []).push(missing(AttrType.AsPath, 'AS_PATH'));
    if (ipv4NlriPresent && !wasSeen(AttrType.NextHop, stamp)) (errors ??= []).push(missing(AttrType.NextHop, 'NEXT_HOP'));
  }

  // Built in one fixed order so every result has the same property order.
  const attributes: PathAttributes = {};
  if (origin !== undefined) attributes.origin = origin;
  if (asPath !== undefined) attributes.asPath = asPath;
  if (nextHop !== undefined) attributes.nextHop = nextHop;
  if (med !== undefined) attributes.med = med;
  if (localPref !== undefined) attributes.localPref = localPref;
  if (atomicAggregate) attributes.atomicAggregate = true;
  if (aggregator !== undefined) attributes.aggregator = aggregator;
  if (communities !== undefined) attributes.communities = communities;
  if (extendedCommunities !== undefined) attributes.extendedCommunities = extendedCommunities;
  if (largeCommunities !== undefined) attributes.largeCommunities = largeCommunities;
  if (originatorId !== undefined) attributes.originatorId = originatorId;
  if (clusterList !== undefined) attributes.clusterList = clusterList;
  if (mpReach !== undefined) attributes.mpReach = mpReach;
  if (mpUnreach !== undefined) attributes.mpUnreach = mpUnreach;
  if (unknown !== undefined) attributes.unknown = unknown;

  const more = ignored === undefined ? {} : { ignoredFamilies: ignored };
  if (errors === undefined) return { attributes, errors: [], ...more };
  let action: ErrorAction = ErrorAction.AttributeDiscard;
  for (const e of errors) if (e.action > action) action = e.action;
  return { attributes, errors, action, ...more };
}

/** Above this many values, duplicates are found with a Set instead of by comparing every pair. */
const PAIRWISE_MAX = 16;

/** RFC 8092 5: the values of a LARGE_COMMUNITIES of checked length, duplicates removed silently, first ones kept in order. */
function decodeLargeCommunities(buf: Uint8Array, v: number, next: number): LargeCommunity[] {
  const out: LargeCommunity[] = [];
  const seen = next - v > 12 * PAIRWISE_MAX ? new Set<string>() : undefined;
  outer: for (let q = v; q < next; q += 12) {
    const global = u32At(buf, q);
    const local1 = u32At(buf, q + 4);
    const local2 = u32At(buf, q + 8);
    if (seen !== undefined) {
      const key = `${global}:${local1}:${local2}`;
      if (seen.has(key)) continue;
      seen.add(key);
    } else {
      for (const c of out) if (c.global === global && c.local1 === local1 && c.local2 === local2) continue outer;
    }
    out.push({ global, local1, local2 });
  }
  return out;
}
