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
