// Signing and checking of BFD authentication (RFC 5880 6.7). Simple password
// (6.7.2) and keyed / meticulous keyed SHA1 (6.7.4); MD5 is decoded but not
// offered: it is deprecated for BFD and the transmit path implements SHA1 only.

import { createHash, timingSafeEqual } from 'node:crypto';
import { isMeticulous, type AuthType } from './auth-section.js';
import { BFD_HEADER_LENGTH, encodeControl, type ControlPacket, type DiscardCode } from './packet.js';

export type SupportedAuthType = Extract<AuthType, 'simple' | 'keyed-sha1' | 'meticulous-keyed-sha1'>;

export interface AuthConfig {
  readonly type: SupportedAuthType;
  readonly keyId: number;
  /** 1-16 octets for simple, 1-20 for SHA1 (padded with zeros to 20, 6.7.4). */
  readonly key: Uint8Array;
}

export class BfdAuthError extends Error {
  readonly code = 'ERR_BFD_AUTH';
  override readonly name = 'BfdAuthError';
}

export function checkAuthConfig(a: AuthConfig): void {
  const max = a.type === 'simple' ? 16 : 20;
  if (!Number.isInteger(a.keyId) || a.keyId < 0 || a.keyId > 255) throw new BfdAuthError(`BFD key id ${a.keyId} is not 0-255`);
  if (a.key.length < 1 || a.key.length > max) throw new BfdAuthError(`BFD ${a.type} key must be 1-${max} octets (got ${a.key.length})`);
}

const SHA1_LEN = 20;
const DIGEST_AT = BFD_HEADER_LENGTH + 8;

/**
 * The packet's bytes with its authentication section filled in (6.7.4): the
 * key, zero-padded to 20 octets, stands in the hash field while SHA1 runs
 * over the whole packet; the hash then replaces it.
 */
export function signPacket(p: Omit<ControlPacket, 'version' | 'auth'>, a: AuthConfig, seq: number): Buffer {
  if (a.type === 'simple') return encodeControl({ ...p, auth: { type: 'simple', keyId: a.keyId, password: a.key } });
  const out = encodeControl({ ...p, auth: { type: a.type, keyId: a.keyId, seq, digest: padKey(a.key) } });
  createHash('sha1').update(out).digest().copy(out, DIGEST_AT);
  return out;
}

function padKey(key: Uint8Array): Buffer {
  const k = Buffer.alloc(SHA1_LEN);
  Buffer.from(key).copy(k, 0, 0, SHA1_LEN);
  return k;
}

export type AuthVerdict = { readonly ok: true } | { readonly ok: false; readonly code: DiscardCode; readonly reason: string };

/**
 * "Auth present iff configured", type, key id, and the password or hash of a
 * decoded packet (`bytes` are its datagram). The sequence window is stateful:
 * see acceptSequence.
 */
export function verifyAuth(bytes: Uint8Array, p: ControlPacket, a: AuthConfig | undefined): AuthVerdict {
  if (a === undefined) return p.auth === undefined ? { ok: true } : { ok: false, code: 'auth-unexpected', reason: 'authentication present but none configured' };
  const got = p.auth;
  if (got === undefined) return { ok: false, code: 'auth-missing', reason: `${a.type} configured but the packet has no authentication` };
  if (got.type !== a.type) return { ok: false, code: 'auth-type', reason: `authentication type ${got.type}, expected ${a.type}` };
  if (got.keyId !== a.keyId) return { ok: false, code: 'auth-key-id', reason: `key id ${got.keyId}, expected ${a.keyId}` };
  if (got.type === 'simple') {
    const ok = got.password.length === a.key.length && timingSafeEqual(Buffer.from(got.password), Buffer.from(a.key));
    return ok ? { ok: true } : { ok: false, code: 'auth-digest', reason: 'wrong password' };
  }
  const copy = Buffer.from(bytes.subarray(0, BFD_HEADER_LENGTH + 28));
  padKey(a.key).copy(copy, DIGEST_AT);
  const want = createHash('sha1').update(copy).digest();
  return timingSafeEqual(want, Buffer.from(got.digest)) ? { ok: true } : { ok: false, code: 'auth-digest', reason: 'SHA1 hash does not match the key' };
}

/** bfd.RcvAuthSeq and bfd.AuthSeqKnown (6.8.1). */
export interface AuthSequence {
  readonly known: boolean;
  readonly seq: number;
}

export const UNKNOWN_SEQUENCE: AuthSequence = { known: false, seq: 0 };

/**
 * The sequence window of 6.7.3/6.7.4: keyed accepts RcvAuthSeq..+3*DetectMult,
 * meticulous RcvAuthSeq+1..+3*DetectMult (modulo 2^32). Returns the new
 * sequence state, or undefined when the packet must be discarded.
 */
export function acceptSequence(s: AuthSequence, seq: number, detectMult: number, type: AuthType): AuthSequence | undefined {
  if (s.known) {
    const ahead = (seq - s.seq) >>> 0;
    const min = isMeticulous(type) ? 1 : 0;
    if (ahead < min || ahead > 3 * detectMult) return undefined;
  }
  return { known: true, seq: seq >>> 0 };
}
