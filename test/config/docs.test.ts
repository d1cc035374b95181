import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, configSchema, parseConfigText, presetSchema } from '../../src/config/index.js';
import type { LoadOptions } from '../../src/config/index.js';
import { announceSchema } from '../../src/config/announce-schema.js';
import { neighborSchema } from '../../src/config/neighbor-schema.js';
import { servicesSchema } from '../../src/config/services-schema.js';

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const read = (path: string): string => (existsSync(repo(path)) ? readFileSync(repo(path), 'utf8') : '');

/** Every mapping key a schema accepts, found by walking its zod definition. */
function keysOf(schema: z.ZodTypeAny, out = new Set<string>(), seen = new Set<z.ZodTypeAny>(), lazy = 0): Set<string> {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const walk = (s: z.ZodTypeAny): void => void keysOf(s, out, seen, lazy);
  if (schema instanceof z.ZodObject) {
    for (const [key, value] of Object.entries(schema.shape as z.ZodRawShape)) {
      out.add(key);
      walk(value);
    }
  } else if (schema instanceof z.ZodEffects) walk(schema.innerType());
  else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) walk(schema.unwrap());
  else if (schema instanceof z.ZodDefault) walk(schema.removeDefault());
  else if (schema instanceof z.ZodCatch) walk(schema.removeCatch());
  else if (schema instanceof z.ZodBranded) walk(schema.unwrap());
  else if (schema instanceof z.ZodReadonly) walk(schema._def.innerType);
  else if (schema instanceof z.ZodArray) walk(schema.element);
  else if (schema instanceof z.ZodRecord) walk(schema.valueSchema);
  else if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) (schema.options as z.ZodTypeAny[]).forEach(walk);
  else if (schema instanceof z.ZodIntersection) [schema._def.left, schema._def.right].forEach(walk);
  else if (schema instanceof z.ZodPipeline) [schema._def.in, schema._def.out].forEach(walk);
  // A recursive schema (a check made of checks) builds a new copy at each level; one level shows every key.
  else if (schema instanceof z.ZodLazy && lazy < 2) keysOf(schema.schema, out, seen, lazy + 1);
  else if (schema instanceof z.ZodTuple) (schema.items as z.ZodTypeAny[]).forEach(walk);
  return out;
}

const environment = { env: {}, readFile: () => '', baseDir: '/', hostname: 'h' };

test('the walker finds nested keys (so an empty result cannot pass the docs check by accident)', () => {
  const neighbor = keysOf(neighborSchema(environment));
  for (const k of ['address', 'peer-as', 'password-file', 'extended-next-hop', 'graceful-restart']) assert.ok(neighbor.has(k), k);
  const all = keysOf(configSchema(environment));
  for (const k of ['router-id', 'metrics', 'listen', 'control-socket-mode', 'control-socket-group', 'prefix', 'large-communities', 'name', 'check', 'url']) assert.ok(all.has(k), k);
  const presets = keysOf(presetSchema());
  for (const k of ['vultr', 'linode', 'generic', 'asn', 'source-address-v6', 'dcid', 'send56', 'allow-unlisted-dcid', 'routers']) assert.ok(presets.has(k), k);
});

test('every key the config accepts is documented in docs/config.md or docs/services.md', () => {
  const docs = `${read('docs/config.md')}\n${read('docs/services.md')}`;
  const documented = (key: string): boolean => docs.includes(`\`${key}\``) || new RegExp(`\`${key}:`).test(docs);
  const schemas: [string, z.ZodTypeAny][] = [
    ['config', configSchema(environment)],
    ['neighbors[]', neighborSchema(environment)],
    ['announce[]', announceSchema()],
    ['preset', presetSchema()],
    ['services[]', servicesSchema()],
  ];
  const missing: string[] = [];
  for (const [where, schema] of schemas) {
    for (const key of keysOf(schema)) if (!documented(key)) missing.push(`${where}: ${key}`);
  }
  assert.deepEqual(missing, [], `keys accepted by the schema but not documented:\n${missing.join('\n')}`);
});

/**
 * Every ```yaml block in the recipes is a complete config that loads, unless
 * its fence says otherwise:
 *   ```yaml fragment  part of a config, shown on its own: it must be valid YAML;
 *   ```yaml pending   a complete config using keys still being added: every
 *                     problem must be an unknown key from PENDING.
 */
const PENDING = new Set(['watch', 'address', 'hooks', 'drain', 'drain-on-stop', 'dns', 'load', 'all-of', 'any-of', 'med-from-load']);

const secrets: Record<string, string> = {
  '/etc/floatd/vultr.md5': 'vultr-key\n',
  '/etc/floatd/transit-a.md5': 'transit-a\n',
  '/etc/floatd/transit-b.md5': 'transit-b\n',
  '/etc/floatd/dns-site-a.key': 'key "floatd-site-a" { algorithm hmac-sha256; secret "cmVjaXBlIGtleSBmb3Igc2l0ZSBhLCBub3QgcmVhbA=="; };\n',
  '/etc/floatd/dns-site-b.key': 'key "floatd-site-b" { algorithm hmac-sha256; secret "cmVjaXBlIGtleSBmb3Igc2l0ZSBiLCBub3QgcmVhbA=="; };\n',
};
const recipeOptions: LoadOptions = {
  readFile: (p) => {
    const s = secrets[p];
    if (s === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return s;
  },
  env: { VULTR_BGP_PASSWORD: 'vultr-key' },
  hostname: 'recipe-host',
  ipv4Addresses: () => ['203.0.113.50'],
};

interface Block {
  readonly file: string;
  readonly line: number;
  readonly kind: 'config' | 'fragment' | 'pending';
  readonly text: string;
}

function yamlBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^```yaml(?:\s+(\S+))?\s*$/.exec(lines[i]!);
    if (!m) continue;
    const kind = m[1] ?? 'config';
    assert.ok(kind === 'config' || kind === 'fragment' || kind === 'pending', `${file}:${i + 1}: unknown yaml block kind ${kind}`);
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `${file}:${i + 1}: unclosed block`);
    blocks.push({ file, line: i + 1, kind, text: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

const recipesDir = repo('docs/recipes');
const recipes = existsSync(recipesDir) ? readdirSync(recipesDir).filter((f) => f.endsWith('.md')) : [];

test('there is one recipe per seed set-up', () => {
  assert.deepEqual(recipes.sort(), ['db-replica-lag.md', 'dns-two-sites.md', 'exabgp-web-ha.md', 'haproxy-pair.md', 'linode.md', 'own-asn-openbgpd.md', 'vultr.md']);
});

for (const name of recipes) {
  test(`docs/recipes/${name}: every yaml block is a config that loads (or is marked fragment or pending)`, () => {
    const blocks = yamlBlocks(name, readFileSync(`${recipesDir}/${name}`, 'utf8'));
    assert.ok(blocks.some((b) => b.kind === 'config'), 'at least one complete config');
    for (const b of blocks) {
      const where = `${b.file}:${b.line}`;
      const doc = parseDocument(b.text);
      assert.deepEqual(doc.errors.map((e) => e.message), [], `${where}: YAML`);
      if (b.kind === 'fragment') continue;
      try {
        parseConfigText(b.text, where, recipeOptions);
      } catch (e) {
        assert.ok(e instanceof ConfigError, `${where}: ${String(e)}`);
        if (b.kind === 'config') assert.fail(`${where}: ${e.message}`);
        const other = e.problems.filter((p) => {
          const key = /^unknown key "([^"]+)"/.exec(p.message)?.[1];
          return key === undefined || !PENDING.has(key);
        });
        assert.deepEqual(other.map((p) => `${p.line}: ${p.path}: ${p.message}`), [], `${where}: only keys still being added may fail`);
      }
    }
  });
}
