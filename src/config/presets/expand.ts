import { parseAddress, parsePrefixText } from '../addresses.js';
import { parseCommunity } from '../communities.js';
import { UNKNOWN_KEY } from '../fields.js';
import { genericPlan } from './generic.js';
import { linodePlan } from './linode.js';
import { PASSWORD_KEYS } from './plan.js';
import type { PresetPlan } from './plan.js';
import { presetSchema } from './preset-schema.js';
import type { Preset, PresetRole } from './preset-schema.js';
import { SourceMap } from './source-map.js';
import type { KeyPath, Seg } from './source-map.js';
import { vultrPlan } from './vultr.js';

/** A problem found while expanding, at a key path of the file as written. */
export interface PresetProblem {
  readonly path: Seg[];
  readonly message: string;
  /** Report at the key rather than its value (unknown keys). */
  readonly atKey: boolean;
}

export interface PresetExpansion {
  /** The document with the preset's neighbors, local-as and role applied, and `preset` removed. */
  readonly data: unknown;
  readonly problems: readonly PresetProblem[];
  /** False when the preset section itself is invalid: `data` is then the document unchanged. */
  readonly expanded: boolean;
  /** The key path in the file that a path of `data` came from. */
  sourceOf(path: KeyPath): Seg[];
}

type Doc = Record<string, unknown>;

const isMapping = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

const TIER: Record<PresetRole, number> = { primary: 0, secondary: 1, tertiary: 2 };
const MAX_PREPEND = 32;

export function planFor(p: Preset): PresetPlan {
  switch (p.name) {
    case 'vultr':
      return vultrPlan(p.values);
    case 'linode':
      return linodePlan(p.values);
    case 'generic':
      return genericPlan(p.values);
  }
}

const canonical = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const r = parseAddress(v);
  return r.ok ? r.value.addr : undefined;
};

/**
 * Neighbors: the file's own entries first, in their order (so their indices
 * in errors stay as written); an entry whose address is one of the preset's
 * neighbors is merged into it key by key, the file's keys winning (and any
 * password key of the file replacing the preset's password). The preset's
 * other neighbors follow.
 */
function mergeNeighbors(plan: PresetPlan, written: unknown, map: SourceMap): unknown {
  if (written !== undefined && !Array.isArray(written)) return written;
  const own = (written ?? []) as unknown[];
  const used = new Set<number>();
  const out: unknown[] = own.map((entry, j) => {
    if (!isMapping(entry)) return entry;
    const addr = canonical(entry['address']);
    const i = plan.neighbors.findIndex((n) => canonical(n.entry['address']) === addr);
    if (addr === undefined || i < 0) return entry;
    if (used.has(i)) return entry;
    used.add(i);
    const preset = plan.neighbors[i]!;
    const base: Doc = { ...preset.entry };
    if (PASSWORD_KEYS.some((k) => k in entry)) for (const k of PASSWORD_KEYS) delete base[k];
    for (const k of Object.keys(base)) {
      if (k in entry) continue;
      const from = preset.keyFrom[k];
      if (from !== undefined) map.generated(['neighbors', j, k], from);
      else if (preset.written) map.moved(['neighbors', j, k], [...preset.from, k]);
      else map.generated(['neighbors', j, k], preset.from);
    }
    return { ...base, ...entry };
  });
  plan.neighbors.forEach((n, i) => {
    if (used.has(i)) return;
    const at = out.length;
    if (n.written) map.moved(['neighbors', at], n.from);
    else map.generated(['neighbors', at], n.from);
    for (const [k, from] of Object.entries(n.keyFrom)) map.generated(['neighbors', at, k], from);
    out.push({ ...n.entry });
  });
  return out;
}

const communityValue = (v: unknown): number | undefined => {
  if (typeof v !== 'string') return undefined;
  const r = parseCommunity(v);
  return r.ok ? r.value : undefined;
};

/**
 * The role on each `announce` entry and on the `watch` section (prepends or
 * the role's community), and as the default of each service.
 */
function applyRole(plan: PresetPlan, doc: Doc, map: SourceMap, problems: PresetProblem[]): void {
  const role = plan.role;
  if (role === undefined) return;
  const tier = TIER[role.role];
  const own = role.communities?.[role.role];
  const others = Object.entries(role.communities ?? {}).filter(([r]) => r !== role.role);

  const onEntry = (a: Doc, at: Seg[]): Doc => {
    const entry: Doc = { ...a };
    if (role.style === 'prepend' && tier > 0) {
      const cur = entry['prepend'];
      if (cur === undefined) {
        entry['prepend'] = tier;
        map.generated([...at, 'prepend'], role.from);
      } else if (typeof cur === 'number' && Number.isInteger(cur) && cur >= 0) {
        if (cur + tier > MAX_PREPEND) {
          problems.push({
            path: [...at, 'prepend'],
            message: `${cur} plus ${tier} for role ${role.role} is more than ${MAX_PREPEND} (expected at most ${MAX_PREPEND - tier} with the ${plan.name} preset's role ${role.role})`,
            atKey: false,
          });
        } else {
          entry['prepend'] = cur + tier;
        }
      }
    }
    if (role.style === 'community' && own !== undefined) {
      const cur = entry['communities'];
      if (cur === undefined) {
        entry['communities'] = [own];
        map.generated([...at, 'communities'], role.from);
      } else if (Array.isArray(cur)) {
        cur.forEach((c, k) => {
          const value = communityValue(c);
          const clash = value === undefined ? undefined : others.find(([, text]) => communityValue(text) === value);
          if (clash) {
            problems.push({
              path: [...at, 'communities', k],
              message: `${String(c)} is the ${clash[0]} role's community, but the ${plan.name} preset's role is ${role.role} (expected no role community here: the preset adds ${own})`,
              atKey: false,
            });
          }
        });
        if (!cur.some((c) => communityValue(c) === communityValue(own))) {
          entry['communities'] = [...cur, own];
          map.generated([...at, 'communities', cur.length], role.from);
        }
      }
    }
    return entry;
  };

  if (Array.isArray(doc['announce'])) doc['announce'] = doc['announce'].map((a: unknown, i) => (isMapping(a) ? onEntry(a, ['announce', i]) : a));
  if (isMapping(doc['watch'])) doc['watch'] = onEntry(doc['watch'], ['watch']);

  if (Array.isArray(doc['services'])) {
    doc['services'] = doc['services'].map((s: unknown, i) => {
      if (!isMapping(s)) return s;
      const entry: Doc = { ...s };
      if (!('role' in entry)) {
        entry['role'] = role.role;
        map.generated(['services', i, 'role'], role.from);
      }
      if (!('role-style' in entry)) {
        entry['role-style'] = role.style;
        map.generated(['services', i, 'role-style'], role.from);
      }
      return entry;
    });
  }
}

/** Prefixes the provider would not accept, in `announce` and in services. */
function checkPrefixes(plan: PresetPlan, doc: Doc, problems: PresetProblem[]): void {
  const check = plan.prefixProblem;
  if (check === undefined) return;
  const one = (v: unknown, path: Seg[]): void => {
    if (typeof v !== 'string') return;
    const p = parsePrefixText(v);
    const why = p.ok ? check(p.value) : undefined;
    if (why !== undefined) problems.push({ path, message: why, atKey: false });
  };
  if (Array.isArray(doc['announce'])) doc['announce'].forEach((a: unknown, i) => isMapping(a) && one(a['prefix'], ['announce', i, 'prefix']));
  if (Array.isArray(doc['services'])) {
    doc['services'].forEach((s: unknown, i) => {
      if (isMapping(s) && Array.isArray(s['prefixes'])) s['prefixes'].forEach((p: unknown, j) => one(p, ['services', i, 'prefixes', j]));
    });
  }
}

/** Applies a valid preset's plan to the document. */
export function applyPlan(plan: PresetPlan, data: Doc): { data: Doc; problems: PresetProblem[]; map: SourceMap } {
  const map = new SourceMap();
  const problems: PresetProblem[] = [];
  const doc: Doc = { ...data };
  delete doc['preset'];

  if ('local-as' in data) {
    problems.push({
      path: ['local-as'],
      message: `is set by the ${plan.name} preset (${plan.localAs}) (expected local-as only once: remove it, or drop the preset)`,
      atKey: true,
    });
  }
  doc['local-as'] = plan.localAs;
  map.generated(['local-as'], plan.localAsFrom);

  if (doc['router-id'] === undefined && plan.routerId !== undefined) {
    doc['router-id'] = plan.routerId.value;
    map.generated(['router-id'], plan.routerId.from);
  }

  doc['neighbors'] = mergeNeighbors(plan, data['neighbors'], map);
  applyRole(plan, doc, map, problems);
  checkPrefixes(plan, doc, problems);

  if (plan.requireAllow && doc['allow'] === undefined) {
    problems.push({
      path: ['preset', plan.name],
      message: `needs an allow list (expected a top-level allow: with the prefixes this ASN may announce)`,
      atKey: true,
    });
  }
  return { data: doc, problems, map };
}

/**
 * Expands the `preset` section of a parsed YAML document, before the
 * document is validated. Without a preset the document is returned as it is.
 */
export function expandPresets(data: unknown): PresetExpansion {
  const identity = (path: KeyPath): Seg[] => [...path];
  if (!isMapping(data) || !('preset' in data)) return { data, problems: [], expanded: false, sourceOf: identity };

  const parsed = presetSchema().safeParse(data['preset']);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      path: ['preset', ...issue.path],
      message: issue.message,
      atKey: issue.code === 'custom' && issue.params?.[UNKNOWN_KEY] === true,
    }));
    return { data, problems, expanded: false, sourceOf: identity };
  }
  const { data: doc, problems, map } = applyPlan(planFor(parsed.data), data);
  return { data: doc, problems, expanded: true, sourceOf: (path) => map.sourceOf(path) };
}
