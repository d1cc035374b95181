import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

/** What a hidden value prints as, everywhere. */
export const REDACTED = '[redacted]';

/**
 * A password held so that it cannot leak by accident: every way of turning it
 * into text (String(), template literals, JSON.stringify, util.inspect, logs)
 * gives "[redacted]". Only reveal() hands out the value, so each use is explicit.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** Constant-time comparison, so a reload can tell whether a key changed. */
  equals(other: Secret): boolean {
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(other.#value, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Passwords taken out of process.env, by variable name, for the next reading of the config. */
const takenFromEnv = new Map<string, Secret>();

/**
 * The value of a `password-env` variable. Read from process.env, the variable
 * is removed from it at once, so that no check or hook floatd starts inherits
 * the password; a later reading of the config (a reload) gets the value kept
 * here, the environment of a process being fixed at its start anyway.
 */
export function passwordFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env !== process.env) return env[name];
  const value = env[name];
  if (value === undefined) return takenFromEnv.get(name)?.reveal();
  takenFromEnv.set(name, new Secret(value));
  delete process.env[name];
  return value;
}

/** Where secret files are read: injected so that tests control every read. */
export interface SecretFileSources {
  readFile(path: string): string;
  /** The file's mode bits (stat st_mode); absent: permissions are not checked. */
  readonly modeOf?: ((path: string) => number) | undefined;
}

/**
 * A value that could be a path: one with a slash, or a file name with an
 * extension. Anything else may be a password pasted into the wrong key, so
 * errors do not quote it.
 */
export const looksLikePath = (s: string): boolean => s.includes('/') || /^[\w@+-]+(\.[\w@+-]+)+$/.test(s);

/** True when "others" (neither the owner nor the group) may read or write the file. */
export const openToOthers = (mode: number): boolean => (mode & 0o007) !== 0;

/**
 * Reads a secret file (one trailing newline dropped). Like OpenBGPD, a file
 * others may read or write is refused: its secret is no longer one.
 */
export function readSecretFile(io: SecretFileSources, given: string, path: string, what: string): { ok: true; value: string } | { ok: false; error: string } {
  let value: string;
  try {
    value = io.readFile(path).replace(/\r?\n$/, '');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = typeof code === 'string' ? `: ${code}` : '';
    if (!looksLikePath(given)) return { ok: false, error: `cannot read the file${why}; the value does not look like a path, so it is not shown here (expected a path to a file holding the ${what})` };
    return { ok: false, error: `cannot read ${path}${why} (expected a readable file holding the ${what})` };
  }
  const mode = io.modeOf?.(path);
  if (mode !== undefined && openToOthers(mode)) {
    return { ok: false, error: `${path} is readable or writable by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}; expected chmod o-rwx, such as mode 0600 or 0640)` };
  }
  return { ok: true, value };
}

/**
 * For `floatd check`: HTTP header and exec env values can be credentials
 * (Authorization, Cookie, X-Api-Key, a program's token), so the printed
 * config keeps the names and hides every value. It still loads, but would
 * send "[redacted]".
 */
export const redactValues = (m: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined =>
  m && Object.fromEntries(Object.keys(m).map((k) => [k, REDACTED]));
