// One entry point per direction for whole messages (header included).

import { ErrorCode, HEADER_LENGTH, HeaderSubcode, MessageType } from './constants.js';
import { decodeError } from './errors.js';
import { frame } from './header.js';
import { decodeKeepalive, type KeepaliveMessage } from './keepalive.js';
import { decodeNotification, encodeNotification, type NotificationMessage } from './notification.js';
import { decodeOpen, encodeOpen, type OpenMessage } from './open.js';
import { decodeRouteRefresh, encodeRouteRefresh, type RouteRefreshMessage } from './route-refresh.js';
import type { CodecContext, DecodedUpdate, UpdateMessage } from './types.js';
import { decodeUpdate, encodeUpdate } from './update.js';

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;
export type DecodedMessage = OpenMessage | DecodedUpdate | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/**
 * Decodes one whole message as handed out by the Framer (whose header checks
 * it has already passed). Throws BgpDecodeError for errors that reset the session.
 */
export function decodeMessage(msg: Uint8Array, ctx: CodecContext): DecodedMessage {
  const type = msg[18];
  const start = HEADER_LENGTH;
  const end = msg.length;
  switch (type) {
    case MessageType.Open:
      return decodeOpen(msg, start, end);
    case MessageType.Update:
      return decodeUpdate(msg, start, end, ctx);
    case MessageType.Notification:
      return decodeNotification(msg, start, end);
    case MessageType.Keepalive:
      return decodeKeepalive(msg, start, end);
    case MessageType.RouteRefresh:
      return decodeRouteRefresh(msg, start, end);
    default:
      // Only reached by bytes that bypassed the Framer: name the type, never guess one.
      throw decodeError(ErrorCode.MessageHeader, HeaderSubcode.BadMessageType, `unknown message type ${String(type)}`, Uint8Array.of(type ?? 0));
  }
}

const KEEPALIVE = frame(MessageType.Keepalive, new Uint8Array(0));

/** Encodes one message, header included. UPDATEs that may exceed the size limit go through update-builder instead. */
export function encodeMessage(m: BgpMessage, ctx: CodecContext): Buffer {
  switch (m.type) {
    case 'open':
      return frame(MessageType.Open, encodeOpen(m));
    case 'update':
      return encodeUpdate(m, ctx);
    case 'notification':
      return frame(MessageType.Notification, encodeNotification(m), ctx.extendedMessage);
    case 'keepalive':
      return KEEPALIVE;
    case 'route-refresh':
      return frame(MessageType.RouteRefresh, encodeRouteRefresh(m), ctx.extendedMessage);
  }
}
