import type { z } from 'zod';
import type { ProbeKind, ProbeSpec } from '../../health/index.js';

/** One probe of a check, from whatever YAML value stands under its key. */
export type CheckSchema = z.ZodType<ProbeSpec, z.ZodTypeDef, unknown>;

/** The specs of kind K (http and https share one spec type). */
export type SpecOf<K extends ProbeKind> = ProbeSpec & { readonly kind: K };

/** What a composite needs of the whole table, since its members may be of any kind. */
export interface CheckTable {
  /** Every check key, in the order messages list them. */
  readonly keys: readonly string[];
  /** Every check key with its schema, each optional. */
  readonly shape: () => Record<string, z.ZodOptional<CheckSchema>>;
  /** The one probe a parsed mapping of check keys names, with its key; an issue when there is none or more than one. */
  readonly pick: (fields: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx) => { key: string; spec: ProbeSpec } | undefined;
}

/**
 * One kind of check as the config file writes it: the key or keys it is
 * written under, each with its schema, and the way back from a parsed spec
 * to the file's form (for `floatd check`).
 */
export interface CheckKindModule<K extends ProbeKind> {
  readonly keys: Readonly<Record<string, (table: CheckTable) => CheckSchema>>;
  /** `{ key: value }` as in the file; `render` does the same for a check nested in this one. */
  readonly toFile: (spec: SpecOf<K>, render: (spec: ProbeSpec) => Record<string, unknown>) => Record<string, unknown>;
}
