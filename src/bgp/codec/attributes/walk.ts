// Walking the attributes field, RFC 4271 4.3:
//
//   attribute* : flags (1) | type code (1) | length (1, or 2 with Extended Length) | value

import { AttrFlag, AttrType, UpdateSubcode } from '../constants.js';
import { ErrorAction, type BgpDecodeError } from '../errors.js';
import { updateError } from './rules.js';

/**
 * Validates the attribute header at buf[p] and returns where the next attribute
 * starts, or -1 when the header or the value runs past `end` (see framingError).
 */
export function attributeEnd(buf: Uint8Array, p: number, end: number): number {
  const ext = buf[p]! & AttrFlag.ExtendedLength;
  if (end - p < (ext ? 4 : 3)) return -1;
  const next = ext ? p + 4 + ((buf[p + 2]! << 8) | buf[p + 3]!) : p + 3 + buf[p + 2]!;
  return next > end ? -1 : next;
}

/**
 * RFC 7606 4: an attribute at buf[p] that runs past the path attributes (header
 * or value) is treat-as-withdraw, since the Total Path Attribute Length still
 * locates the NLRI field. It is the last attribute, so only its own NLRI could
 * be lost: when it is MP_REACH_NLRI or MP_UNREACH_NLRI those cannot be located
 * (RFC 7606 5.3, 7.11) and the session resets (thrown).
 */
export function framingError(buf: Uint8Array, p: number, end: number): BgpDecodeError {
  const type = end - p >= 2 ? buf[p + 1]! : undefined;
  const what = type === undefined ? `attribute header at offset ${p} is cut short` : `attribute type ${type} runs past the path attributes`;
  if (type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri) throw updateError(UpdateSubcode.MalformedAttributeList, what);
  return updateError(UpdateSubcode.MalformedAttributeList, what, undefined, ErrorAction.TreatAsWithdraw);
}

/** Where the value of the attribute at buf[p] starts (after a 3- or 4-octet header). */
export const valueStart = (buf: Uint8Array, p: number): number => p + 3 + ((buf[p]! >> 4) & 1);

/** Generation stamps per type code, for duplicate detection without clearing a table each UPDATE. */
const seenAt = new Uint32Array(256);
let generation = 0;

/** Starts a fresh "seen" generation; returns its stamp. Decoding is synchronous, so one table serves all calls. */
export function newSeenGeneration(): number {
  if (generation === 0xffffffff) {
    seenAt.fill(0);
    generation = 0;
  }
  return ++generation;
}

/** Marks `type` seen in generation `stamp`; true if it already was (a duplicate). */
export function markSeen(type: number, stamp: number): boolean {
  if (seenAt[type] === stamp) return true;
  seenAt[type] = stamp;
  return false;
}

export const wasSeen = (type: number, stamp: number): boolean => seenAt[type] === stamp;

export const u32At = (buf: Uint8Array, p: number): number =>
  ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
