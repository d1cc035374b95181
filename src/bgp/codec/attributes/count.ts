// Counting the prefixes of MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760) without
// decoding anything else: the "count and discard" receive path. It throws for
// exactly the framing errors decodeAttributes throws for, so a session fails
// the same way whether its routes are stored or only counted.

import { AttrFlag, AttrType } from '../constants.js';
import { countNlri } from '../nlri.js';
import type { CodecContext } from '../types.js';
import { addPathFor, ignoredFamily, mpAfi, mpReachNlriStart, mpUnreachNlriStart } from './mp-nlri.js';
import { duplicateMp, EXPECTED_FLAGS, flagsError, unrecognizedWellKnown } from './rules.js';
import { attributeEnd, framingError, valueStart } from './walk.js';

/**
 * Walks the attributes in buf[start, end), validates framing, and counts the
 * prefixes inside MP_REACH/MP_UNREACH (IPv4/IPv6 unicast; other families count 0).
 * `ignored`, only when there is one: the last MP attribute's family that
 * decodeAttributes ignores too (CodecContext.unicastAfis), AFI << 8 | SAFI.
 */
export function countMpPrefixes(buf: Uint8Array, start: number, end: number, ctx: CodecContext): { reach: number; unreach: number; ignored?: number } {
  let reach = 0;
  let unreach = 0;
  let ignored = -1;
  let seenReach = false;
  let seenUnreach = false;
  for (let p = start; p < end; ) {
    const next = attributeEnd(buf, p, end);
    if (next < 0) {
      // Treat-as-withdraw unless the cut attribute is MP_REACH/MP_UNREACH (thrown).
      framingError(buf, p, end);
      break;
    }
    const type = buf[p + 1]!;
    if (type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri) {
      const isReach = type === AttrType.MpReachNlri;
      if (isReach ? seenReach : seenUnreach) throw duplicateMp(type);
      if (isReach) seenReach = true;
      else seenUnreach = true;
      if ((buf[p]! & 0xc0) !== EXPECTED_FLAGS[type]) throw flagsError(buf, p, next);
      const v = valueStart(buf, p);
      const other = ignoredFamily(buf, v, next, ctx);
      if (other >= 0) {
        ignored = other;
        p = next;
        continue;
      }
      const nlri = isReach ? mpReachNlriStart(buf, p, v, next) : mpUnreachNlriStart(buf, p, v, next);
      if (nlri >= 0) {
        const afi = mpAfi(buf, v);
        const n = countNlri(buf, nlri, next, afi, addPathFor(afi, ctx));
        if (isReach) reach += n;
        else unreach += n;
      }
    } else if ((buf[p]! & AttrFlag.Optional) === 0 && EXPECTED_FLAGS[type] === 0) {
      throw unrecognizedWellKnown(buf, p, next);
    }
    p = next;
  }
  return ignored < 0 ? { reach, unreach } : { reach, unreach, ignored };
}
