// Splits a TCP byte stream into whole BGP messages (RFC 4271 4.1 header):
//
//   marker (16 x 0xff) | length (2) | type (1) | body (length - 19)
//
// A message wholly inside one chunk is handed out as a view of that chunk (no
// copy); only a message that spans chunks is copied, once, into its own buffer.

import {
  ErrorCode,
  HEADER_LENGTH,
  HeaderSubcode,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
} from './constants.js';
import { decodeError, type BgpDecodeError } from './errors.js';

/** RFC 4271 6.1: the smallest legal length of each message type. */
const MIN_LENGTH: readonly number[] = [0, 29, 23, 21, 19, 23];

const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);

/**
 * Checks the header at buf[at..at+19) and returns the message length.
 * Throws the RFC 4271 6.1 Message Header Error.
 */
export function checkHeader(buf: Uint8Array, at: number, extendedMessage: boolean): number {
  for (let i = at; i < at + 16; i++) {
    if (buf[i] !== 0xff) {
      return fail(decodeError(ErrorCode.MessageHeader, HeaderSubcode.ConnectionNotSynchronized, 'marker is not all ones'));
    }
  }
  const length = (buf[at + 16]! << 8) | buf[at + 17]!;
  const type = buf[at + 18]!;
  if (type < MessageType.Open || type > MessageType.RouteRefresh) {
    return fail(decodeError(ErrorCode.MessageHeader, HeaderSubcode.BadMessageType, `unknown message type ${type}`, Uint8Array.of(type)));
  }
  // RFC 8654 2: OPEN and KEEPALIVE stay within 4096 even when extended messages are on.
  const max = extendedMessage && type !== MessageType.Open && type !== MessageType.Keepalive ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  if (length < MIN_LENGTH[type]! || length > max || (type === MessageType.Keepalive && length !== HEADER_LENGTH)) {
    return fail(decodeError(ErrorCode.MessageHeader, HeaderSubcode.BadMessageLength, `bad length ${length} for message type ${type}`, u16(length)));
  }
  return length;
}

function fail(e: BgpDecodeError): never {
  throw e;
}

export class Framer {
  /** Set once the peer and we both announced RFC 8654 extended message. */
  extendedMessage = false;
  private partial: Buffer | null = null;
  private partialHave = 0;
  private readonly head = Buffer.allocUnsafe(HEADER_LENGTH);
  private headHave = 0;

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.partial ? this.partialHave : this.headHave;
  }

  /**
   * Feeds one chunk; calls `onMessage` with each whole message (header included).
   * Throws BgpDecodeError on a bad header; the stream is unusable afterwards.
   */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    let off = 0;
    const n = chunk.length;
    if (this.headHave > 0 || this.partial) {
      off = this.continuePartial(chunk, onMessage);
      if (off < 0) return;
    }
    while (n - off >= HEADER_LENGTH) {
      const length = checkHeader(chunk, off, this.extendedMessage);
      if (n - off < length) break;
      onMessage(chunk.subarray(off, off + length));
      off += length;
    }
    if (off < n) this.startPartial(chunk, off);
  }

  private startPartial(chunk: Buffer, off: number): void {
    const rest = chunk.length - off;
    if (rest < HEADER_LENGTH) {
      chunk.copy(this.head, 0, off);
      this.headHave = rest;
      return;
    }
    const length = checkHeader(chunk, off, this.extendedMessage);
    this.partial = Buffer.allocUnsafe(length);
    chunk.copy(this.partial, 0, off);
    this.partialHave = rest;
  }

  /** Completes a message begun in earlier chunks; returns the offset reached in `chunk`, or -1 if it was all consumed. */
  private continuePartial(chunk: Buffer, onMessage: (message: Buffer) => void): number {
    let off = 0;
    if (!this.partial) {
      const take = Math.min(HEADER_LENGTH - this.headHave, chunk.length);
      chunk.copy(this.head, this.headHave, 0, take);
      this.headHave += take;
      off = take;
      if (this.headHave < HEADER_LENGTH) return -1;
      const length = checkHeader(this.head, 0, this.extendedMessage);
      this.partial = Buffer.allocUnsafe(length);
      this.head.copy(this.partial, 0);
      this.partialHave = HEADER_LENGTH;
      this.headHave = 0;
    }
    const msg = this.partial;
    const take = Math.min(msg.length - this.partialHave, chunk.length - off);
    chunk.copy(msg, this.partialHave, off, off + take);
    this.partialHave += take;
    off += take;
    if (this.partialHave < msg.length) return -1;
    this.partial = null;
    this.partialHave = 0;
    onMessage(msg);
    return off;
  }
}
