import type { ParsedPrefix } from '../addresses.js';
import type { PresetName, PresetRole } from './preset-schema.js';
import type { KeyPath } from './source-map.js';

/** A neighbor entry a preset contributes, in the file's own vocabulary. */
export interface PresetNeighbor {
  /** Keys as a user would write them under `neighbors`. */
  readonly entry: Readonly<Record<string, unknown>>;
  /** Where the entry comes from in the file. */
  readonly from: KeyPath;
  /** True when the entry was written key for key at `from` (a generic router); false when generated. */
  readonly written: boolean;
  /** Keys generated from one particular preset key (password-file, source-address ...). */
  readonly keyFrom: Readonly<Record<string, KeyPath>>;
}

/** How a preset's role shows on announcements: extra AS-path copies or a community. */
export interface PresetRolePlan {
  readonly role: PresetRole;
  readonly style: 'prepend' | 'community';
  /** The community text per role, for style community. */
  readonly communities?: Readonly<Partial<Record<PresetRole, string>>>;
  readonly from: KeyPath;
}

/** What one preset fills in; expandPreset applies it to the document. */
export interface PresetPlan {
  readonly name: PresetName;
  readonly localAs: number;
  readonly localAsFrom: KeyPath;
  /** A router-id used when the file has none. */
  readonly routerId?: { readonly value: string; readonly from: KeyPath };
  readonly neighbors: readonly PresetNeighbor[];
  readonly role?: PresetRolePlan;
  /** Why a prefix cannot be announced to this provider, or undefined. */
  readonly prefixProblem?: (p: ParsedPrefix) => string | undefined;
  /** The preset refuses to run without a top-level allow list. */
  readonly requireAllow: boolean;
}

/** The password keys a preset passes on to its neighbors, each mapped back to the preset key. */
export function passwordKeys(p: { passwordFile?: string | undefined; passwordEnv?: string | undefined }, at: KeyPath) {
  const entry: Record<string, unknown> = {};
  const keyFrom: Record<string, KeyPath> = {};
  if (p.passwordFile !== undefined) {
    entry['password-file'] = p.passwordFile;
    keyFrom['password-file'] = [...at, 'password-file'];
  }
  if (p.passwordEnv !== undefined) {
    entry['password-env'] = p.passwordEnv;
    keyFrom['password-env'] = [...at, 'password-env'];
  }
  return { entry, keyFrom };
}

export const PASSWORD_KEYS = ['password', 'password-file', 'password-env'] as const;
