// RFC 4271 4.1 message header:
//
//   marker (16 octets of 0xff) | length (2, whole message) | type (1)

import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, type MessageType } from './constants.js';
import { BgpEncodeError } from './errors.js';

/** Prepends the header to a message body. */
export function frame(type: MessageType, body: Uint8Array, extendedMessage = false): Buffer {
  const total = HEADER_LENGTH + body.length;
  const max = extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  if (total > max) throw new BgpEncodeError(`message type ${type} of ${total} octets exceeds ${max}`);
  const out = Buffer.allocUnsafe(total);
  out.fill(0xff, 0, 16);
  out.writeUInt16BE(total, 16);
  out[18] = type;
  out.set(body, HEADER_LENGTH);
  return out;
}
