// Linode's route servers: their AS, timers, communities and addresses, which
// the preset, its schema and `floatd linode` share.

import { parseAddress } from '../addresses.js';

/**
 * Linode's route servers: four per data centre, eBGP multihop from AS 65001,
 * IPv6 sessions that carry IPv4 routes too (RFC 8950), short timers because
 * the session is the failure detector when nothing else is.
 */
export const LINODE = {
  peerAs: 65000,
  localAs: 65001,
  holdTime: 9,
  /** The documented 9 s first (lelastic's value), longer ones only if a route server refuses it. */
  holdTimes: [9, 30, 90],
  connectRetry: 5,
  multihop: 16,
  communities: { primary: '65000:1', secondary: '65000:2' },
  /** lelastic's -infp: the production route servers' prefix, and the one of Linode's lab. */
  routeServerPrefix: '2600:3c0f',
  labRouteServerPrefix: '2600:3c1f',
} as const;

/**
 * The decimal id is written into the address as it is: id 10 -> 2600:3c0f:10:34::1..4
 * (lelastic builds the same text from -infp and -dcid).
 */
export const linodeRouteServers = (dcid: number, prefix: string = LINODE.routeServerPrefix): string[] =>
  [1, 2, 3, 4].map((i) => `${prefix}:${dcid}:34::${i}`);

/** Why `prefix` cannot stand before `:DCID:34::N`, or undefined. */
export function routeServerPrefixProblem(prefix: string): string | undefined {
  const expected = `expected one to four groups of hex digits such as ${LINODE.routeServerPrefix}, or ${LINODE.labRouteServerPrefix} for Linode's lab`;
  if (!/^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){0,3}$/.test(prefix)) return `${JSON.stringify(prefix)} is not an IPv6 prefix of whole groups (${expected})`;
  const r = parseAddress(`${prefix}:1:34::1`);
  return r.ok && r.value.family === 'ipv6' ? undefined : `${prefix}:DCID:34::1 is not an IPv6 address (${expected})`;
}
