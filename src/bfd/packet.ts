// BFD control packet (RFC 5880 4.1), mandatory section plus optional
// authentication section (4.2-4.4):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
//  |                       My Discriminator                        |
//  |                      Your Discriminator                       |
//  |                    Desired Min TX Interval                    |
//  |                   Required Min RX Interval                    |
//  |                 Required Min Echo RX Interval                 |
//  |   Auth Type   |   Auth Len    |    Auth Key ID  |  ...        |
//
// decodeControl applies the stateless checks of 6.8.6; the checks that need
// a session (which discriminator, which key, sequence window) come after.

import { AUTH_TYPE_CODES, AUTH_TYPE_NAMES, authLength, type AuthSection } from './auth-section.js';

export const BFD_VERSION = 1;
/** Mandatory section length (4.1). */
export const BFD_HEADER_LENGTH = 24;
/** Single-hop (RFC 5881) and multihop (RFC 5883) destination ports. */
export const BFD_PORT_SINGLE_HOP = 3784;
export const BFD_PORT_MULTIHOP = 4784;

export type BfdStateName = 'AdminDown' | 'Down' | 'Init' | 'Up';
export const STATE_NAMES: readonly BfdStateName[] = ['AdminDown', 'Down', 'Init', 'Up'];
export const STATE_CODES: Readonly<Record<BfdStateName, number>> = { AdminDown: 0, Down: 1, Init: 2, Up: 3 };

/** Diagnostic codes (4.1). */
export const Diag = {
  None: 0,
  DetectionTimeExpired: 1,
  EchoFailed: 2,
  NeighborSignaledDown: 3,
  ForwardingPlaneReset: 4,
  PathDown: 5,
  ConcatenatedPathDown: 6,
  AdministrativelyDown: 7,
  ReverseConcatenatedPathDown: 8,
} as const;
export type DiagCode = (typeof Diag)[keyof typeof Diag];

const DIAG_TEXT = [
  'no diagnostic',
  'control detection time expired',
  'echo function failed',
  'neighbor signaled session down',
  'forwarding plane reset',
  'path down',
  'concatenated path down',
  'administratively down',
  'reverse concatenated path down',
];

export function diagText(d: number): string {
  return DIAG_TEXT[d] ?? `diagnostic ${d}`;
}

export interface ControlPacket {
  readonly version: number;
  readonly diag: number;
  readonly state: BfdStateName;
  readonly poll: boolean;
  readonly final: boolean;
  /** C: control plane independent. */
  readonly cpi: boolean;
  readonly demand: boolean;
  readonly multipoint: boolean;
  readonly detectMult: number;
  readonly myDiscr: number;
  readonly yourDiscr: number;
  /** Intervals in microseconds, as on the wire. */
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly requiredMinEchoRxUs: number;
  readonly auth?: AuthSection | undefined;
}

/** Why a received packet was discarded; stable codes for logs and counters. */
export type DiscardCode =
  | 'short'
  | 'version'
  | 'length'
  | 'detect-mult'
  | 'multipoint'
  | 'my-discr'
  | 'your-discr'
  | 'auth-length'
  | 'auth-type'
  | 'auth-missing'
  | 'auth-unexpected'
  | 'auth-key-id'
  | 'auth-digest'
  | 'auth-sequence'
  | 'ttl'
  | 'admin-down';

export type DecodeResult = { readonly ok: true; readonly packet: ControlPacket } | { readonly ok: false; readonly code: DiscardCode; readonly reason: string };

const fail = (code: DiscardCode, reason: string): DecodeResult => ({ ok: false, code, reason });

/**
 * Decodes one received datagram and applies the stateless reception checks
 * of RFC 5880 6.8.6: version, length (against the A bit and the datagram),
 * detect mult, multipoint, my discriminator, and "your discriminator zero
 * only in Down/AdminDown".
 */
export function decodeControl(b: Uint8Array): DecodeResult {
  if (b.length < BFD_HEADER_LENGTH) return fail('short', `datagram of ${b.length} octets is shorter than a BFD header`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const b0 = b[0]!;
  const b1 = b[1]!;
  const version = b0 >> 5;
  if (version !== BFD_VERSION) return fail('version', `version ${version}`);
  const authPresent = (b1 & 0x04) !== 0;
  const length = b[3]!;
  if (length < (authPresent ? BFD_HEADER_LENGTH + 2 : BFD_HEADER_LENGTH)) return fail('length', `length field ${length} too small`);
  if (length > b.length) return fail('length', `length field ${length} exceeds the datagram (${b.length})`);
  const detectMult = b[2]!;
  if (detectMult === 0) return fail('detect-mult', 'detect mult is zero');
  const multipoint = (b1 & 0x01) !== 0;
  if (multipoint) return fail('multipoint', 'multipoint bit set');
  const myDiscr = v.getUint32(4);
  if (myDiscr === 0) return fail('my-discr', 'my discriminator is zero');
  const yourDiscr = v.getUint32(8);
  const state = STATE_NAMES[b1 >> 6]!;
  if (yourDiscr === 0 && state !== 'Down' && state !== 'AdminDown') return fail('your-discr', `your discriminator zero in state ${state}`);
  let auth: AuthSection | undefined;
  if (authPresent) {
    const r = decodeAuth(b.subarray(BFD_HEADER_LENGTH, length));
    if (typeof r === 'string') return fail(r.startsWith('type') ? 'auth-type' : 'auth-length', `authentication section: ${r}`);
    auth = r;
  } else if (length !== BFD_HEADER_LENGTH) {
    return fail('length', `length field ${length} without authentication`);
  }
  return {
    ok: true,
    packet: {
      version,
      diag: b0 & 0x1f,
      state,
      poll: (b1 & 0x20) !== 0,
      final: (b1 & 0x10) !== 0,
      cpi: (b1 & 0x08) !== 0,
      demand: (b1 & 0x02) !== 0,
      multipoint,
      detectMult,
      myDiscr,
      yourDiscr,
      desiredMinTxUs: v.getUint32(12),
      requiredMinRxUs: v.getUint32(16),
      requiredMinEchoRxUs: v.getUint32(20),
      auth,
    },
  };
}

function decodeAuth(s: Uint8Array): AuthSection | string {
  const typeCode = s[0]!;
  const len = s[1]!;
  const type = AUTH_TYPE_NAMES[typeCode];
  if (type === undefined) return `type ${typeCode} unknown`;
  if (len !== s.length) return `auth len ${len} does not match the ${s.length} octets after the header`;
  if (type === 'simple') {
    if (len < 4 || len > 19) return `simple password auth len ${len}`;
    return { type, keyId: s[2]!, password: Buffer.from(s.subarray(3, len)) };
  }
  if (len !== authLength(type)) return `${type} auth len ${len}, expected ${authLength(type)}`;
  const v = new DataView(s.buffer, s.byteOffset, s.byteLength);
  return { type, keyId: s[2]!, seq: v.getUint32(4), digest: Buffer.from(s.subarray(8, len)) };
}

/**
 * Encodes a packet; the authentication section, if any, is written as given
 * (digests are filled in by signPacket in auth.ts). The length field follows
 * from the sections.
 */
export function encodeControl(p: Omit<ControlPacket, 'version'> & { version?: number }): Buffer {
  const authLen = p.auth === undefined ? 0 : p.auth.type === 'simple' ? 3 + p.auth.password.length : authLength(p.auth.type);
  const out = Buffer.alloc(BFD_HEADER_LENGTH + authLen);
  out[0] = ((p.version ?? BFD_VERSION) << 5) | (p.diag & 0x1f);
  out[1] =
    (STATE_CODES[p.state] << 6) |
    (p.poll ? 0x20 : 0) |
    (p.final ? 0x10 : 0) |
    (p.cpi ? 0x08 : 0) |
    (p.auth !== undefined ? 0x04 : 0) |
    (p.demand ? 0x02 : 0) |
    (p.multipoint ? 0x01 : 0);
  out[2] = p.detectMult;
  out[3] = out.length;
  out.writeUInt32BE(p.myDiscr >>> 0, 4);
  out.writeUInt32BE(p.yourDiscr >>> 0, 8);
  out.writeUInt32BE(p.desiredMinTxUs >>> 0, 12);
  out.writeUInt32BE(p.requiredMinRxUs >>> 0, 16);
  out.writeUInt32BE(p.requiredMinEchoRxUs >>> 0, 20);
  if (p.auth !== undefined) {
    const a = p.auth;
    out[24] = AUTH_TYPE_CODES[a.type];
    out[25] = authLen;
    out[26] = a.keyId;
    if (a.type === 'simple') {
      Buffer.from(a.password).copy(out, 27);
    } else {
      out.writeUInt32BE(a.seq >>> 0, 28);
      Buffer.from(a.digest).copy(out, 32, 0, authLen - 8);
    }
  }
  return out;
}
