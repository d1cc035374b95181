import { z } from 'zod';
import { fail, ok } from '../addresses.js';
import type { Parsed } from '../addresses.js';
import { list, parsedText, seconds, section } from '../fields.js';
import type { CompositePart, ProbeSpec } from '../../health/index.js';
import type { CheckKindModule, CheckSchema, CheckTable } from './kind.js';

interface Member {
  readonly key: string;
  readonly name: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly probe: ProbeSpec;
}

const memberName = () =>
  parsedText('a name of letters, digits, ., _ and -', (s): Parsed<string> =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not a check name (expected 1..63 letters, digits, ., _ and -)`),
  );

function memberSchema(table: CheckTable): z.ZodType<Member, z.ZodTypeDef, unknown> {
  return section(
    { ...table.shape(), name: memberName().optional(), timeout: seconds(0.05, 600).optional() },
    `a mapping with one of ${table.keys.join(', ')}, and optionally name and timeout`,
  ).transform((m, ctx): Member => {
    const picked = table.pick(m, ctx);
    if (!picked) return z.NEVER;
    return { key: picked.key, name: m.name, timeoutMs: m.timeout, probe: picked.spec };
  });
}

/**
 * The members of all-of / any-of. A member without a name is called by its
 * kind ("http"), or by kind and position ("http-2") when its kind is there twice.
 */
function partsSchema(mode: 'all' | 'any', table: CheckTable): CheckSchema {
  return list(z.lazy(() => memberSchema(table)), 'a list of checks, each a mapping with one probe')
    .min(1, 'the list is empty (expected at least one check)')
    .transform((members, ctx): ProbeSpec => {
      const probes: CompositePart[] = [];
      const seen = new Map<string, number>();
      members.forEach((m, i) => {
        const twice = members.filter((x) => x.key === m.key && x.name === undefined).length > 1;
        const name = m.name ?? (twice ? `${m.key}-${i + 1}` : m.key);
        const first = seen.get(name);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${name} is already the name of check ${first + 1} in this list (expected each name once; give name: to one of them)` });
        } else seen.set(name, i);
        probes.push({ name, probe: m.probe, ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}) });
      });
      return { kind: 'composite', mode, probes };
    });
}

const keyOf = (mode: 'all' | 'any'): string => (mode === 'all' ? 'all-of' : 'any-of');

/** `all-of` and `any-of`: checks of any kind, each named, some with their own timeout. */
export const compositeCheck: CheckKindModule<'composite'> = {
  keys: {
    'all-of': (table) => z.lazy(() => partsSchema('all', table)),
    'any-of': (table) => z.lazy(() => partsSchema('any', table)),
  },
  toFile: (c, render) => ({
    [keyOf(c.mode)]: c.probes.map((p) => ({
      name: p.name,
      ...render(p.probe),
      ...(p.timeoutMs !== undefined ? { timeout: p.timeoutMs / 1000 } : {}),
    })),
  }),
};

/** Every composite member's own timeout, with its key path below `check`. */
export function memberTimeouts(spec: ProbeSpec, path: (string | number)[] = []): { path: (string | number)[]; timeoutMs: number }[] {
  if (spec.kind !== 'composite') return [];
  const key = keyOf(spec.mode);
  return spec.probes.flatMap((p, i) => [
    ...(p.timeoutMs !== undefined ? [{ path: [...path, key, i, 'timeout'], timeoutMs: p.timeoutMs }] : []),
    ...memberTimeouts(p.probe, [...path, key, i]),
  ]);
}
