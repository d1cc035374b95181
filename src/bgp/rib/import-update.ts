// Storing a received UPDATE (RFC 4271 4.3) in an Adj-RIB-In, `import: all`:
//
//   withdrawn routes length (2) | withdrawn routes | total path attribute length (2) | path attributes | NLRI
//
// The common case, a plain IPv4 UPDATE (no MP_REACH/MP_UNREACH, no ADD-PATH),
// goes straight from the wire into the RIB: prefixes are read into the
// numeric table, and the attributes field is interned by its bytes. Bytes
// seen for the first time are validated (RFC 7606 included) by a check that
// builds nothing (clean-attributes.ts), or, when that check is not sure, by
// decodeAttributes; a later UPDATE with the same bytes gets the same verdict
// without either. Everything else takes the general path through
// decodeUpdate, with the same results and errors.

import { decodeAttributes } from '../codec/attributes/index.js';
import { Afi, AttrFlag, AttrType } from '../codec/constants.js';
import { ErrorAction, type BgpDecodeError } from '../codec/errors.js';
import { countNlri } from '../codec/nlri.js';
import type { CodecContext, DecodedUpdate, PathAttributes } from '../codec/types.js';
import { decodeUpdate, updateRoutes } from '../codec/update.js';
import type { AdjRibIn } from './adj-rib-in.js';
import { checkPlainAttributes, CLEAN, CLEAN_LOOP, NOT_SURE } from './clean-attributes.js';

export interface ImportResult {
  /** Prefixes stored from this UPDATE (those a receive limit refused are not). */
  readonly announced: number;
  /** Prefixes this UPDATE withdrew, held or not (RFC 7606 treat-as-withdraw included). */
  readonly withdrawn: number;
  /** Announcements not stored because our AS is in their AS_PATH (RFC 4271 9.1.2); they withdraw any earlier route. */
  readonly looped: number;
  /** Errors RFC 7606 resolves without a reset; `action` is the strongest. */
  readonly errors: readonly BgpDecodeError[];
  /**
   * With AfiSafiDisable or stronger the RIB was left untouched: the caller
   * resets the session. Errors that always reset are thrown instead.
   */
  readonly action?: ErrorAction;
  /** An MP attribute of a family the session did not negotiate was ignored: AFI << 8 | SAFI (see CodecContext.unicastAfis). */
  readonly ignored?: number;
}

const NO_ERRORS: readonly BgpDecodeError[] = [];

/** Applies the UPDATE in buf[start, end) (the body, after the 19-octet header) to `rib`. */
export function importUpdate(rib: AdjRibIn, buf: Buffer, start: number, end: number, ctx: CodecContext, localAs: number): ImportResult {
  return (ctx.addPathIpv4 ? undefined : importPlainIpv4(rib, buf, start, end, ctx, localAs)) ?? importDecoded(rib, decodeUpdate(buf, start, end, ctx), localAs);
}

/** The fast path; undefined, with the RIB untouched, when the UPDATE needs the general one. */
function importPlainIpv4(rib: AdjRibIn, buf: Buffer, start: number, end: number, ctx: CodecContext, localAs: number): ImportResult | undefined {
  // Lengths that overrun: the general path reports them.
  if (end - start < 4) return undefined;
  const wEnd = start + 2 + ((buf[start]! << 8) | buf[start + 1]!);
  if (wEnd + 2 > end) return undefined;
  const aStart = wEnd + 2;
  const aEnd = aStart + ((buf[wEnd]! << 8) | buf[wEnd + 1]!);
  if (aEnd > end) return undefined;
  // The same checks and errors, in the same order, as decodeUpdate.
  const withdrawn = countNlri(buf, start + 2, wEnd, Afi.Ipv4, false);
  const announced = countNlri(buf, aEnd, end, Afi.Ipv4, false);
  if (aStart === aEnd) {
    // NLRI without attributes is treat-as-withdraw (RFC 7606 3d): the general path.
    if (announced > 0) return undefined;
    withdrawField(rib, buf, start + 2, wEnd);
    return { announced: 0, withdrawn, looped: 0, errors: NO_ERRORS };
  }
  if (announced === 0 || !onlyPlainAttributes(buf, aStart, aEnd)) return undefined;

  let set = rib.findRawSet(buf, aStart, aEnd, ctx.fourOctetAs);
  if (set < 0) {
    let verdict = checkPlainAttributes(buf, aStart, aEnd, ctx.fourOctetAs, localAs);
    if (verdict === NOT_SURE) {
      const d = decodeAttributes(buf, aStart, aEnd, ctx, true);
      // Malformed but not fatal: the general path applies RFC 7606 and keeps the decoded result.
      if (d.action !== undefined) return undefined;
      verdict = loops(d.attributes, localAs) ? CLEAN_LOOP : CLEAN;
    }
    if (verdict === CLEAN_LOOP) {
      withdrawField(rib, buf, start + 2, wEnd);
      withdrawField(rib, buf, aEnd, end);
      return { announced: 0, withdrawn, looped: announced, errors: NO_ERRORS };
    }
    set = rib.addRawSet(buf, aStart, aEnd, ctx.fourOctetAs);
    if (set < 0) {
      // Past the attribute-bytes bound: nothing stored, and what the peer replaced is gone.
      withdrawField(rib, buf, start + 2, wEnd);
      withdrawField(rib, buf, aEnd, end);
      return { announced: 0, withdrawn, looped: 0, errors: NO_ERRORS };
    }
  }
  withdrawField(rib, buf, start + 2, wEnd);
  let stored = 0;
  for (let p = aEnd; p < end; ) {
    const len = buf[p]!;
    if (rib.announceIpv4(ipv4At(buf, p + 1, len), len, set)) stored++;
    p += 1 + ((len + 7) >> 3);
  }
  if (stored < announced) rib.freeUnused(set);
  return { announced: stored, withdrawn, looped: 0, errors: NO_ERRORS };
}

/** Every attribute header fits and none is MP_REACH_NLRI / MP_UNREACH_NLRI. */
function onlyPlainAttributes(buf: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; ) {
    const ext = buf[p]! & AttrFlag.ExtendedLength;
    const type = buf[p + 1];
    if (type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri) return false;
    // A header cut short lands past the end too (bytes past the buffer read as undefined, then NaN).
    p = ext ? p + 4 + ((buf[p + 2]! << 8) | buf[p + 3]!) : p + 3 + buf[p + 2]!;
    if (!(p <= end)) return false;
  }
  return true;
}

/** The address of a prefix whose ceil(len/8) octets start at buf[p], host bits cleared (RFC 4271 4.3). */
function ipv4At(buf: Buffer, p: number, len: number): number {
  const n = (len + 7) >> 3;
  const v = ((n > 0 ? buf[p]! << 24 : 0) | (n > 1 ? buf[p + 1]! << 16 : 0) | (n > 2 ? buf[p + 2]! << 8 : 0) | (n > 3 ? buf[p + 3]! : 0)) >>> 0;
  return len === 0 ? 0 : (v & (-1 << (32 - len))) >>> 0;
}

/** Withdraws every prefix of an NLRI field already checked by countNlri. */
function withdrawField(rib: AdjRibIn, buf: Buffer, start: number, end: number): void {
  for (let p = start; p < end; ) {
    const len = buf[p]!;
    rib.withdrawIpv4(ipv4At(buf, p + 1, len), len);
    p += 1 + ((len + 7) >> 3);
  }
}

const loops = (a: PathAttributes, localAs: number): boolean => a.asPath?.some((seg) => seg.asns.includes(localAs)) ?? false;

/** The general path: a decoded UPDATE, any family, with RFC 7606 actions applied. */
function importDecoded(rib: AdjRibIn, u: DecodedUpdate, localAs: number): ImportResult {
  const ignored = u.ignoredFamilies === undefined ? {} : { ignored: u.ignoredFamilies[u.ignoredFamilies.length - 1]! };
  const verdict = u.action === undefined ? { errors: u.errors, ...ignored } : { errors: u.errors, action: u.action, ...ignored };
  if (u.action !== undefined && u.action >= ErrorAction.AfiSafiDisable) return { announced: 0, withdrawn: 0, looped: 0, ...verdict };
  const r = updateRoutes(u);
  rib.withdraw(r.withdraw);
  if (r.announce.length === 0) return { announced: 0, withdrawn: r.withdraw.length, looped: 0, ...verdict };
  const { mpReach, mpUnreach, nextHop, ...shared } = u.attributes;
  void mpUnreach;
  if (loops(shared, localAs)) {
    rib.withdraw(r.announce);
    return { announced: 0, withdrawn: r.withdraw.length, looped: r.announce.length, ...verdict };
  }
  let stored = 0;
  if (u.nlri.length > 0 && nextHop !== undefined) stored += rib.announce(u.nlri, shared, [nextHop]);
  if (mpReach && mpReach.nlri.length > 0) stored += rib.announce(mpReach.nlri, shared, mpReach.nextHops);
  return { announced: stored, withdrawn: r.withdraw.length, looped: 0, ...verdict };
}
