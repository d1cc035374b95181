/**
 * Every failure of the DNS way out is a DnsError with a stable `code`:
 * rcodes by their RFC names (RFC 1035 4.1.1, RFC 2136 2.2, RFC 8945 5.3),
 * local conditions by ERR_DNS_* names.
 */
export class DnsError extends Error {
  override readonly name = 'DnsError';
  constructor(
    readonly code: string,
    message: string,
    /** For BADTIME: the server's clock minus ours, in seconds (RFC 8945 5.2.3). */
    readonly skewSeconds?: number,
  ) {
    super(message);
  }
}

/** Codes worth retrying later without anyone changing a configuration. */
const TRANSIENT = new Set(['ERR_DNS_TIMEOUT', 'ERR_DNS_NETWORK', 'SERVFAIL', 'YXRRSET', 'NXRRSET', 'BADTIME']);

export function isTransient(code: string): boolean {
  return TRANSIENT.has(code);
}
