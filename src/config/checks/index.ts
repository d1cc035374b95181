import { z } from 'zod';
import { camelCase, section } from '../fields.js';
import type { ProbeKind, ProbeSpec } from '../../health/index.js';
import { compositeCheck } from './composite.js';
import { dnsCheck } from './dns.js';
import { execCheck } from './exec.js';
import { httpCheck } from './http.js';
import type { CheckKindModule, CheckSchema, CheckTable } from './kind.js';
import { listenerCheck } from './listener.js';
import { loadCheck } from './load.js';
import { processCheck } from './process.js';
import { tcpCheck } from './tcp.js';

/**
 * A service's `check`: exactly one probe, under the key of its kind. One
 * module per kind holds its schema and its file form.
 */

export { memberTimeouts } from './composite.js';
export type { CheckKindModule } from './kind.js';

/**
 * The config module of every probe kind. Typed by ProbeSpec's kinds, so a new
 * kind does not compile until it has one here. Written in the order messages
 * list the keys.
 */
const KINDS: { readonly [K in ProbeKind]: CheckKindModule<K> } = {
  tcp: tcpCheck,
  http: httpCheck,
  https: httpCheck,
  exec: execCheck,
  process: processCheck,
  listener: listenerCheck,
  dns: dnsCheck,
  load: loadCheck,
  composite: compositeCheck,
};

const SCHEMAS: Readonly<Record<string, (table: CheckTable) => CheckSchema>> = Object.fromEntries(
  Object.values(KINDS).flatMap((m) => Object.entries(m.keys)),
);

/** Keys a check (or a member of all-of / any-of) may name. */
export const CHECK_KINDS: readonly string[] = Object.keys(SCHEMAS);

/** The one probe named in a parsed mapping of check keys, with its key. */
function pickProbe(fields: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx): { key: string; spec: ProbeSpec } | undefined {
  const given = CHECK_KINDS.flatMap((key) => {
    // The value under a check key is what that key's schema produced: a ProbeSpec.
    const spec = fields[camelCase(key)] as ProbeSpec | undefined;
    return spec === undefined ? [] : [{ key, spec }];
  });
  if (given.length === 1) return given[0];
  ctx.addIssue({
    code: 'custom',
    message: `${given.length === 0 ? 'no probe given' : `${given.length} probes given`} (expected exactly one of ${CHECK_KINDS.join(', ')})`,
  });
  return undefined;
}

const table: CheckTable = {
  keys: CHECK_KINDS,
  shape: () => Object.fromEntries(CHECK_KINDS.map((key) => [key, SCHEMAS[key]!(table).optional()])),
  pick: pickProbe,
};

/** Exactly one probe kind. */
export const checkSchema = (): CheckSchema =>
  section(table.shape(), `a mapping with one of ${CHECK_KINDS.join(', ')}`).transform((c, ctx): ProbeSpec => {
    const picked = pickProbe(c, ctx);
    return picked ? picked.spec : z.NEVER;
  });

/** A parsed check back in the file's form (every kind, composites with their names and timeouts), for `floatd check`. */
export function checkToFile(spec: ProbeSpec): Record<string, unknown> {
  // KINDS holds under each kind that kind's module, so the spec fits the module it picks.
  return (KINDS[spec.kind] as CheckKindModule<ProbeKind>).toFile(spec, checkToFile);
}
