// OPEN message body, RFC 4271 4.2:
//
//   version (1) | my AS (2) | hold time (2) | BGP identifier (4) | opt. parm. len (1) | optional parameters
//   each optional parameter: type (1) | length (1) | value
//
// RFC 9072 2, extended optional parameters length (required once the parameters exceed 255 octets):
//
//   ... | BGP identifier (4) | non-ext len, non-zero (1) | 255 (1) | ext. opt. parm. len (2) | optional parameters
//   each optional parameter: type (1) | length (2) | value
//
// Parameter type 2 holds capabilities (RFC 5492 4).
//
// Errors: a body whose length disagrees with the optional parameters length
// has an erroneous message Length field (RFC 4271 6.1, Bad Message Length with
// that field as data); a parameter or capability that overruns its container
// is a malformed optional parameter (RFC 4271 6.2, subcode 0).

import { decodeCapabilities, encodeCapability, malformedOpen, type Capability } from './capabilities.js';
import {
  AS_TRANS,
  ErrorCode,
  HEADER_LENGTH,
  HeaderSubcode,
  OPT_PARAM_CAPABILITIES,
  OPT_PARAM_EXTENDED_LENGTH,
  OpenSubcode,
} from './constants.js';
import { BgpEncodeError, decodeError, type BgpDecodeError } from './errors.js';
import { formatIpv4, parseIpv4 } from './ip.js';
import { Writer } from './writer.js';

export interface OpenMessage {
  readonly type: 'open';
  version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real AS needs 4 octets, RFC 6793). */
  myAs: number;
  holdTime: number;
  bgpId: string;
  capabilities: Capability[];
  /** Optional parameters other than capabilities, kept raw (see DecodeOpenOptions). */
  otherParameters: { type: number; value: Uint8Array }[];
}

export interface DecodeOpenOptions {
  /**
   * Keep optional parameters of unknown types in otherParameters instead of
   * failing with Unsupported Optional Parameter (RFC 4271 6.2). For tools that
   * inspect OPENs; a session must leave it off.
   */
  readonly keepUnknownParameters?: boolean;
}

export type OpenInput = Omit<OpenMessage, 'type' | 'version' | 'otherParameters'> & {
  version?: number;
  otherParameters?: readonly { type: number; value: Uint8Array }[];
};

export const BGP_VERSION = 4;
/** Version, my AS, hold time, BGP identifier, optional parameters length (RFC 4271 4.2). */
export const OPEN_MIN_BODY = 10;
const NON_EXT_MAX = 0xff;

const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const u16At = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;

const badLength = (bodyLength: number, why: string): BgpDecodeError =>
  decodeError(
    ErrorCode.MessageHeader,
    HeaderSubcode.BadMessageLength,
    `OPEN: ${why}`,
    u16(bodyLength + HEADER_LENGTH),
  );

/** Decodes an OPEN body in buf[start, end). Throws BgpDecodeError with the RFC 4271 6.1/6.2 NOTIFICATION. */
export function decodeOpen(buf: Uint8Array, start: number, end: number, opts: DecodeOpenOptions = {}): OpenMessage {
  const length = end - start;
  if (length < OPEN_MIN_BODY) throw badLength(length, `body of ${length} octets is shorter than ${OPEN_MIN_BODY}`);

  // RFC 4271 6.2, in the order the section lists the checks.
  const version = buf[start]!;
  if (version !== BGP_VERSION) {
    // Data: the largest locally supported version below the bid, else the smallest; floatd has only 4.
    throw decodeError(ErrorCode.OpenMessage, OpenSubcode.UnsupportedVersion, `unsupported BGP version ${version}`, u16(BGP_VERSION));
  }
  const myAs = u16At(buf, start + 1);
  // RFC 7607 2: AS 0 in an OPEN (here or in the 4-octet AS capability) is Bad Peer AS, whatever the configuration says.
  if (myAs === 0) throw decodeError(ErrorCode.OpenMessage, OpenSubcode.BadPeerAs, 'peer AS is 0');
  const holdTime = u16At(buf, start + 3);
  if (holdTime === 1 || holdTime === 2) {
    throw decodeError(ErrorCode.OpenMessage, OpenSubcode.UnacceptableHoldTime, `hold time ${holdTime} is 1 or 2 seconds`);
  }
  const id = start + 5;
  // RFC 6286 2.2: any non-zero 4-octet value is a valid identifier.
  if ((buf[id]! | buf[id + 1]! | buf[id + 2]! | buf[id + 3]!) === 0) {
    throw decodeError(ErrorCode.OpenMessage, OpenSubcode.BadBgpIdentifier, 'BGP identifier is 0.0.0.0');
  }
  const bgpId = formatIpv4(buf, id);

  let p = start + 9;
  const nonExtLength = buf[p++]!;
  let extended = false;
  let paramsLength = nonExtLength;
  // RFC 9072 2: a non-zero length followed by type 255 marks the extended format.
  if (nonExtLength !== 0 && p < end && buf[p] === OPT_PARAM_EXTENDED_LENGTH) {
    if (end - p < 3) throw badLength(length, 'body ends inside the extended optional parameters length');
    extended = true;
    paramsLength = u16At(buf, p + 1);
    p += 3;
  }
  if (end - p !== paramsLength) {
    throw badLength(length, `optional parameters length ${paramsLength} disagrees with the ${end - p} octets present`);
  }

  const capabilities: Capability[] = [];
  const otherParameters: { type: number; value: Uint8Array }[] = [];
  const headerSize = extended ? 3 : 2;
  while (p < end) {
    if (end - p < headerSize) throw malformedOpen('optional parameters end inside a parameter header');
    const type = buf[p]!;
    const len = extended ? u16At(buf, p + 1) : buf[p + 1]!;
    p += headerSize;
    if (end - p < len) throw malformedOpen(`optional parameter ${type} of ${len} octets overruns the parameters`);
    if (type === OPT_PARAM_CAPABILITIES) {
      decodeCapabilities(buf, p, p + len, capabilities);
    } else if (opts.keepUnknownParameters === true && type !== OPT_PARAM_EXTENDED_LENGTH) {
      otherParameters.push({ type, value: new Uint8Array(buf.subarray(p, p + len)) });
    } else {
      throw decodeError(ErrorCode.OpenMessage, OpenSubcode.UnsupportedOptionalParameter, `unsupported optional parameter type ${type}`);
    }
    p += len;
  }
  for (const c of capabilities) {
    if (c.kind === 'four-octet-as' && c.asn === 0) throw decodeError(ErrorCode.OpenMessage, OpenSubcode.BadPeerAs, 'peer AS is 0');
  }

  return { type: 'open', version, myAs, holdTime, bgpId, capabilities, otherParameters };
}

function checkUint(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BgpEncodeError(`${what} ${value} is not an integer in ${min}..${max}`);
  }
  return value;
}

/**
 * Encodes an OPEN body. Capabilities are packed into as few type 2 parameters
 * as fit; the RFC 9072 extended format is used when asked or when the
 * parameters exceed 255 octets (RFC 9072 2).
 */
export function encodeOpen(msg: OpenInput, opts: { extendedParameters?: boolean } = {}): Uint8Array {
  const version = checkUint('BGP version', msg.version ?? BGP_VERSION, 0, 0xff);
  const myAs = checkUint('my AS', msg.myAs, 1, 0xffff);
  const holdTime = checkUint('hold time', msg.holdTime, 0, 0xffff);
  if (holdTime === 1 || holdTime === 2) throw new BgpEncodeError(`hold time ${holdTime} must be 0 or at least 3 (RFC 4271 4.2)`);
  let id: Uint8Array;
  try {
    id = parseIpv4(msg.bgpId);
  } catch {
    throw new BgpEncodeError(`BGP identifier ${JSON.stringify(msg.bgpId)} is not an IPv4 address`);
  }
  if ((id[0]! | id[1]! | id[2]! | id[3]!) === 0) throw new BgpEncodeError('BGP identifier 0.0.0.0 is invalid (RFC 6286 2.1)');

  const others = msg.otherParameters ?? [];
  for (const o of others) {
    checkUint('optional parameter type', o.type, 0, 0xff);
    if (o.type === OPT_PARAM_CAPABILITIES || o.type === OPT_PARAM_EXTENDED_LENGTH) {
      throw new BgpEncodeError(`optional parameter type ${o.type} cannot be sent raw`);
    }
  }
  const caps = msg.capabilities.map(encodeCapability);

  // Non-extended: consecutive capabilities share a parameter while it stays within 255 octets.
  const groups: Uint8Array[][] = [];
  let groupLength = NON_EXT_MAX + 1;
  for (const c of caps) {
    if (groupLength + c.length > NON_EXT_MAX) {
      groups.push([]);
      groupLength = 0;
    }
    groups[groups.length - 1]!.push(c);
    groupLength += c.length;
  }
  let nonExtTotal = 0;
  for (const g of groups) nonExtTotal += 2 + g.reduce((n, c) => n + c.length, 0);
  for (const o of others) nonExtTotal += 2 + o.value.length;
  const extended = opts.extendedParameters === true || nonExtTotal > NON_EXT_MAX;

  const w = new Writer(64 + nonExtTotal);
  w.u8(version).u16(myAs).u16(holdTime).bytes(id);
  if (!extended) {
    w.u8(nonExtTotal);
    for (const g of groups) {
      w.u8(OPT_PARAM_CAPABILITIES).u8(g.reduce((n, c) => n + c.length, 0));
      for (const c of g) w.bytes(c);
    }
    for (const o of others) w.u8(o.type).u8(o.value.length).bytes(o.value);
    return w.finish();
  }

  w.u8(NON_EXT_MAX).u8(OPT_PARAM_EXTENDED_LENGTH);
  const lengthAt = w.length;
  w.u16(0);
  if (caps.length > 0) {
    const capsLength = caps.reduce((n, c) => n + c.length, 0);
    if (capsLength > 0xffff) throw new BgpEncodeError(`capabilities of ${capsLength} octets exceed 65535`);
    w.u8(OPT_PARAM_CAPABILITIES).u16(capsLength);
    for (const c of caps) w.bytes(c);
  }
  for (const o of others) {
    if (o.value.length > 0xffff) throw new BgpEncodeError(`optional parameter ${o.type} of ${o.value.length} octets exceeds 65535`);
    w.u8(o.type).u16(o.value.length).bytes(o.value);
  }
  const total = w.length - lengthAt - 2;
  if (total > 0xffff) throw new BgpEncodeError(`optional parameters of ${total} octets exceed 65535`);
  w.patchU16(lengthAt, total);
  return w.finish();
}

/** The speaker's real AS: the 4-octet AS capability value if present, else myAs. */
export function peerAsOf(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.kind === 'four-octet-as') return c.asn;
  return open.myAs;
}

/** What to put in the 2-octet My AS field for a given AS: itself, or AS_TRANS when it needs 4 octets (RFC 6793). */
export const twoOctetAsOf = (asn: number): number => (asn <= 0xffff ? asn : AS_TRANS);
