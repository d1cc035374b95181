// Splits a TCP byte stream into whole BGP messages (RFC 4271 4.1 header):
//
//   marker (16 x 0xff) | length (2) | type (1) | body (length - 19)
//
// A message wholly inside one chunk is handed out as a view of that chunk (no
// copy); only a message that spans chunks is copied, once, into its own buffer.
// push() frames a whole chunk at once; add() and next() take one message at a
// time, for a receiver that works in bounded slices.

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

const EMPTY = Buffer.alloc(0);

export class Framer {
  /** Set once the peer and we both announced RFC 8654 extended message. */
  extendedMessage = false;
  private mBuf: Buffer = EMPTY;
  private mStart = 0;
  private mEnd = 0;
  private chunk: Buffer = EMPTY;
  private off = 0;
  private partial: Buffer | null = null;
  private partialHave = 0;
  private readonly head = Buffer.allocUnsafe(HEADER_LENGTH);
  private headHave = 0;

  /** The message the last next() found is bytes [start, end) of buf, header included. */
  get buf(): Buffer {
    return this.mBuf;
  }
  get start(): number {
    return this.mStart;
  }
  get end(): number {
    return this.mEnd;
  }

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.partial ? this.partialHave : this.headHave;
  }

  /**
   * Feeds one chunk; calls `onMessage` with each whole message (header included).
   * Throws BgpDecodeError on a bad header; the stream is unusable afterwards.
   */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    this.add(chunk);
    while (this.next()) onMessage(this.buf === chunk ? chunk.subarray(this.start, this.end) : this.buf);
  }

  /**
   * Hands over the next chunk, to be taken apart with next(): the pull side, for
   * callers that frame a little at a time. The previous chunk must be used up.
   */
  add(chunk: Buffer): void {
    this.chunk = chunk;
    this.off = 0;
  }

  /**
   * Finds the next whole message: true with buf, start and end set to it, or
   * false once the chunk is used up (an unfinished message is kept for the next
   * chunk). Nothing is allocated for a message the chunk holds whole.
   * Throws BgpDecodeError on a bad header; the stream is unusable afterwards.
   */
  next(): boolean {
    if (this.headHave > 0 || this.partial) {
      if (!this.fillPartial()) return this.usedUp();
      const msg = this.partial!;
      this.partial = null;
      this.partialHave = 0;
      this.mBuf = msg;
      this.mStart = 0;
      this.mEnd = msg.length;
      return true;
    }
    const chunk = this.chunk;
    const off = this.off;
    const rest = chunk.length - off;
    if (rest >= HEADER_LENGTH) {
      const length = checkHeader(chunk, off, this.extendedMessage);
      if (rest >= length) {
        this.mBuf = chunk;
        this.mStart = off;
        this.mEnd = this.off = off + length;
        return true;
      }
    }
    if (rest > 0) this.startPartial(chunk, off);
    return this.usedUp();
  }

  private usedUp(): false {
    this.chunk = EMPTY;
    this.off = 0;
    return false;
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

  /** Adds the chunk's bytes to a message begun in earlier chunks; true once it is whole. */
  private fillPartial(): boolean {
    const chunk = this.chunk;
    if (!this.partial) {
      const take = Math.min(HEADER_LENGTH - this.headHave, chunk.length - this.off);
      chunk.copy(this.head, this.headHave, this.off, this.off + take);
      this.headHave += take;
      this.off += take;
      if (this.headHave < HEADER_LENGTH) return false;
      const length = checkHeader(this.head, 0, this.extendedMessage);
      this.partial = Buffer.allocUnsafe(length);
      this.head.copy(this.partial, 0);
      this.partialHave = HEADER_LENGTH;
      this.headHave = 0;
    }
    const msg = this.partial;
    const take = Math.min(msg.length - this.partialHave, chunk.length - this.off);
    chunk.copy(msg, this.partialHave, this.off, this.off + take);
    this.partialHave += take;
    this.off += take;
    return this.partialHave === msg.length;
  }
}
