// Packs routes into as few UPDATE messages as the size limit allows
// (4096 octets, or 65535 with RFC 8654 extended messages).
//
// IPv4 prefixes with an IPv4 next hop go in the plain NLRI / withdrawn fields
// (RFC 4271 4.3). IPv6 prefixes, and IPv4 prefixes with an IPv6 next hop
// (RFC 8950), go in MP_REACH_NLRI / MP_UNREACH_NLRI, written as the first
// attribute as RFC 7606 5.1 asks.

import { encodeAttributes } from './attributes/index.js';
import {
  Afi,
  AttrFlag,
  AttrType,
  HEADER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
  Safi,
} from './constants.js';
import { BgpEncodeError } from './errors.js';
import { frame } from './header.js';
import { parseIpv4, parseIpv6 } from './ip.js';
import { encodePrefix } from './nlri.js';
import type { CodecContext, PathAttributes, Prefix } from './types.js';
import { Writer } from './writer.js';

/** Routes that share every attribute, next hop included. */
export interface RouteGroup {
  /** Shared attributes; must not hold nextHop, mpReach or mpUnreach (the builder places the next hop). */
  readonly attributes: PathAttributes;
  /** One IPv4 or IPv6 address; for IPv6 optionally a link-local second. */
  readonly nextHops: readonly string[];
  /** All of one family. */
  readonly prefixes: readonly Prefix[];
}

const bodyBudget = (ctx: CodecContext): number =>
  (ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH) - HEADER_LENGTH;

const addPathFor = (afi: Afi, ctx: CodecContext): boolean => (afi === Afi.Ipv4 ? ctx.addPathIpv4 : ctx.addPathIpv6);

function familyOf(prefixes: readonly Prefix[]): Afi {
  const afi = prefixes[0]!.afi;
  if (prefixes.some((p) => p.afi !== afi)) throw new BgpEncodeError('a route group mixes IPv4 and IPv6 prefixes');
  return afi;
}

/** Greedily cuts encoded prefixes into runs whose total size stays within `room`. */
function* chunks(encoded: readonly Uint8Array[], room: number): Generator<Uint8Array[]> {
  if (room <= 0) throw new BgpEncodeError('path attributes leave no room for NLRI in one UPDATE');
  let run: Uint8Array[] = [];
  let size = 0;
  for (const e of encoded) {
    if (size + e.length > room && run.length > 0) {
      yield run;
      run = [];
      size = 0;
    }
    run.push(e);
    size += e.length;
  }
  if (run.length > 0) yield run;
}

function writeMpHeader(w: Writer, type: number, valueLength: number): void {
  w.u8(AttrFlag.Optional | AttrFlag.ExtendedLength).u8(type).u16(valueLength);
}

/** UPDATEs announcing `group.prefixes` with its attributes. */
export function buildAnnouncements(group: RouteGroup, ctx: CodecContext): Buffer[] {
  if (group.prefixes.length === 0) return [];
  const { nextHop, mpReach, mpUnreach } = group.attributes;
  if (nextHop !== undefined || mpReach || mpUnreach) throw new BgpEncodeError('route group attributes must not carry next hop or MP attributes');
  const afi = familyOf(group.prefixes);
  const encoded = group.prefixes.map((p) => encodePrefix(p, addPathFor(afi, ctx)));
  const nh = group.nextHops;
  const v4NextHop = nh.length === 1 && !nh[0]!.includes(':');
  const budget = bodyBudget(ctx);
  const out: Buffer[] = [];

  if (afi === Afi.Ipv4 && v4NextHop) {
    const attrs = encodeAttributes({ ...group.attributes, nextHop: nh[0]! }, ctx);
    for (const run of chunks(encoded, budget - 4 - attrs.length)) {
      const w = new Writer(budget);
      w.u16(0).u16(attrs.length).bytes(attrs);
      for (const e of run) w.bytes(e);
      out.push(frame(MessageType.Update, w.finish(), ctx.extendedMessage));
    }
    return out;
  }

  if (nh.length < 1 || nh.length > 2 || (nh.length === 2 && v4NextHop)) throw new BgpEncodeError(`bad next hops ${JSON.stringify(nh)}`);
  const nhBytes = nh.map((a) => (a.includes(':') ? parseIpv6(a) : parseIpv4(a)));
  const nhLen = nhBytes.reduce((s, b) => s + b.length, 0);
  const base = encodeAttributes(group.attributes, ctx);
  const mpFixed = 2 + 1 + 1 + nhLen + 1; // AFI, SAFI, next hop length, next hop, reserved
  for (const run of chunks(encoded, budget - 4 - 4 - mpFixed - base.length)) {
    const nlriLen = run.reduce((s, e) => s + e.length, 0);
    const w = new Writer(budget);
    w.u16(0);
    const attrLenAt = w.length;
    w.u16(0);
    writeMpHeader(w, AttrType.MpReachNlri, mpFixed + nlriLen);
    w.u16(afi).u8(Safi.Unicast).u8(nhLen);
    for (const b of nhBytes) w.bytes(b);
    w.u8(0);
    for (const e of run) w.bytes(e);
    w.bytes(base);
    w.patchU16(attrLenAt, w.length - attrLenAt - 2);
    out.push(frame(MessageType.Update, w.finish(), ctx.extendedMessage));
  }
  return out;
}

/** UPDATEs withdrawing `prefixes` (any mix of families). */
export function buildWithdrawals(prefixes: readonly Prefix[], ctx: CodecContext): Buffer[] {
  const budget = bodyBudget(ctx);
  const out: Buffer[] = [];
  const v4 = prefixes.filter((p) => p.afi === Afi.Ipv4).map((p) => encodePrefix(p, ctx.addPathIpv4));
  const v6 = prefixes.filter((p) => p.afi === Afi.Ipv6).map((p) => encodePrefix(p, ctx.addPathIpv6));
  for (const run of v4.length ? chunks(v4, budget - 4) : []) {
    const w = new Writer(budget);
    w.u16(0);
    for (const e of run) w.bytes(e);
    w.patchU16(0, w.length - 2);
    w.u16(0);
    out.push(frame(MessageType.Update, w.finish(), ctx.extendedMessage));
  }
  for (const run of v6.length ? chunks(v6, budget - 4 - 4 - 3) : []) {
    const nlriLen = run.reduce((s, e) => s + e.length, 0);
    const w = new Writer(budget);
    w.u16(0).u16(4 + 3 + nlriLen);
    writeMpHeader(w, AttrType.MpUnreachNlri, 3 + nlriLen);
    w.u16(Afi.Ipv6).u8(Safi.Unicast);
    for (const e of run) w.bytes(e);
    out.push(frame(MessageType.Update, w.finish(), ctx.extendedMessage));
  }
  return out;
}
