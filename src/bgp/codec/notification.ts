// NOTIFICATION message body, RFC 4271 4.5:
//
//   error code (1) | error subcode (1) | data (the rest)
//
// RFC 9003 2: for Cease / Administrative Shutdown (2) and Administrative Reset (4)
// the data may hold a shutdown communication:
//
//   length (1, 0..255) | UTF-8 text (length octets)
//
// A NOTIFICATION is never answered with one (RFC 4271 6.4): a bad shutdown
// communication is kept as raw data (RFC 9003 4), and a body too short to hold
// the codes throws only so the session can log it and close.

import { CeaseSubcode, ErrorCode, HEADER_LENGTH, HeaderSubcode } from './constants.js';
import { BgpEncodeError, decodeError } from './errors.js';
import { quoteText } from '../../util/terminal-text.js';

export interface NotificationMessage {
  readonly type: 'notification';
  code: number;
  subcode: number;
  data: Uint8Array;
  /** RFC 9003 text for Cease subcodes 2 and 4, when the data holds a valid one. */
  shutdownMessage?: string;
}

/** RFC 9003 2: the communication is at most 255 octets of UTF-8. */
export const MAX_SHUTDOWN_MESSAGE = 255;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

const carriesShutdownMessage = (code: number, subcode: number): boolean =>
  code === ErrorCode.Cease && (subcode === CeaseSubcode.AdministrativeShutdown || subcode === CeaseSubcode.AdministrativeReset);

/** Decodes a NOTIFICATION body in buf[start, end). */
export function decodeNotification(buf: Uint8Array, start: number, end: number): NotificationMessage {
  const length = end - start;
  if (length < 2) {
    // RFC 4271 6.1; the caller must not send this back (RFC 4271 6.4).
    const total = length + HEADER_LENGTH;
    throw decodeError(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      `NOTIFICATION body of ${length} octets is shorter than 2`,
      Uint8Array.of(total >> 8, total & 0xff),
    );
  }
  const code = buf[start]!;
  const subcode = buf[start + 1]!;
  // A copy: the input may be a view of a socket chunk (and Buffer#slice would not copy).
  const data = new Uint8Array(buf.subarray(start + 2, end));
  const n: NotificationMessage = { type: 'notification', code, subcode, data };
  if (carriesShutdownMessage(code, subcode) && data.length >= 1 && 1 + data[0]! <= data.length) {
    try {
      n.shutdownMessage = utf8.decode(data.subarray(1, 1 + data[0]!));
    } catch {
      // Invalid UTF-8: the raw data stays for the log (RFC 9003 4).
    }
  }
  return n;
}

/** The UTF-8 bytes of `text`, cut to at most maxOctets without splitting a character. */
export function truncateUtf8(text: string, maxOctets: number): Uint8Array {
  const bytes = utf8Encoder.encode(text);
  if (bytes.length <= maxOctets) return bytes;
  let cut = maxOctets;
  // Back up over continuation octets (10xxxxxx) to the start of the character that does not fit.
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut);
}

/** RFC 9003 2: length octet then the UTF-8 text, truncated to 255 octets on a character boundary. */
export function shutdownCommunication(text: string): Uint8Array {
  const t = truncateUtf8(text, MAX_SHUTDOWN_MESSAGE);
  const out = new Uint8Array(1 + t.length);
  out[0] = t.length;
  out.set(t, 1);
  return out;
}

/**
 * Encodes a NOTIFICATION body. Non-empty `data` is sent as given; otherwise a
 * `shutdownMessage` (Cease subcodes 2 and 4 only) becomes the RFC 9003 data.
 */
export function encodeNotification(n: { code: number; subcode: number; data?: Uint8Array; shutdownMessage?: string }): Uint8Array {
  for (const [what, v] of [['error code', n.code], ['error subcode', n.subcode]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new BgpEncodeError(`${what} ${v} is not an integer in 0..255`);
  }
  let data = n.data ?? new Uint8Array(0);
  if (data.length === 0 && n.shutdownMessage !== undefined) {
    if (!carriesShutdownMessage(n.code, n.subcode)) {
      throw new BgpEncodeError(`a shutdown message belongs to Cease subcodes 2 and 4, not ${n.code}/${n.subcode} (RFC 9003 2)`);
    }
    data = shutdownCommunication(n.shutdownMessage);
  }
  const out = new Uint8Array(2 + data.length);
  out[0] = n.code;
  out[1] = n.subcode;
  out.set(data, 2);
  return out;
}

/** Names from the IANA "BGP Error (Notification) Codes" and subcode registries. */
const CODE_NAMES: Readonly<Record<number, string>> = {
  [ErrorCode.MessageHeader]: 'Message Header Error',
  [ErrorCode.OpenMessage]: 'OPEN Message Error',
  [ErrorCode.UpdateMessage]: 'UPDATE Message Error',
  [ErrorCode.HoldTimerExpired]: 'Hold Timer Expired',
  [ErrorCode.Fsm]: 'Finite State Machine Error',
  [ErrorCode.Cease]: 'Cease',
  [ErrorCode.RouteRefresh]: 'ROUTE-REFRESH Message Error',
  [ErrorCode.SendHoldTimerExpired]: 'Send Hold Timer Expired',
};

const SUBCODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [ErrorCode.MessageHeader]: {
    0: 'Unspecific',
    1: 'Connection Not Synchronized',
    2: 'Bad Message Length',
    3: 'Bad Message Type',
  },
  [ErrorCode.OpenMessage]: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
    11: 'Role Mismatch',
  },
  [ErrorCode.UpdateMessage]: {
    0: 'Unspecific',
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  [ErrorCode.Fsm]: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  [ErrorCode.Cease]: {
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  [ErrorCode.RouteRefresh]: {
    1: 'Invalid Message Length',
  },
};

/** A one-line human description, e.g. `Cease/Administrative Shutdown: "maintenance"`. */
export function describeNotification(n: { code: number; subcode: number; shutdownMessage?: string; data?: Uint8Array }): string {
  const codeName = CODE_NAMES[n.code];
  const subName = SUBCODE_NAMES[n.code]?.[n.subcode];
  let text: string;
  if (codeName === undefined) text = `error code ${n.code}/subcode ${n.subcode}`;
  else if (subName !== undefined) text = `${codeName}/${subName}`;
  else if (n.subcode === 0) text = codeName;
  else text = `${codeName}/subcode ${n.subcode}`;
  // RFC 4486 4: Maximum Number of Prefixes Reached may carry AFI (2), SAFI (1) and the limit (4).
  const d = n.data;
  if (n.code === 6 && n.subcode === 1 && d !== undefined && d.length === 7) {
    text += ` (AFI ${(d[0]! << 8) | d[1]!}, SAFI ${d[2]!}, limit ${((d[3]! << 24) | (d[4]! << 16) | (d[5]! << 8) | d[6]!) >>> 0})`;
  }
  // JSON quoting keeps the peer's text on one line and visibly delimited in logs.
  if (n.shutdownMessage !== undefined && n.shutdownMessage !== '') text += `: ${quoteText(n.shutdownMessage)}`;
  return text;
}
