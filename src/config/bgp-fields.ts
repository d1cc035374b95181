import { z } from 'zod';
import { fail, isUnspecified, ok, parseAddress, parsePrefixText } from './addresses.js';
import type { Parsed } from './addresses.js';
import { parseCommunity, parseLargeCommunity } from './communities.js';
import { expecting, integer, list, parsedText } from './fields.js';

/** Config fields with BGP meaning, each with the checks that need no other key. */

const ASN_WHAT = 'an AS number 1..4294967294 other than 23456 and 65535';

export const asn = () =>
  z.number({ errorMap: expecting(ASN_WHAT) }).superRefine((n, ctx) => {
    const why = !Number.isInteger(n)
      ? 'is not a whole number'
      : n < 1 || n > 0xffffffff
        ? n === 0
          ? 'is reserved (RFC 7607)'
          : 'is out of range'
        : n === 23456
          ? 'is AS_TRANS, kept for 2-octet speakers (RFC 6793)'
          : n === 65535 || n === 0xffffffff
            ? 'is reserved (RFC 7300)'
            : undefined;
    if (why !== undefined) ctx.addIssue({ code: 'custom', message: `AS ${n} ${why} (expected ${ASN_WHAT})` });
  });

export const port = () => integer(1, 65535, 'a TCP port 1..65535');

/** Any IPv4 or IPv6 address, in canonical text. */
export const ipAddress = (what = 'an IPv4 or IPv6 address') =>
  parsedText(what, (s): Parsed<string> => {
    const r = parseAddress(s);
    return r.ok ? ok(r.value.addr) : r;
  });

/** An address another host can have: not 0.0.0.0 or ::. */
export const hostAddress = (what = 'an IPv4 or IPv6 address') =>
  parsedText(what, (s): Parsed<string> => {
    const r = parseAddress(s);
    if (!r.ok) return r;
    return isUnspecified(r.value.addr) ? fail(`${r.value.addr} is the unspecified address (expected ${what})`) : ok(r.value.addr);
  });

/** RFC 6286: a non-zero 32-bit value, written as an IPv4 address. */
export const routerId = () =>
  parsedText('an IPv4 address such as 192.0.2.1', (s): Parsed<string> => {
    const r = parseAddress(s);
    if (!r.ok || r.value.family !== 'ipv4') return fail(`${JSON.stringify(s)} is not an IPv4 address (expected an IPv4 address such as 192.0.2.1)`);
    return r.value.addr === '0.0.0.0' ? fail('0.0.0.0 is not a valid BGP identifier (expected a non-zero IPv4 address)') : ok(r.value.addr);
  });

/** A prefix with host bits clear, in canonical text. */
export const prefixField = () =>
  parsedText('a prefix such as 192.0.2.0/24', (s): Parsed<string> => {
    const r = parsePrefixText(s);
    return r.ok ? ok(r.value.text) : r;
  });

/** `self` or an explicit next-hop address. */
export const nextHop = () =>
  parsedText('self or an IP address', (s): Parsed<string> => {
    if (s === 'self') return ok(s);
    const r = parseAddress(s);
    if (!r.ok) return fail(`${JSON.stringify(s)} is not a next hop (expected self or an IP address)`);
    return isUnspecified(r.value.addr) ? fail(`${r.value.addr} is the unspecified address (expected self or an IP address)`) : ok(r.value.addr);
  });

/** RFC 4271 5.1.4. */
export const med = () => integer(0, 0xffffffff, 'a MED 0..4294967295');

/** Extra copies of our AS; more than a handful only gets the route filtered upstream. */
export const prepend = () => integer(0, 32, 'a number of extra AS copies 0..32');

export const communities = () => list(parsedText('a community such as "65000:1" or no-export', parseCommunity), 'a list of communities');

export const largeCommunities = () => list(parsedText('a large community such as "65001:1:2"', parseLargeCommunity), 'a list of large communities');

/** Sent to iBGP neighbors only (RFC 4271 5.1.5). */
export const localPref = () => integer(0, 0xffffffff, 'a LOCAL_PREF 0..4294967295');

/** The attributes of a route as `announce` and `watch` take them: no prepend and no communities unless given. */
export const attributeFields = () => ({
  med: med().optional(),
  prepend: prepend().default(0),
  communities: communities().default([]),
  'large-communities': largeCommunities().default([]),
  'local-pref': localPref().optional(),
});

/** The same attributes with nothing filled in, for a service's states, each of which sets only what it names. */
export const optionalAttributeFields = () => ({
  med: med().optional(),
  prepend: prepend().optional(),
  communities: communities().optional(),
  'large-communities': largeCommunities().optional(),
  'local-pref': localPref().optional(),
});

/** Environment variable names as POSIX shells accept them. */
export const envName = () =>
  parsedText('an environment variable name', (s): Parsed<string> =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not an environment variable name (expected letters, digits and _)`),
  );

/** sun_path holds 108 bytes including the terminating NUL. */
export const socketPath = () =>
  parsedText('an absolute path', (s): Parsed<string> => {
    if (!s.startsWith('/')) return fail(`${JSON.stringify(s)} is not absolute (expected an absolute path)`);
    if (Buffer.byteLength(s) > 107) return fail(`the path is ${Buffer.byteLength(s)} bytes long (expected at most 107 bytes, the unix socket limit)`);
    return ok(s);
  });
