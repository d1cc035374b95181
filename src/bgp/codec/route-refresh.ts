// ROUTE-REFRESH message body, RFC 2918 3 with the reserved octet made a subtype by RFC 7313 3.2:
//
//   AFI (2) | message subtype (1) | SAFI (1)
//
// Subtypes: 0 normal request, 1 Beginning of Route Refresh, 2 End of Route Refresh.
// A message of another length is ROUTE-REFRESH Message Error / Invalid Message
// Length with the complete message as data (RFC 7313 5). Other subtypes are
// decoded for the caller to ignore (RFC 7313 5), and as their layout is not
// known, octets past the fourth are not an error for them.

import { ErrorCode, HEADER_LENGTH, MessageType, RouteRefreshSubcode, RouteRefreshSubtype } from './constants.js';
import { BgpEncodeError, decodeError, type BgpDecodeError } from './errors.js';

export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  afi: number;
  subtype: number;
  safi: number;
}

export const ROUTE_REFRESH_BODY = 4;

/** The whole message, header rebuilt, as RFC 7313 5 wants it in the NOTIFICATION data. */
function invalidLength(buf: Uint8Array, start: number, end: number): BgpDecodeError {
  const total = HEADER_LENGTH + end - start;
  const whole = new Uint8Array(total);
  whole.fill(0xff, 0, 16);
  whole[16] = total >> 8;
  whole[17] = total & 0xff;
  whole[18] = MessageType.RouteRefresh;
  whole.set(buf.subarray(start, end), HEADER_LENGTH);
  return decodeError(
    ErrorCode.RouteRefresh,
    RouteRefreshSubcode.InvalidMessageLength,
    `ROUTE-REFRESH body of ${end - start} octets, expected ${ROUTE_REFRESH_BODY}`,
    whole,
  );
}

const isKnownSubtype = (s: number): boolean => s <= RouteRefreshSubtype.EndOfRouteRefresh;

/** Decodes a ROUTE-REFRESH body in buf[start, end). */
export function decodeRouteRefresh(buf: Uint8Array, start: number, end: number): RouteRefreshMessage {
  const length = end - start;
  if (length < ROUTE_REFRESH_BODY) throw invalidLength(buf, start, end);
  const subtype = buf[start + 2]!;
  if (length > ROUTE_REFRESH_BODY && isKnownSubtype(subtype)) throw invalidLength(buf, start, end);
  return { type: 'route-refresh', afi: (buf[start]! << 8) | buf[start + 1]!, subtype, safi: buf[start + 3]! };
}

export function encodeRouteRefresh(m: Omit<RouteRefreshMessage, 'type'>): Uint8Array {
  const check = (what: string, v: number, max: number): number => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new BgpEncodeError(`ROUTE-REFRESH ${what} ${v} is not an integer in 0..${max}`);
    return v;
  };
  const afi = check('AFI', m.afi, 0xffff);
  return Uint8Array.of(afi >> 8, afi & 0xff, check('subtype', m.subtype, 0xff), check('SAFI', m.safi, 0xff));
}
