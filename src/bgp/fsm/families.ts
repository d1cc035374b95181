// The address families floatd speaks: IPv4 and IPv6 unicast (AFI 1/2, SAFI 1, RFC 4760).

import { Afi, Safi } from '../codec/constants.js';

export type Family = 'ipv4' | 'ipv6';

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export const familyAfi = (f: Family): Afi => (f === 'ipv4' ? Afi.Ipv4 : Afi.Ipv6);

/** The family of an AFI/SAFI pair, or undefined for anything but IPv4/IPv6 unicast. */
export function familyOf(afi: number, safi: number): Family | undefined {
  if (safi !== Safi.Unicast) return undefined;
  if (afi === Afi.Ipv4) return 'ipv4';
  if (afi === Afi.Ipv6) return 'ipv6';
  return undefined;
}
