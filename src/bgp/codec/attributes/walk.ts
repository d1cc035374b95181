// Walking the attributes field, RFC 4271 4.3:
//
//   attribute* : flags (1) | type code (1) | length (1, or 2 with Extended Length) | value

import { AttrFlag, UpdateSubcode } from '../constants.js';
import { updateError } from './rules.js';

/**
 * Validates the attribute header at buf[p] and returns where the next attribute
 * starts. An attribute that runs past the attributes field resets the session:
 * RFC 7606 4 allows treat-as-withdraw only if every NLRI can still be found
 * (5.3), and MP_REACH/MP_UNREACH may be hiding in the unparsed rest.
 */
export function attributeEnd(buf: Uint8Array, p: number, end: number): number {
  const ext = buf[p]! & AttrFlag.ExtendedLength;
  if (end - p < (ext ? 4 : 3)) {
    throw updateError(UpdateSubcode.MalformedAttributeList, `attribute header at offset ${p} runs past the path attributes`);
  }
  const next = ext ? p + 4 + ((buf[p + 2]! << 8) | buf[p + 3]!) : p + 3 + buf[p + 2]!;
  if (next > end) {
    throw updateError(UpdateSubcode.MalformedAttributeList, `attribute type ${buf[p + 1]!} runs ${next - end} octets past the path attributes`);
  }
  return next;
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
