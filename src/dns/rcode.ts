/**
 * Response codes by name: the header's 4 bits (RFC 1035 4.1.1, RFC 2136 2.2)
 * and the TSIG error field (RFC 8945 5.3, RFC 2845).
 */
const NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

const MEANING: Record<string, string> = {
  FORMERR: 'the server could not parse the message',
  SERVFAIL: 'the server failed internally',
  NXDOMAIN: 'the name does not exist (a prerequisite said it must)',
  NOTIMP: 'the server does not implement this operation',
  REFUSED: 'the server refused the operation (policy or ACL)',
  YXDOMAIN: 'a name exists that a prerequisite said must not',
  YXRRSET: 'an RRset exists that a prerequisite said must not',
  NXRRSET: 'an RRset does not exist (or differs) that a prerequisite said must',
  NOTAUTH: 'the server is not authoritative for the zone, or the TSIG key was not accepted',
  NOTZONE: 'a name is outside the zone named in the zone section',
  BADSIG: 'the server says our TSIG MAC is wrong (wrong secret or algorithm)',
  BADKEY: 'the server does not know our TSIG key name or algorithm',
  BADTIME: 'the server says our clock is too far from its own',
  BADTRUNC: 'the server rejected a truncated MAC',
};

export function rcodeName(code: number): string {
  return NAMES[code] ?? `RCODE${code}`;
}

export function rcodeMeaning(name: string): string {
  return MEANING[name] ?? 'unknown response code';
}
