// KEEPALIVE message, RFC 4271 4.4: the header alone, no body.
//
// Any body means the header's Length field is not 19: Message Header Error /
// Bad Message Length with that field as data (RFC 4271 6.1).

import { ErrorCode, HEADER_LENGTH, HeaderSubcode } from './constants.js';
import { decodeError } from './errors.js';

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

const KEEPALIVE: KeepaliveMessage = Object.freeze({ type: 'keepalive' });

export function decodeKeepalive(_buf: Uint8Array, start: number, end: number): KeepaliveMessage {
  if (end !== start) {
    const total = HEADER_LENGTH + end - start;
    throw decodeError(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      `KEEPALIVE with a body of ${end - start} octets`,
      Uint8Array.of(total >> 8, total & 0xff),
    );
  }
  return KEEPALIVE;
}
