import { familyOf, parsePrefixText } from './addresses.js';
import { attributeFields, hostAddress, nextHop, prefixField } from './bgp-fields.js';
import { list, section } from './fields.js';

const announceShape = {
  prefix: prefixField(),
  /** Absent: the next hop configured on each neighbor. */
  'next-hop': nextHop().optional(),
  ...attributeFields(),
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
