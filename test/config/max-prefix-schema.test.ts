import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { ConfigError, effectiveConfig, parseConfigText } from '../../src/config/index.js';
import type { Config, ConfigProblem, LoadOptions } from '../../src/config/index.js';
import { receiveLimitsOf } from '../../src/daemon/speaker.js';

const opts: LoadOptions = { env: {}, hostname: 'h', ipv4Addresses: () => [], readFile: () => '' };

const withNeighbor = (extra: string[]): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', ...extra.map((l) => `    ${l}`), ''].join('\n');

const parse = (text: string): Config => parseConfigText(text, '/etc/floatd/floatd.yaml', opts);
function problems(text: string): string[] {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p: ConfigProblem) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

const DEFAULTS = { action: 'teardown', restart: 60, attributeBytes: 64 << 20 };

test('max-prefix: a number bounds the total; a mapping sets each part, the rest defaults', () => {
  assert.equal(parse(withNeighbor(['import: all'])).neighbors[0]!.maxPrefix, undefined);
  assert.deepEqual(parse(withNeighbor(['import: all', 'max-prefix: 1000'])).neighbors[0]!.maxPrefix, { limit: 1000, ipv4: undefined, ipv6: undefined, ...DEFAULTS });
  assert.deepEqual(parse(withNeighbor(['import: all', 'families: [ipv4, ipv6]', 'max-prefix: { ipv4: 900000, ipv6: 250000, action: warn, restart: 300, attribute-bytes: 1048576 }'])).neighbors[0]!.maxPrefix, {
    limit: undefined,
    ipv4: 900000,
    ipv6: 250000,
    action: 'warn',
    restart: 300,
    attributeBytes: 1048576,
  });
});

test('max-prefix: what the session gets, and the default attribute-bytes bound with import all', () => {
  const n = (lines: string[]) => parse(withNeighbor(lines)).neighbors[0]!;
  assert.equal(receiveLimitsOf(n([])), undefined);
  assert.deepEqual(receiveLimitsOf(n(['import: all'])), { limits: { attributeBytes: 64 << 20 }, action: 'teardown', restartMs: 60_000 });
  assert.deepEqual(receiveLimitsOf(n(['import: all', 'max-prefix: { limit: 10, restart: 5 }'])), { limits: { prefixes: 10, attributeBytes: 64 << 20 }, action: 'teardown', restartMs: 5000 });
});

test('max-prefix: clear errors for import none, a family not carried, bad values and unknown keys', () => {
  assert.deepEqual(problems(withNeighbor(['max-prefix: 10'])), ['neighbors[0].max-prefix: limits the routes import: all stores, and import: none stores none (expected import: all, or no max-prefix)']);
  assert.deepEqual(problems(withNeighbor(['import: all', 'max-prefix: { ipv6: 10 }'])), ['neighbors[0].max-prefix.ipv6: limits ipv6 routes, but ipv6 is not in families (expected a family the session carries)']);
  assert.deepEqual(problems(withNeighbor(['import: all', 'max-prefix: -1'])), ['neighbors[0].max-prefix.limit: -1 is out of range (expected a number of prefixes 0..4294967295)']);
  assert.deepEqual(problems(withNeighbor(['import: all', 'max-prefix: { action: restart }'])), ['neighbors[0].max-prefix.action: "restart" is not allowed (expected one of teardown, warn)']);
  assert.deepEqual(problems(withNeighbor(['import: all', 'max-prefix: { restart: 0 }'])), ['neighbors[0].max-prefix.restart: 0 is out of range (expected seconds 1..65535 before reconnecting after a teardown)']);
  const [unknown] = problems(withNeighbor(['import: all', 'max-prefix: { maximum: 10 }']));
  assert.match(unknown!, /^neighbors\[0\]\.max-prefix\.maximum: unknown key "maximum"/);
  const [wrong] = problems(withNeighbor(['import: all', 'max-prefix: lots']));
  assert.match(wrong!, /^neighbors\[0\]\.max-prefix: got a string \(expected a number of prefixes, or a mapping with limit, ipv4, ipv6, action, restart, attribute-bytes\)/);
});

test('max-prefix: floatd check shows it in the file vocabulary, and that loads back the same', () => {
  const cfg = parse(withNeighbor(['import: all', 'max-prefix: { limit: 5, action: warn }']));
  const shown = stringify(effectiveConfig(cfg));
  assert.match(shown, /max-prefix:\n\s+limit: 5\n\s+action: warn\n\s+restart: 60\n\s+attribute-bytes: 67108864/);
  assert.deepEqual(parse(shown).neighbors[0]!.maxPrefix, cfg.neighbors[0]!.maxPrefix);
});
