import { createHmac, timingSafeEqual } from 'node:crypto';
import { DnsError } from './errors.js';
import { decodeMessage, encodeMessage } from './message.js';
import type { Message, Rr } from './message.js';
import { canonicalWire, nameKey } from './name.js';
import { CLASS, TYPE } from './rdata.js';
import type { TsigData } from './rdata.js';
import { rcodeName } from './rcode.js';
import { Writer } from './writer.js';

/** TSIG (RFC 8945): HMAC over the message and the TSIG variables. */

export interface TsigKey {
  /** Key name as both ends configure it (a domain name). */
  name: string;
  /** Short algorithm name: hmac-sha256, hmac-sha512, hmac-sha1, hmac-md5 (also sha224, sha384). */
  algorithm: string;
  secret: Buffer;
}

/** Short name -> [wire name (RFC 8945 6), node:crypto hash]. */
const ALGORITHMS: Record<string, [string, string]> = {
  'hmac-md5': ['hmac-md5.sig-alg.reg.int', 'md5'],
  'hmac-sha1': ['hmac-sha1', 'sha1'],
  'hmac-sha224': ['hmac-sha224', 'sha224'],
  'hmac-sha256': ['hmac-sha256', 'sha256'],
  'hmac-sha384': ['hmac-sha384', 'sha384'],
  'hmac-sha512': ['hmac-sha512', 'sha512'],
};

export const TSIG_ALGORITHMS = Object.keys(ALGORITHMS);
export const DEFAULT_FUDGE = 300;

/** The short algorithm name for a short or wire name; undefined when unknown. */
export function algorithmName(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  return Object.entries(ALGORITHMS).find(([short, [wire]]) => n === short || n === wire)?.[0];
}

function hashOf(key: TsigKey): [string, string] {
  const a = ALGORITHMS[algorithmName(key.algorithm) ?? ''];
  if (!a) throw new DnsError('ERR_DNS_TSIG_ALGORITHM', `unknown TSIG algorithm "${key.algorithm}" (known: ${TSIG_ALGORITHMS.join(', ')})`);
  return a;
}

/** The TSIG variables (RFC 8945 4.3.3), names in canonical form. */
export function tsigVariables(keyName: string, t: TsigData): Uint8Array {
  const w = new Writer();
  w.bytes(canonicalWire(keyName));
  w.u16(CLASS.ANY);
  w.u32(0);
  w.bytes(canonicalWire(t.algorithm));
  w.u48(t.timeSigned);
  w.u16(t.fudge);
  w.u16(t.error);
  w.u16(t.other.length);
  w.bytes(t.other);
  return w.done();
}

/**
 * MAC over [request MAC length + request MAC] (responses only, RFC 8945 4.3.1),
 * the message as it was without its TSIG RR, and the TSIG variables.
 */
export function computeMac(key: TsigKey, unsigned: Uint8Array, t: TsigData, requestMac?: Uint8Array): Buffer {
  const h = createHmac(hashOf(key)[1], key.secret);
  if (requestMac) {
    h.update(Uint8Array.of(requestMac.length >>> 8, requestMac.length & 0xff));
    h.update(requestMac);
  }
  h.update(unsigned);
  h.update(tsigVariables(key.name, t));
  return h.digest();
}

export interface Signed {
  bytes: Uint8Array;
  /** Kept to verify the response (RFC 8945 5.3). */
  mac: Uint8Array;
}

/** Signs a request: encodes `m`, computes the MAC at `timeSigned` (seconds since 1970), appends the TSIG RR. */
export function signRequest(m: Message, key: TsigKey, timeSigned: number, fudge = DEFAULT_FUDGE): Signed {
  const unsigned = encodeMessage(m);
  const t: TsigData = { kind: 'tsig', algorithm: hashOf(key)[0], timeSigned: Math.floor(timeSigned), fudge, mac: new Uint8Array(0), originalId: m.id, error: 0, other: new Uint8Array(0) };
  t.mac = computeMac(key, unsigned, t);
  const rr: Rr = { name: key.name, type: TYPE.TSIG, class: CLASS.ANY, ttl: 0, data: t };
  return { bytes: encodeMessage({ ...m, additional: [...m.additional, rr] }), mac: t.mac };
}

/** The bytes a MAC covers: the message before its TSIG RR, ARCOUNT one less and the original ID (RFC 8945 4.3.1). */
export function stripTsig(buf: Uint8Array, tsigOffset: number, originalId: number): Uint8Array {
  const out = Uint8Array.from(buf.subarray(0, tsigOffset));
  out[0] = originalId >>> 8;
  out[1] = originalId & 0xff;
  const ar = ((out[10]! << 8) | out[11]!) - 1;
  out[10] = ar >>> 8;
  out[11] = ar & 0xff;
  return out;
}

/** True when `got` (possibly truncated, RFC 8945 5.2.2.1) matches the full MAC `want`. */
function macMatches(got: Uint8Array, want: Buffer): boolean {
  const min = Math.max(10, want.length / 2);
  if (got.length < min || got.length > want.length) return false;
  return timingSafeEqual(got, want.subarray(0, got.length));
}

function skewText(skew: number): string {
  return `${skew > 0 ? '+' : ''}${skew} s`;
}

/**
 * Checks a response to a request we signed with `requestMac` (RFC 8945 5.3).
 * Throws BADSIG/BADKEY/BADTIME (the server's TSIG error, BADTIME with the
 * skew from the server's time in Other Data) or ERR_DNS_* when the response
 * itself does not prove it came from a holder of the key.
 */
export function verifyResponse(buf: Uint8Array, key: TsigKey, requestMac: Uint8Array, nowSeconds: number): Message {
  const { message, tsigOffset } = decodeMessage(buf);
  const rr = message.additional.at(-1);
  if (tsigOffset === undefined || !rr || rr.data.kind !== 'tsig') {
    const rc = rcodeName(message.rcode);
    // An unsigned error proves nothing but changes nothing either: report its rcode
    // (PowerDNS answers a bad MAC with an unsigned REFUSED). An unsigned success is never trusted.
    if (message.rcode !== 0) throw new DnsError(rc, `the server answered ${rc}, unsigned: it did not accept TSIG key "${key.name}" (wrong secret, name or algorithm) or refused the request`);
    throw new DnsError('ERR_DNS_UNSIGNED', `the server's answer (${rc}) carries no TSIG record: it may not know key "${key.name}" or not be the server we asked`);
  }
  const t = rr.data;
  if (t.error !== 0) {
    const err = rcodeName(t.error);
    if (err === 'BADTIME') {
      // The server's time is in Other Data (RFC 8945 5.2.3); else fall back to Time Signed.
      const serverTime = t.other.length === 6 ? t.other.reduce((a, b) => a * 256 + b, 0) : t.timeSigned;
      const skew = serverTime - Math.floor(nowSeconds);
      throw new DnsError('BADTIME', `the server rejected our TSIG time: its clock is ${skewText(skew)} from ours (fudge ${t.fudge} s)`, skew);
    }
    throw new DnsError(err, err === 'BADSIG' ? `the server rejected our TSIG MAC for key "${key.name}" (wrong secret or algorithm)` : err === 'BADKEY' ? `the server does not know TSIG key "${key.name}" with algorithm ${key.algorithm}` : `TSIG error ${err}`);
  }
  if (nameKey(rr.name) !== nameKey(key.name) || algorithmName(t.algorithm) !== algorithmName(key.algorithm)) {
    throw new DnsError('ERR_DNS_BAD_MAC', `the answer is signed with key "${rr.name}" (${t.algorithm}), not ours`);
  }
  const want = computeMac(key, stripTsig(buf, tsigOffset, t.originalId), t, requestMac);
  if (!macMatches(t.mac, want)) throw new DnsError('ERR_DNS_BAD_MAC', `the MAC of the answer does not verify with key "${key.name}"`);
  const skew = t.timeSigned - Math.floor(nowSeconds);
  if (Math.abs(skew) > t.fudge) throw new DnsError('BADTIME', `the answer was signed at a time ${skewText(skew)} from our clock (fudge ${t.fudge} s)`, skew);
  return message;
}
