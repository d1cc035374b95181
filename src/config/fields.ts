import { z } from 'zod';
import { fail, ok } from './addresses.js';
import type { Parsed } from './addresses.js';

/**
 * Zod building blocks whose error messages follow the config error format:
 * "what is wrong (expected ...)". Every field states what it expects once, here.
 */

const KIND: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'a number',
  float: 'a number',
  bigint: 'a number',
  nan: 'NaN',
  boolean: 'true/false',
  null: 'an empty value',
  array: 'a list',
  object: 'a mapping',
};

/** An error map for a field that expects `what` ("an integer 1..255", "a mapping of ..."). */
export function expecting(what: string): z.ZodErrorMap {
  return (issue, ctx) => {
    if (issue.code === 'invalid_type') {
      if (issue.received === 'undefined') return { message: `missing (expected ${what})` };
      return { message: `got ${KIND[issue.received] ?? issue.received} (expected ${what})` };
    }
    if (issue.code === 'invalid_enum_value') return { message: `${JSON.stringify(issue.received)} is not allowed (expected ${what})` };
    return { message: `${ctx.defaultError} (expected ${what})` };
  };
}

export const bool = (what = 'true or false') => z.boolean({ errorMap: expecting(what) });

export const integer = (min: number, max: number, what = `an integer ${min}..${max}`) =>
  z.number({ errorMap: expecting(what) }).superRefine((n, ctx) => {
    if (Number.isInteger(n) && n >= min && n <= max) return;
    ctx.addIssue({ code: 'custom', message: `${n} ${Number.isInteger(n) ? 'is out of range' : 'is not a whole number'} (expected ${what})` });
  });

export const text = (what = 'a string') => z.string({ errorMap: expecting(what) });

/** A finite number in min..max, for fields that need not be whole numbers. */
export const decimal = (min: number, max: number, what: string) =>
  z.number({ errorMap: expecting(what) }).superRefine((n, ctx) => {
    if (Number.isFinite(n) && n >= min && n <= max) return;
    ctx.addIssue({ code: 'custom', message: `${n} is out of range (expected ${what})` });
  });

/** Seconds with decimals, kept as whole milliseconds. */
export const seconds = (min: number, max: number) => {
  const what = `a number of seconds ${min}..${max}`;
  return z.number({ errorMap: expecting(what) }).transform((n, ctx) => {
    if (!(n >= min && n <= max)) {
      ctx.addIssue({ code: 'custom', message: `${n} is out of range (expected ${what})` });
      return z.NEVER;
    }
    return Math.round(n * 1000);
  });
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, what = `one of ${values.join(', ')}`) =>
  z.enum(values as unknown as [T[number], ...T[number][]], { errorMap: expecting(what) });

export const list = <T extends z.ZodTypeAny>(item: T, what: string) => z.array(item, { errorMap: expecting(what) });

/** A string field that `parse` turns into a value or refuses with its own message. */
export const parsedText = <T>(what: string, parse: (s: string) => Parsed<T>) =>
  text(what).transform((s, ctx): T => {
    const r = parse(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  });

/** A program and its arguments, run without a shell. */
export const commandLine = () =>
  list(text('a program or argument'), 'a list: the program and its arguments')
    .min(1, 'the list is empty (expected the program and its arguments)')
    .refine((c) => c[0] !== '', 'the program is empty (expected a program path)');

export const absolutePath = (what = 'an absolute path') =>
  parsedText(what, (s): Parsed<string> => (s.startsWith('/') ? ok(s) : fail(`${JSON.stringify(s)} is not absolute (expected ${what})`)));

/** A field of any YAML type, for values with several spellings (`true` or a number); `parse` also sees `undefined`. */
export const parsedAny = <T>(parse: (v: unknown) => Parsed<T>) =>
  z.unknown().transform((v, ctx): T => {
    const r = parse(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  });

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
/** `{ 'peer-as': number }` -> `{ peerAs: number }`, keeping optionality. */
export type CamelKeys<T> = { [K in keyof T as K extends string ? Camel<K> : K]: T[K] };

export const camelCase = (key: string): string => key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const kebabCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A mapping without its absent values, so the file form shows only what is set. */
export const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Marks issues about keys the schema does not know, so they are reported at the key rather than its value. */
export const UNKNOWN_KEY = 'unknownKey';

/** A catch-all that refuses every key not in `allowed`, one issue per key, with a suggestion for near misses. */
function refuseUnknown(allowed: readonly string[]) {
  return z.unknown().superRefine((_, ctx) => {
    const key = String(ctx.path[ctx.path.length - 1]);
    const near = allowed
      .map((k) => ({ k, d: distance(key.toLowerCase(), k) }))
      .filter((x) => x.d <= Math.max(1, Math.floor(x.k.length / 3)))
      .sort((x, y) => x.d - y.d)[0];
    const hint = near ? `, did you mean ${near.k}?` : '';
    ctx.addIssue({
      code: 'custom',
      params: { [UNKNOWN_KEY]: true },
      message: `unknown key ${JSON.stringify(key)}${hint} (expected one of: ${allowed.join(', ')})`,
    });
  });
}

/**
 * One config section: a mapping with kebab-case keys, strict about unknown
 * keys (each reported at its own line), that yields camelCase keys. Every
 * key is present in the result, `undefined` when absent, in schema order.
 */
export function section<S extends z.ZodRawShape>(shape: S, what: string) {
  const keys = Object.keys(shape);
  return z
    .object(shape, { errorMap: expecting(what) })
    .catchall(refuseUnknown(keys))
    .transform((o) => {
      const out: Record<string, unknown> = {};
      for (const k of keys) out[camelCase(k)] = o[k];
      return out as CamelKeys<z.output<z.ZodObject<S>>>;
    });
}
