import { isIP } from 'node:net';
import { TransportError } from './errors.js';

/** Checks shared by connect, listen and the addon wrapper; they run before any socket exists. */

export type IpFamily = 4 | 6;

/** RFC 2385 keys live in struct tcp_md5sig, which holds at most 80 octets (TCP_MD5SIG_MAXKEYLEN). */
export const MD5_KEY_MAX_OCTETS = 80;

const invalid = (message: string): TransportError => new TransportError('ERR_INVALID_OPTION', message);

/** The family of an address literal; names are not resolved (a BGP peer is an address). */
export function familyOf(address: string, what: string): IpFamily {
  const f = typeof address === 'string' ? isIP(address) : 0;
  if (f === 4 || f === 6) return f;
  throw invalid(`${what} must be an IPv4 or IPv6 address, got ${JSON.stringify(address)}`);
}

/**
 * An address usable on a socket of `family`. An IPv6 socket also accepts an
 * IPv4 address: it then stands for the IPv4-mapped peer of a dual-stack socket.
 */
export function checkAddress(address: string, family: IpFamily, what: string): void {
  const f = familyOf(address, what);
  if (family === 4 && f === 6) throw invalid(`${what} ${address} is IPv6 but the socket is IPv4`);
}

export function checkInt(value: number, lo: number, hi: number, what: string): void {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw invalid(`${what} must be an integer ${lo}..${hi}, got ${String(value)}`);
  }
}

/** The key octets for TCP_MD5SIG: a string is taken as UTF-8. The key itself never enters a message. */
export function md5Key(password: string | Uint8Array, peer: string): Buffer {
  if (typeof password !== 'string' && !(password instanceof Uint8Array)) {
    throw invalid(`TCP MD5 password for ${peer} must be a string or bytes`);
  }
  const key = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  if (key.length === 0) throw invalid(`TCP MD5 password for ${peer} is empty`);
  if (key.length > MD5_KEY_MAX_OCTETS) {
    throw invalid(
      `TCP MD5 password for ${peer} is ${key.length} octets; the kernel accepts at most ${MD5_KEY_MAX_OCTETS}`,
    );
  }
  return key;
}
