import { familyOf, parsePrefixText } from './addresses.js';
import { communities, hostAddress, largeCommunities, nextHop, prefixField } from './bgp-fields.js';
import { integer, list, section } from './fields.js';

const announceShape = {
  prefix: prefixField(),
  /** Absent: the next hop configured on each neighbor. */
  'next-hop': nextHop().optional(),
  med: integer(0, 0xffffffff, 'a MED 0..4294967295').optional(),
  /** Extra copies of our AS; more than a handful only gets the route filtered upstream. */
  prepend: integer(0, 32, 'a number of extra AS copies 0..32').default(0),
  communities: communities().default([]),
  'large-communities': largeCommunities().default([]),
  /** Sent to iBGP neighbors only (RFC 4271 5.1.5). */
  'local-pref': integer(0, 0xffffffff, 'a LOCAL_PREF 0..4294967295').optional(),
  neighbors: list(hostAddress('a neighbor address'), 'a list of neighbor addresses').optional(),
};

/** One `announce` entry; checks against neighbors and `allow` are made by the top-level schema. */
export const announceSchema = () =>
  section(announceShape, 'a mapping with at least prefix').superRefine((a, ctx) => {
    const p = parsePrefixText(a.prefix);
    if (p.ok && a.nextHop !== undefined && a.nextHop !== 'self' && p.value.family === 'ipv6' && familyOf(a.nextHop) === 'ipv4') {
      ctx.addIssue({ code: 'custom', path: ['next-hop'], message: `${a.nextHop} cannot be the next hop of an IPv6 prefix (expected self or an IPv6 address)` });
    }
    a.neighbors?.forEach((addr, i) => {
      if (a.neighbors!.indexOf(addr) !== i) ctx.addIssue({ code: 'custom', path: ['neighbors', i], message: `${addr} is listed twice (expected each neighbor once)` });
    });
  });
