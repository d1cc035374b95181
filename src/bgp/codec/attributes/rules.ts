// Per attribute type: the Optional/Transitive flag bits it carries
// (RFC 4271 5, RFC 1997, RFC 4360, RFC 4456, RFC 4760, RFC 6793, RFC 8092)
// and the RFC 7606 7 action that a malformed one gets; plus the UPDATE
// Message Errors built from them.

import { AttrFlag, AttrType, ErrorCode, UpdateSubcode } from '../constants.js';
import { BgpDecodeError, ErrorAction } from '../errors.js';

const WELL_KNOWN = AttrFlag.Transitive;
const OPTIONAL = AttrFlag.Optional;
const OPTIONAL_TRANSITIVE = AttrFlag.Optional | AttrFlag.Transitive;

/** Optional|Transitive bits by type code; 0 for a type floatd does not interpret. */
export const EXPECTED_FLAGS = new Uint8Array(256);
/** RFC 7606 action for a malformed attribute, by type code. */
export const MALFORMED_ACTION = new Uint8Array(256);

function rule(type: number, flags: number, action: ErrorAction): void {
  EXPECTED_FLAGS[type] = flags;
  MALFORMED_ACTION[type] = action;
}

rule(AttrType.Origin, WELL_KNOWN, ErrorAction.TreatAsWithdraw);
rule(AttrType.AsPath, WELL_KNOWN, ErrorAction.TreatAsWithdraw);
rule(AttrType.NextHop, WELL_KNOWN, ErrorAction.TreatAsWithdraw);
rule(AttrType.MultiExitDisc, OPTIONAL, ErrorAction.TreatAsWithdraw);
rule(AttrType.LocalPref, WELL_KNOWN, ErrorAction.TreatAsWithdraw);
rule(AttrType.AtomicAggregate, WELL_KNOWN, ErrorAction.AttributeDiscard);
rule(AttrType.Aggregator, OPTIONAL_TRANSITIVE, ErrorAction.AttributeDiscard);
rule(AttrType.Communities, OPTIONAL_TRANSITIVE, ErrorAction.TreatAsWithdraw);
rule(AttrType.OriginatorId, OPTIONAL, ErrorAction.TreatAsWithdraw);
rule(AttrType.ClusterList, OPTIONAL, ErrorAction.TreatAsWithdraw);
// RFC 7606 7.11 / 5.3: NLRI that cannot be located reliably cost the session.
rule(AttrType.MpReachNlri, OPTIONAL, ErrorAction.SessionReset);
rule(AttrType.MpUnreachNlri, OPTIONAL, ErrorAction.SessionReset);
rule(AttrType.ExtendedCommunities, OPTIONAL_TRANSITIVE, ErrorAction.TreatAsWithdraw);
// RFC 6793 6: a malformed AS4_PATH or AS4_AGGREGATOR is discarded.
rule(AttrType.As4Path, OPTIONAL_TRANSITIVE, ErrorAction.AttributeDiscard);
rule(AttrType.As4Aggregator, OPTIONAL_TRANSITIVE, ErrorAction.AttributeDiscard);
rule(AttrType.LargeCommunities, OPTIONAL_TRANSITIVE, ErrorAction.TreatAsWithdraw);

/**
 * A copy of a whole attribute (flags, type, length, value), the NOTIFICATION
 * data RFC 4271 6.3 asks for. Copied so a kept error does not pin the receive buffer.
 */
export const attributeBytes = (buf: Uint8Array, start: number, end: number): Uint8Array =>
  Uint8Array.prototype.slice.call(buf, start, end);

export const updateError = (subcode: number, message: string, data?: Uint8Array, action: ErrorAction = ErrorAction.SessionReset): BgpDecodeError =>
  new BgpDecodeError(ErrorCode.UpdateMessage, subcode, message, data, action);

/** RFC 4271 6.3: an unrecognized well-known attribute resets the session, the attribute as data. */
export function unrecognizedWellKnown(buf: Uint8Array, p: number, next: number): BgpDecodeError {
  return updateError(UpdateSubcode.UnrecognizedWellKnownAttribute, `unrecognized well-known attribute type ${buf[p + 1]!}`, attributeBytes(buf, p, next));
}

/** RFC 7606 3c: Optional/Transitive bits other than the attribute's own make it malformed, with its own action. */
export function flagsError(buf: Uint8Array, p: number, next: number): BgpDecodeError {
  const type = buf[p + 1]!;
  return updateError(
    UpdateSubcode.AttributeFlagsError,
    `attribute type ${type} has flags 0x${buf[p]!.toString(16)}`,
    attributeBytes(buf, p, next),
    MALFORMED_ACTION[type] as ErrorAction,
  );
}

/** RFC 7606 3g: MP_REACH_NLRI or MP_UNREACH_NLRI twice resets the session. */
export const duplicateMp = (type: number): BgpDecodeError =>
  updateError(UpdateSubcode.MalformedAttributeList, `attribute type ${type} appears more than once`);
