// UPDATE message body, RFC 4271 4.3:
//
//   withdrawn routes length (2) | withdrawn routes (variable)
//   total path attribute length (2) | path attributes (variable)
//   network layer reachability information (the rest)
//
// IPv6 routes travel in MP_REACH_NLRI / MP_UNREACH_NLRI attributes (RFC 4760).

import { decodeAttributes, encodeAttributes, countMpPrefixes } from './attributes/index.js';
import { Afi, ErrorCode, MessageType, Safi, UpdateSubcode } from './constants.js';
import { decodeError, ErrorAction } from './errors.js';
import { frame } from './header.js';
import { countNlri, decodeNlri, encodePrefix } from './nlri.js';
import type { CodecContext, DecodedUpdate, PathAttributes, Prefix, UpdateMessage } from './types.js';
import { Writer } from './writer.js';

const malformedList = (what: string) => decodeError(ErrorCode.UpdateMessage, UpdateSubcode.MalformedAttributeList, what);

/** Splits the body into its three fields; throws Malformed Attribute List (RFC 4271 6.3) when the lengths overrun. */
function fields(buf: Uint8Array, start: number, end: number): { wEnd: number; aStart: number; aEnd: number } {
  if (end - start < 4) throw malformedList('UPDATE shorter than its two length fields');
  const wLen = (buf[start]! << 8) | buf[start + 1]!;
  const wEnd = start + 2 + wLen;
  if (wEnd + 2 > end) throw malformedList(`withdrawn routes length ${wLen} overruns the message`);
  const aLen = (buf[wEnd]! << 8) | buf[wEnd + 1]!;
  const aStart = wEnd + 2;
  const aEnd = aStart + aLen;
  if (aEnd > end) throw malformedList(`total path attribute length ${aLen} overruns the message`);
  return { wEnd, aStart, aEnd };
}

/**
 * Decodes an UPDATE body in buf[start, end). Errors that RFC 7606 resolves
 * without a reset are returned in `errors`; the others are thrown.
 */
export function decodeUpdate(buf: Uint8Array, start: number, end: number, ctx: CodecContext): DecodedUpdate {
  const { wEnd, aStart, aEnd } = fields(buf, start, end);
  const withdrawn = wEnd > start + 2 ? decodeNlri(buf, start + 2, wEnd, Afi.Ipv4, ctx.addPathIpv4) : [];
  const nlri = aEnd < end ? decodeNlri(buf, aEnd, end, Afi.Ipv4, ctx.addPathIpv4) : [];
  if (aEnd === aStart) {
    // RFC 4271 6.3 via RFC 7606 3d: NLRI with no attributes at all lacks ORIGIN.
    if (nlri.length > 0) {
      const e = decodeError(ErrorCode.UpdateMessage, UpdateSubcode.MissingWellKnownAttribute, 'NLRI without path attributes', Uint8Array.of(1), ErrorAction.TreatAsWithdraw);
      return { type: 'update', withdrawn, attributes: {}, nlri, errors: [e], action: ErrorAction.TreatAsWithdraw };
    }
    return { type: 'update', withdrawn, attributes: {}, nlri, errors: [] };
  }
  const { attributes, errors, action, ignoredFamilies } = decodeAttributes(buf, aStart, aEnd, ctx, nlri.length > 0);
  const more = ignoredFamilies === undefined ? {} : { ignoredFamilies };
  return action === undefined
    ? { type: 'update', withdrawn, attributes, nlri, errors, ...more }
    : { type: 'update', withdrawn, attributes, nlri, errors, action, ...more };
}

/** Prefix counts of an UPDATE without building any prefix objects (the `import: none` path). */
export interface UpdateCounts {
  announced: number;
  withdrawn: number;
  /** Only when there is one: an MP attribute's family the session did not negotiate, AFI << 8 | SAFI (see CodecContext.unicastAfis). */
  ignored?: number;
}

export function countUpdate(buf: Uint8Array, start: number, end: number, ctx: CodecContext): UpdateCounts {
  const { wEnd, aStart, aEnd } = fields(buf, start, end);
  const w = countNlri(buf, start + 2, wEnd, Afi.Ipv4, ctx.addPathIpv4);
  const a = countNlri(buf, aEnd, end, Afi.Ipv4, ctx.addPathIpv4);
  if (aEnd === aStart) return { announced: a, withdrawn: w };
  const mp = countMpPrefixes(buf, aStart, aEnd, ctx);
  const counts: UpdateCounts = { announced: a + mp.reach, withdrawn: w + mp.unreach };
  if (mp.ignored !== undefined) counts.ignored = mp.ignored;
  return counts;
}

/**
 * What an UPDATE asks of the receiver once RFC 7606 is applied: with
 * treat-as-withdraw (or worse) every prefix it carries counts as withdrawn.
 */
export function updateRoutes(u: DecodedUpdate): { announce: Prefix[]; withdraw: Prefix[] } {
  const reach = u.attributes.mpReach?.nlri ?? [];
  const unreach = u.attributes.mpUnreach?.withdrawn ?? [];
  if (u.action !== undefined && u.action >= ErrorAction.TreatAsWithdraw) {
    return { announce: [], withdraw: [...u.withdrawn, ...unreach, ...u.nlri, ...reach] };
  }
  return { announce: [...u.nlri, ...reach], withdraw: [...u.withdrawn, ...unreach] };
}

/**
 * RFC 4724 2: the End-of-RIB marker's family, or undefined if this UPDATE is
 * not one (or is one of a family floatd does not carry). A decoded UPDATE
 * with errors had attributes that are not in `attributes` (an MP_UNREACH_NLRI
 * of another family, say), so it is not an empty one.
 */
export function endOfRibFamily(u: UpdateMessage | DecodedUpdate): Afi | undefined {
  if (u.withdrawn.length > 0 || u.nlri.length > 0) return undefined;
  if ('errors' in u && (u.errors.length > 0 || u.ignoredFamilies !== undefined)) return undefined;
  const a = u.attributes;
  const keys = Object.keys(a);
  if (keys.length === 0) return Afi.Ipv4;
  if (keys.length === 1 && a.mpUnreach && a.mpUnreach.withdrawn.length === 0 && a.mpUnreach.safi === Safi.Unicast) return a.mpUnreach.afi;
  return undefined;
}

/** The End-of-RIB marker for a family (RFC 4724 2), framed. */
export function encodeEndOfRib(afi: Afi, ctx: CodecContext): Buffer {
  if (afi === Afi.Ipv4) return frame(MessageType.Update, new Uint8Array(4), ctx.extendedMessage);
  return encodeUpdate({ type: 'update', withdrawn: [], nlri: [], attributes: { mpUnreach: { afi, safi: Safi.Unicast, withdrawn: [] } } }, ctx);
}

/** Encodes one UPDATE exactly as given (no splitting), framed. Throws BgpEncodeError if it does not fit. */
export function encodeUpdate(u: UpdateMessage, ctx: CodecContext): Buffer {
  const w = new Writer(512);
  const addPath = ctx.addPathIpv4;
  w.u16(0);
  for (const p of u.withdrawn) w.bytes(encodePrefix(p, addPath));
  w.patchU16(0, w.length - 2);
  const attrs = encodeAttributes(u.attributes as PathAttributes, ctx);
  w.u16(attrs.length).bytes(attrs);
  for (const p of u.nlri) w.bytes(encodePrefix(p, addPath));
  return frame(MessageType.Update, w.finish(), ctx.extendedMessage);
}
