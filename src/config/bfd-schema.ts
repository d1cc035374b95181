// The neighbor key `bfd`: a BFD session beside the BGP session (RFC 5880,
// 5881 single hop, 5883 multihop; which one follows the neighbor's
// `multihop` / `ttl-security`). `true` takes floatd's defaults, 100 ms x 3:
// a silent peer is declared down within 300 ms.

import { resolve } from 'node:path';
import { z } from 'zod';
import { integer, oneOf, section } from './fields.js';
import { passwordEnvField, passwordFileField, type SecretSources } from './secret-fields.js';
import { Secret, readSecretFile } from './secret.js';

export const BFD_DEFAULT_MS = 100;
export const BFD_DEFAULT_MULTIPLIER = 3;
/** RFC 5880 6.7.4: a SHA1 key is at most 20 octets. */
const MAX_SHA1_KEY_BYTES = 20;
const AUTH_TYPES = ['keyed-sha1', 'meticulous-keyed-sha1'] as const;
const WHAT = 'true, false or a mapping with min-rx, min-tx, multiplier, auth';

export interface BfdAuthSetting {
  readonly type: (typeof AUTH_TYPES)[number];
  readonly keyId: number;
  readonly key: Secret;
  readonly passwordFile?: string | undefined;
  readonly passwordEnv?: string | undefined;
}

export interface BfdSetting {
  readonly minRxMs: number;
  readonly minTxMs: number;
  readonly multiplier: number;
  readonly auth?: BfdAuthSetting | undefined;
}

const interval = () => integer(1, 60_000, 'milliseconds 1..60000');

// A function: neighbor-schema.ts imports this file, so its fields are only there once both have loaded.
const authShape = () => ({
  type: oneOf(AUTH_TYPES),
  'key-id': integer(0, 255, 'a key id 0..255'),
  'password-file': passwordFileField().optional(),
  'password-env': passwordEnvField().optional(),
});

/** `bfd:` of one neighbor; absent or `false` is no BFD. */
export const bfdSchema = (io: SecretSources) =>
  z.preprocess(
    (v) => (v === true ? {} : v === false || v === null ? undefined : v),
    section(
      {
        'min-rx': interval().default(BFD_DEFAULT_MS),
        'min-tx': interval().default(BFD_DEFAULT_MS),
        multiplier: integer(1, 255, 'a detect multiplier 1..255').default(BFD_DEFAULT_MULTIPLIER),
        auth: section(authShape(), 'a mapping with type, key-id and password-file or password-env').optional(),
      },
      WHAT,
    )
      .transform((b, ctx): BfdSetting => {
        const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
        const auth = b.auth && readKey(b.auth, io, (path, m) => issue(['auth', ...path], m));
        return { minRxMs: b.minRx, minTxMs: b.minTx, multiplier: b.multiplier, ...(auth ? { auth } : {}) };
      })
      .optional(),
  );

function readKey(
  a: { type: BfdAuthSetting['type']; keyId: number; passwordFile?: string | undefined; passwordEnv?: string | undefined },
  io: SecretSources,
  issue: (path: string[], message: string) => void,
): BfdAuthSetting | undefined {
  if ((a.passwordFile === undefined) === (a.passwordEnv === undefined)) {
    issue([], 'needs exactly one of password-file, password-env (expected where the key is read from)');
    return undefined;
  }
  let value: string;
  let passwordFile: string | undefined;
  if (a.passwordFile !== undefined) {
    passwordFile = resolve(io.baseDir, a.passwordFile);
    const read = readSecretFile(io, a.passwordFile, passwordFile, 'key');
    if (!read.ok) {
      issue(['password-file'], read.error);
      return undefined;
    }
    value = read.value;
  } else {
    const v = io.env[a.passwordEnv!];
    if (v === undefined) {
      issue(['password-env'], `environment variable ${a.passwordEnv!} is not set (expected it to hold the key)`);
      return undefined;
    }
    value = v;
  }
  const where = passwordFile !== undefined ? 'password-file' : 'password-env';
  const bytes = Buffer.byteLength(value);
  if (bytes < 1 || bytes > MAX_SHA1_KEY_BYTES) {
    issue([where], `the key is ${bytes === 0 ? 'empty' : `longer than ${MAX_SHA1_KEY_BYTES} bytes`} (expected 1..${MAX_SHA1_KEY_BYTES} bytes, RFC 5880 6.7.4)`);
    return undefined;
  }
  return { type: a.type, keyId: a.keyId, key: new Secret(value), passwordFile, passwordEnv: a.passwordEnv };
}

/** The setting in the file's vocabulary, for `floatd check`; the key is shown by its source. */
export function bfdToFile(b: BfdSetting | undefined): Record<string, unknown> | undefined {
  if (b === undefined) return undefined;
  const auth = b.auth && {
    type: b.auth.type,
    'key-id': b.auth.keyId,
    ...(b.auth.passwordFile !== undefined ? { 'password-file': b.auth.passwordFile } : { 'password-env': b.auth.passwordEnv }),
  };
  return { 'min-rx': b.minRxMs, 'min-tx': b.minTxMs, multiplier: b.multiplier, ...(auth ? { auth } : {}) };
}
