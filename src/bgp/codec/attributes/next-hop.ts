// Next hops that cannot be a host (RFC 4271 6.3: NEXT_HOP must be "a valid IP
// host address"; RFC 7606 7.3 and 7.11: such an UPDATE is treat-as-withdraw,
// since its NLRI can still be located).
//
//   IPv4: 0.0.0.0/8 (this network), 224.0.0.0/4 (multicast), 255.255.255.255
//         (limited broadcast). 240.0.0.0/4 is accepted: some networks number
//         hosts from it.
//   IPv6: :: (unspecified), ff00::/8 (multicast). In the link-local slot of a
//         32-octet MP next hop (RFC 2545 3) :: is accepted, as some speakers
//         fill the slot with zeros.
//   Loopback (127.0.0.0/8, ::1) only with `rejectLoopback`: between two
//   speakers on one host (floatd's demo and route server talk over
//   127.0.0.x) a loopback next hop is the peer itself, and the decoder cannot
//   tell which kind of session it serves.

/** `n` is an IPv4 address as an unsigned 32-bit number. */
export function isHostIpv4(n: number, rejectLoopback: boolean): boolean {
  const a = n >>> 24;
  return a !== 0 && (a & 0xf0) !== 0xe0 && n !== 0xffffffff && !(rejectLoopback && a === 127);
}

/** The IPv6 address in buf[p, p + 16): the last octet when all others are zero, else -1 (:: is 0, ::1 is 1). */
function lowOctetIfZeroPrefix(buf: Uint8Array, p: number): number {
  for (let i = p; i < p + 15; i++) if (buf[i] !== 0) return -1;
  return buf[p + 15]!;
}

export function isHostIpv6(buf: Uint8Array, p: number, rejectLoopback: boolean): boolean {
  if (buf[p] === 0xff) return false;
  const low = lowOctetIfZeroPrefix(buf, p);
  return low !== 0 && !(rejectLoopback && low === 1);
}

/** The link-local slot: like isHostIpv6, but :: is allowed. */
function isLinkLocalSlot(buf: Uint8Array, p: number, rejectLoopback: boolean): boolean {
  return buf[p] !== 0xff && !(rejectLoopback && lowOctetIfZeroPrefix(buf, p) === 1);
}

/**
 * The MP_REACH_NLRI next hop of `nhLen` octets at buf[p]: 4 (IPv4), 16 (IPv6)
 * or 32 (IPv6 global then link-local), as mpReachNlriStart checked.
 */
export function isHostMpNextHop(buf: Uint8Array, p: number, nhLen: number, rejectLoopback: boolean): boolean {
  if (nhLen === 4) return isHostIpv4(((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0, rejectLoopback);
  return isHostIpv6(buf, p, rejectLoopback) && (nhLen === 16 || isLinkLocalSlot(buf, p + 16, rejectLoopback));
}
