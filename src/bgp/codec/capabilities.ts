// BGP capabilities, RFC 5492 4, carried in OPEN optional parameter type 2:
//
//   capability code (1) | capability length (1) | capability value (length)
//
// Values of the capabilities floatd understands:
//   1  multiprotocol (RFC 4760 8)         AFI (2) | reserved (1) | SAFI (1)
//   2  route refresh (RFC 2918 2)         empty
//   5  extended next hop (RFC 8950 4)     { NLRI AFI (2) | NLRI SAFI (2) | next hop AFI (2) }*
//   6  extended message (RFC 8654 3)      empty
//   64 graceful restart (RFC 4724 3)      flags R N - - (4 bits) | restart time (12 bits)
//                                         { AFI (2) | SAFI (1) | flags, F = 0x80 (1) }*
//   65 4-octet AS (RFC 6793 3)            AS number (4)
//   69 ADD-PATH (RFC 7911 4)              { AFI (2) | SAFI (1) | send/receive 1, 2 or 3 (1) }*
//   70 enhanced route refresh (RFC 7313 3.1)  empty
//   73 FQDN (draft-walton-bgp-hostname-capability)
//                                         hostname length (1) | hostname | domain length (1) | domain
//
// A recognized capability with a malformed value is a malformed optional
// parameter: OPEN Message Error, subcode 0 (RFC 4271 6.2). Unknown codes are
// kept raw so the caller can ignore them (RFC 5492 3). Two cases are kept raw
// as well instead of failing: an ADD-PATH send/receive value other than 1..3,
// which RFC 7911 4 says to treat as not understood, and a malformed FQDN, which
// is informational only and defined by a draft.

import { CapabilityCode, ErrorCode } from './constants.js';
import { BgpEncodeError, decodeError, type BgpDecodeError } from './errors.js';
import { Writer } from './writer.js';

export type AddPathMode = 'receive' | 'send' | 'both';

export type Capability =
  | { kind: 'multiprotocol'; afi: number; safi: number }
  | { kind: 'route-refresh' }
  | { kind: 'enhanced-route-refresh' }
  | { kind: 'four-octet-as'; asn: number }
  | {
      kind: 'graceful-restart';
      restarting: boolean;
      notification: boolean;
      restartTime: number;
      families: { afi: number; safi: number; forwarding: boolean }[];
    }
  | { kind: 'extended-next-hop'; entries: { afi: number; safi: number; nextHopAfi: number }[] }
  | { kind: 'extended-message' }
  | { kind: 'add-path'; entries: { afi: number; safi: number; mode: AddPathMode }[] }
  | { kind: 'fqdn'; hostname: string; domain: string }
  | { kind: 'unknown'; code: number; value: Uint8Array };

export type CapabilityKind = Capability['kind'];

/** RFC 4271 6.2: a recognized optional parameter that is malformed gets subcode 0 (Unspecific). */
const OPEN_UNSPECIFIC = 0;

export const malformedOpen = (what: string): BgpDecodeError => decodeError(ErrorCode.OpenMessage, OPEN_UNSPECIFIC, what);

/** RFC 4724 3: the Restart State (R) bit; RFC 8538 2: the Notification (N) bit. */
const GR_RESTARTING = 0x8000;
const GR_NOTIFICATION = 0x4000;
const GR_TIME_MASK = 0x0fff;
const GR_FORWARDING = 0x80;

const ADD_PATH_MODES: readonly (AddPathMode | undefined)[] = [undefined, 'receive', 'send', 'both'];
const ADD_PATH_VALUE: Readonly<Record<AddPathMode, number>> = { receive: 1, send: 2, both: 3 };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

const u16At = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;

/**
 * Decodes the capabilities in buf[start, end), the value of one capabilities
 * optional parameter, appending to `out`. Several capabilities may share one
 * parameter and the same code may appear more than once (RFC 5492 4).
 */
export function decodeCapabilities(buf: Uint8Array, start: number, end: number, out: Capability[] = []): Capability[] {
  let p = start;
  while (p < end) {
    if (end - p < 2) throw malformedOpen('capabilities parameter ends inside a capability header');
    const code = buf[p]!;
    const len = buf[p + 1]!;
    p += 2;
    if (end - p < len) throw malformedOpen(`capability ${code} of ${len} octets overruns its parameter`);
    out.push(decodeCapability(code, buf.subarray(p, p + len)));
    p += len;
  }
  return out;
}

/** Decodes one capability value. A raw value is copied into a plain Uint8Array, never a view of the input. */
export function decodeCapability(code: number, v: Uint8Array): Capability {
  const len = v.length;
  const wrongLength = (expected: string): BgpDecodeError =>
    malformedOpen(`capability ${code} has length ${len}, expected ${expected}`);
  switch (code) {
    case CapabilityCode.Multiprotocol:
      if (len !== 4) throw wrongLength('4');
      // The reserved octet is ignored on receipt (RFC 4760 8).
      return { kind: 'multiprotocol', afi: u16At(v, 0), safi: v[3]! };
    case CapabilityCode.RouteRefresh:
      if (len !== 0) throw wrongLength('0');
      return { kind: 'route-refresh' };
    case CapabilityCode.EnhancedRouteRefresh:
      if (len !== 0) throw wrongLength('0');
      return { kind: 'enhanced-route-refresh' };
    case CapabilityCode.ExtendedMessage:
      if (len !== 0) throw wrongLength('0');
      return { kind: 'extended-message' };
    case CapabilityCode.FourOctetAs:
      if (len !== 4) throw wrongLength('4');
      return { kind: 'four-octet-as', asn: ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0 };
    case CapabilityCode.GracefulRestart: {
      if (len < 2 || (len - 2) % 4 !== 0) throw wrongLength('2 + 4n');
      const head = u16At(v, 0);
      const families: { afi: number; safi: number; forwarding: boolean }[] = [];
      for (let p = 2; p < len; p += 4) {
        families.push({ afi: u16At(v, p), safi: v[p + 2]!, forwarding: (v[p + 3]! & GR_FORWARDING) !== 0 });
      }
      return {
        kind: 'graceful-restart',
        restarting: (head & GR_RESTARTING) !== 0,
        notification: (head & GR_NOTIFICATION) !== 0,
        restartTime: head & GR_TIME_MASK,
        families,
      };
    }
    case CapabilityCode.ExtendedNextHop: {
      if (len % 6 !== 0) throw wrongLength('6n');
      const entries: { afi: number; safi: number; nextHopAfi: number }[] = [];
      for (let p = 0; p < len; p += 6) {
        entries.push({ afi: u16At(v, p), safi: u16At(v, p + 2), nextHopAfi: u16At(v, p + 4) });
      }
      return { kind: 'extended-next-hop', entries };
    }
    case CapabilityCode.AddPath: {
      if (len % 4 !== 0) throw wrongLength('4n');
      const entries: { afi: number; safi: number; mode: AddPathMode }[] = [];
      for (let p = 0; p < len; p += 4) {
        const mode = ADD_PATH_MODES[v[p + 3]!];
        if (mode === undefined) return { kind: 'unknown', code, value: new Uint8Array(v) };
        entries.push({ afi: u16At(v, p), safi: v[p + 2]!, mode });
      }
      return { kind: 'add-path', entries };
    }
    case CapabilityCode.Fqdn:
      return decodeFqdn(v) ?? { kind: 'unknown', code, value: new Uint8Array(v) };
    default:
      return { kind: 'unknown', code, value: new Uint8Array(v) };
  }
}

function decodeFqdn(v: Uint8Array): Capability | undefined {
  if (v.length < 1) return undefined;
  const hostLen = v[0]!;
  const domainAt = 1 + hostLen;
  if (domainAt >= v.length) return undefined;
  const domainLen = v[domainAt]!;
  if (domainAt + 1 + domainLen !== v.length) return undefined;
  try {
    return {
      kind: 'fqdn',
      hostname: utf8.decode(v.subarray(1, domainAt)),
      domain: utf8.decode(v.subarray(domainAt + 1)),
    };
  } catch {
    return undefined;
  }
}

function checkUint(what: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BgpEncodeError(`${what} ${value} is not an integer in 0..${max}`);
  }
  return value;
}

/** Encodes one capability: code, length and value (RFC 5492 4). */
export function encodeCapability(c: Capability): Uint8Array {
  const w = new Writer(32);
  let code: number;
  w.u16(0); // code and length, patched below
  switch (c.kind) {
    case 'multiprotocol':
      code = CapabilityCode.Multiprotocol;
      w.u16(checkUint('AFI', c.afi, 0xffff)).u8(0).u8(checkUint('SAFI', c.safi, 0xff));
      break;
    case 'route-refresh':
      code = CapabilityCode.RouteRefresh;
      break;
    case 'enhanced-route-refresh':
      code = CapabilityCode.EnhancedRouteRefresh;
      break;
    case 'extended-message':
      code = CapabilityCode.ExtendedMessage;
      break;
    case 'four-octet-as':
      code = CapabilityCode.FourOctetAs;
      w.u32(checkUint('AS number', c.asn, 0xffffffff));
      break;
    case 'graceful-restart':
      code = CapabilityCode.GracefulRestart;
      w.u16(
        (c.restarting ? GR_RESTARTING : 0) |
          (c.notification ? GR_NOTIFICATION : 0) |
          checkUint('graceful restart time', c.restartTime, GR_TIME_MASK),
      );
      for (const f of c.families) {
        w.u16(checkUint('AFI', f.afi, 0xffff)).u8(checkUint('SAFI', f.safi, 0xff)).u8(f.forwarding ? GR_FORWARDING : 0);
      }
      break;
    case 'extended-next-hop':
      code = CapabilityCode.ExtendedNextHop;
      for (const e of c.entries) {
        // The NLRI SAFI is 2 octets here (RFC 8950 4).
        w.u16(checkUint('AFI', e.afi, 0xffff)).u16(checkUint('SAFI', e.safi, 0xffff)).u16(checkUint('next hop AFI', e.nextHopAfi, 0xffff));
      }
      break;
    case 'add-path':
      code = CapabilityCode.AddPath;
      for (const e of c.entries) {
        const mode = ADD_PATH_VALUE[e.mode];
        if (mode === undefined) throw new BgpEncodeError(`unknown ADD-PATH mode ${JSON.stringify(e.mode)}`);
        w.u16(checkUint('AFI', e.afi, 0xffff)).u8(checkUint('SAFI', e.safi, 0xff)).u8(mode);
      }
      break;
    case 'fqdn': {
      code = CapabilityCode.Fqdn;
      const host = utf8Encoder.encode(c.hostname);
      const domain = utf8Encoder.encode(c.domain);
      if (host.length > 0xff || domain.length > 0xff) throw new BgpEncodeError('FQDN hostname or domain exceeds 255 octets');
      w.u8(host.length).bytes(host).u8(domain.length).bytes(domain);
      break;
    }
    case 'unknown':
      code = checkUint('capability code', c.code, 0xff);
      w.bytes(c.value);
      break;
  }
  const len = w.length - 2;
  if (len > 0xff) throw new BgpEncodeError(`capability ${code} value of ${len} octets exceeds 255`);
  w.patchU8(0, code);
  w.patchU8(1, len);
  return w.finish();
}

/** The capabilities of one kind, typed, in the order received. */
export function capabilitiesOfKind<K extends CapabilityKind>(caps: readonly Capability[], kind: K): Extract<Capability, { kind: K }>[] {
  return caps.filter((c): c is Extract<Capability, { kind: K }> => c.kind === kind);
}
