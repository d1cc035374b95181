import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

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
