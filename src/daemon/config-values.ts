// Config values compared and described for reload output: structural
// equality (passwords by value, never shown) and one readable line per
// changed leaf, "hold-time 90 -> 30". Pure.

import { formatCommunity, formatLargeCommunity } from '../config/communities.js';
import { kebabCase } from '../config/fields.js';
import { Secret } from '../config/secret.js';

export type Obj = Readonly<Record<string, unknown>>;

/** A config section's fields by name, for the generic walk. */
export const fields = (x: object): Obj => x as Obj;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Secret);

/** Keys with a value on either side; an absent key and an undefined one are the same. */
export function keysOf(a: Obj | undefined, b: Obj | undefined): string[] {
  const keys: string[] = [];
  for (const o of [b, a]) {
    for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

/** Deep equality over config values; Secrets by their value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Secret || b instanceof Secret) return a instanceof Secret && b instanceof Secret && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isObj(a) && isObj(b)) return keysOf(a, b).every((k) => sameValue(a[k], b[k]));
  return false;
}

// ---- how values are shown ----

interface Display {
  /** Name in change lines; '' merges the key's fields into its parent (a service's `up` attributes are top-level keys in the file). */
  readonly name?: string;
  readonly format?: (v: unknown) => string;
  /** Never show the value, only that it changed (headers and environments may hold tokens). */
  readonly hidden?: boolean;
}

const seconds = (v: unknown): string => (typeof v === 'number' ? `${v / 1000} s` : formatValue(v));

/** Durations are kept in ms under a `...Ms` key and written in seconds in the file. */
const MS_DISPLAY: Display = { format: seconds };

/** File modes are written in octal in the file ("0660"). */
const octal = (v: unknown): string => (typeof v === 'number' ? `0${v.toString(8).padStart(3, '0')}` : formatValue(v));

const formatList =
  <T>(one: (x: T) => string) =>
  (v: unknown): string =>
    Array.isArray(v) ? `[${(v as T[]).map(one).join(', ')}]` : formatValue(v);

const stateAction = (v: unknown): string => (isObj(v) && isObj(v['announce']) ? `announce ${formatValue(v['announce'])}` : formatValue(v));

/**
 * Display rules by camelCase key, at any depth. Keys not listed are shown in
 * kebab-case with their value; a `...Ms` key without its suffix, in seconds.
 */
const DISPLAY: Readonly<Record<string, Display>> = {
  password: { hidden: true },
  headers: { hidden: true },
  env: { hidden: true },
  communities: { format: formatList(formatCommunity) },
  largeCommunities: { format: formatList(formatLargeCommunity) },
  controlSocketMode: { format: octal },
  up: { name: '' },
  whenDown: { format: stateAction },
  whenDisabled: { format: stateAction },
};

const isMsKey = (key: string): boolean => /[a-z]Ms$/.test(key);

const displayOf = (key: string): Display | undefined => DISPLAY[key] ?? (isMsKey(key) ? MS_DISPLAY : undefined);

const displayName = (key: string): string => DISPLAY[key]?.name ?? kebabCase(isMsKey(key) ? key.slice(0, -2) : key);

export function formatValue(v: unknown): string {
  if (v === undefined) return '(none)';
  if (v instanceof Secret) return '[redacted]';
  if (typeof v === 'string') return /^[\w.:/@+-]+$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (isObj(v)) {
    const parts = keysOf(v, undefined).map((k) => {
      const d = displayOf(k);
      return `${displayName(k) || k}: ${d?.hidden ? '[hidden]' : (d?.format ?? formatValue)(v[k])}`;
    });
    return `{${parts.join(', ')}}`;
  }
  return String(v);
}

const joinName = (parent: string, child: string): string => (parent === '' ? child : child === '' ? parent : `${parent}.${child}`);

/** Appends one line per changed leaf of `key`: "hold-time 90 -> 30", "check.port 80 -> 8080", "password changed". */
export function describe(parent: string, key: string, a: unknown, b: unknown, out: string[]): void {
  if (sameValue(a, b)) return;
  const d = displayOf(key);
  const name = joinName(parent, displayName(key));
  if (d?.hidden || a instanceof Secret || b instanceof Secret) {
    out.push(`${name} ${a === undefined ? 'added' : b === undefined ? 'removed' : 'changed'}`);
    return;
  }
  if (d?.format === undefined && isObj(a) && isObj(b)) {
    // A different kind of probe or role style: its fields are not comparable one by one.
    if (a['kind'] !== b['kind']) out.push(`${name} ${formatValue(a['kind'])} -> ${formatValue(b['kind'])}`);
    else for (const k of keysOf(a, b)) describe(name, k, a[k], b[k], out);
    return;
  }
  const f = d?.format ?? formatValue;
  out.push(`${name} ${f(a)} -> ${f(b)}`);
}
