// Next hops that cannot be a host (RFC 4271 6.3: NEXT_HOP must be "a valid IP
// host address"; RFC 7606 7.3 and 7.11: such an UPDATE is treat-as-withdraw,
// since its NLRI can still be located).
//
//   IPv4: 0.0.0.0/8 (this network), 127.0.0.0/8 (loopback), 224.0.0.0/4
//         (multicast), 255.255.255.255 (limited broadcast). 240.0.0.0/4 is
//         accepted: some networks number hosts from it.
//   IPv6: :: (unspecified), ::1 (loopback), ff00::/8 (multicast). In the
//         link-local slot of a 32-octet MP next hop (RFC 2545 3) :: is
//         accepted too, as some speakers fill the slot with zeros.

/** `n` is an IPv4 address as an unsigned 32-bit number. */
export function isHostIpv4(n: number): boolean {
  const a = n >>> 24;
  return a !== 0 && a !== 127 && (a & 0xf0) !== 0xe0 && n !== 0xffffffff;
}

/** The IPv6 address in buf[p, p + 16) is ::, ::1 or multicast. */
function isUnspecifiedOrLoopback(buf: Uint8Array, p: number): boolean {
  for (let i = p; i < p + 15; i++) if (buf[i] !== 0) return false;
  return buf[p + 15]! <= 1;
}

export const isHostIpv6 = (buf: Uint8Array, p: number): boolean => buf[p] !== 0xff && !isUnspecifiedOrLoopback(buf, p);

/** The link-local slot: like isHostIpv6, but :: is allowed. */
const isLinkLocalSlot = (buf: Uint8Array, p: number): boolean => {
  if (buf[p] === 0xff) return false;
  for (let i = p; i < p + 15; i++) if (buf[i] !== 0) return true;
  return buf[p + 15] !== 1;
};

/**
 * The MP_REACH_NLRI next hop of `nhLen` octets at buf[p]: 4 (IPv4), 16 (IPv6)
 * or 32 (IPv6 global then link-local), as mpReachNlriStart checked.
 */
export function isHostMpNextHop(buf: Uint8Array, p: number, nhLen: number): boolean {
  if (nhLen === 4) return isHostIpv4(((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0);
  return isHostIpv6(buf, p) && (nhLen === 16 || isLinkLocalSlot(buf, p + 16));
}
