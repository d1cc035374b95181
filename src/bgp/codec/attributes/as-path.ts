// AS_PATH (type 2, RFC 4271 4.3) and AS4_PATH (type 17, RFC 6793 3):
//
//   segment* : segment type (1: AS_SET, 2: AS_SEQUENCE) | AS count (1, > 0) | AS numbers
//
// AS numbers are 2 octets in AS_PATH between 2-octet speakers, 4 octets
// otherwise and always 4 in AS4_PATH.

import { AS_TRANS, AsPathSegmentType } from '../constants.js';
import { BgpEncodeError } from '../errors.js';
import type { AsPathSegment } from '../types.js';

/** RFC 5065 3: AS_CONFED_SEQUENCE and AS_CONFED_SET. */
const AS_CONFED_SEQUENCE = 3;
const AS_CONFED_SET = 4;

/**
 * Decodes the segments in buf[start, end) with `size`-octet AS numbers.
 * Returns the reason as a string when the path is malformed (RFC 7606 7.2:
 * unknown segment type, empty segment, overrun, a lone trailing octet;
 * RFC 7607: AS 0). With `dropConfed` (AS4_PATH, RFC 6793 6) confederation
 * segments are checked like the others, then left out.
 */
export function decodeAsPath(buf: Uint8Array, start: number, end: number, size: 2 | 4, dropConfed = false): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  let p = start;
  while (p < end) {
    if (end - p < 2) return 'a segment header is cut short';
    const type = buf[p]!;
    const n = buf[p + 1]!;
    const confed = dropConfed && (type === AS_CONFED_SEQUENCE || type === AS_CONFED_SET);
    if (type !== AsPathSegmentType.AsSequence && type !== AsPathSegmentType.AsSet && !confed) return `unknown segment type ${type}`;
    if (n === 0) return 'empty segment';
    p += 2;
    if (p + n * size > end) return 'a segment runs past the attribute';
    const asns: number[] = [];
    let zero = false;
    if (size === 4) {
      for (let i = 0; i < n; i++, p += 4) {
        const asn = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
        zero ||= asn === 0;
        asns.push(asn);
      }
    } else {
      for (let i = 0; i < n; i++, p += 2) {
        const asn = (buf[p]! << 8) | buf[p + 1]!;
        zero ||= asn === 0;
        asns.push(asn);
      }
    }
    if (zero) return 'AS 0 in the path';
    if (!confed) segments.push({ type: type as AsPathSegmentType, asns });
  }
  return segments;
}

/** RFC 4271 9.1.2.2 a / RFC 6793 4.2.3: an AS_SET counts as one AS. */
function pathLength(path: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of path) n += s.type === AsPathSegmentType.AsSet ? 1 : s.asns.length;
  return n;
}

/**
 * RFC 6793 4.2.3: the path from a 2-octet peer is the leading ASes of AS_PATH
 * (as many as it has beyond AS4_PATH) followed by AS4_PATH. When AS4_PATH is
 * the longer one it is ignored.
 */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): readonly AsPathSegment[] {
  let keep = pathLength(asPath) - pathLength(as4Path);
  if (keep < 0) return asPath;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (keep === 0) break;
    if (s.type === AsPathSegmentType.AsSet) {
      out.push(s);
      keep--;
    } else if (s.asns.length <= keep) {
      out.push(s);
      keep -= s.asns.length;
    } else {
      out.push({ type: s.type, asns: s.asns.slice(0, keep) });
      keep = 0;
    }
  }
  // Two sequences meeting at the seam were one sequence before a 2-octet speaker saw them.
  const last = out[out.length - 1];
  const first = as4Path[0];
  if (last && first && last.type === AsPathSegmentType.AsSequence && first.type === AsPathSegmentType.AsSequence) {
    out[out.length - 1] = { type: first.type, asns: [...last.asns, ...first.asns] };
    return out.concat(as4Path.slice(1));
  }
  return out.concat(as4Path);
}

export const isAsn = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 0xffffffff;

/** True when some AS number needs 4 octets, i.e. a 2-octet peer also needs AS4_PATH. */
export const hasWideAsn = (path: readonly AsPathSegment[]): boolean => path.some((s) => s.asns.some((a) => a > 0xffff));

/**
 * Encodes a path with `size`-octet AS numbers; with size 2 a wider AS number
 * becomes AS_TRANS (RFC 6793 4.2.2). Sequences longer than 255 are split.
 */
export function encodeAsPath(path: readonly AsPathSegment[], size: 2 | 4): Uint8Array {
  let len = 0;
  for (const s of path) {
    if (s.type !== AsPathSegmentType.AsSequence && s.type !== AsPathSegmentType.AsSet) throw new BgpEncodeError(`unknown AS path segment type ${String(s.type)}`);
    if (s.asns.length === 0) throw new BgpEncodeError('empty AS path segment');
    if (s.type === AsPathSegmentType.AsSet && s.asns.length > 255) throw new BgpEncodeError('AS_SET of more than 255 ASes');
    for (const a of s.asns) if (!isAsn(a)) throw new BgpEncodeError(`bad AS number ${a} in AS path`);
    len += 2 * Math.ceil(s.asns.length / 255) + size * s.asns.length;
  }
  const out = new Uint8Array(len);
  let p = 0;
  for (const s of path) {
    for (let from = 0; from < s.asns.length; from += 255) {
      const n = Math.min(255, s.asns.length - from);
      out[p++] = s.type;
      out[p++] = n;
      for (let i = from; i < from + n; i++) {
        const a = s.asns[i]!;
        if (size === 4) {
          out[p++] = a >>> 24;
          out[p++] = (a >>> 16) & 0xff;
          out[p++] = (a >>> 8) & 0xff;
          out[p++] = a & 0xff;
        } else {
          const two = a > 0xffff ? AS_TRANS : a;
          out[p++] = two >> 8;
          out[p++] = two & 0xff;
        }
      }
    }
  }
  return out;
}
