/**
 * Linode data-centre ids with BGP route servers. The id is written into the
 * route servers' addresses as decimal digits: id 10 -> 2600:3c0f:10:34::1.
 * Madrid (24) appears in Linode's IP-sharing table; the others are the ids
 * lelastic users pass as -dcid.
 */
export const LINODE_DCIDS: ReadonlyMap<number, string> = new Map([
  [2, 'Dallas'],
  [3, 'Fremont'],
  [4, 'Atlanta'],
  [6, 'Newark'],
  [7, 'London'],
  [9, 'Singapore'],
  [10, 'Frankfurt'],
  [11, 'Tokyo'],
  [14, 'Mumbai'],
  [15, 'Toronto'],
  [16, 'Sydney'],
  [17, 'Washington DC'],
  [18, 'Chicago'],
  [19, 'Paris'],
  [20, 'Seattle'],
  [21, 'São Paulo'],
  [22, 'Amsterdam'],
  [23, 'Stockholm'],
  [24, 'Madrid'],
  [25, 'Chennai'],
  [26, 'Osaka'],
  [27, 'Milan'],
  [28, 'Miami'],
  [29, 'Jakarta'],
  [30, 'Los Angeles'],
]);

/** The id must fit one group of the address written as decimal digits. */
export const MAX_DCID = 9999;

/** Why `dcid` is refused, or undefined when it is a known data centre (or unlisted ones are allowed). */
export function dcidProblem(dcid: number, allowUnlisted: boolean): string | undefined {
  if (LINODE_DCIDS.has(dcid) || allowUnlisted) return undefined;
  const known = [...LINODE_DCIDS].map(([id, name]) => `${id} ${name}`).join(', ');
  return `${dcid} is not a known Linode data-centre id (expected one of ${known}; for a data centre not listed yet, set allow-unlisted-dcid)`;
}
