import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { ConfigError, effectiveConfig, parseConfigText } from '../../src/config/index.js';
import type { Config, ConfigProblem, LoadOptions } from '../../src/config/index.js';

const opts: LoadOptions = { env: { BFD_KEY: 'k3y' }, hostname: 'h', ipv4Addresses: () => [], readFile: (p) => (p === '/etc/floatd/bfd.key' ? 'from-file\n' : (() => { throw Object.assign(new Error('no'), { code: 'ENOENT' }); })()) };

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

test('bfd: absent or false is no BFD; true is 100 ms x 3', () => {
  assert.equal(parse(withNeighbor([])).neighbors[0]!.bfd, undefined);
  assert.equal(parse(withNeighbor(['bfd: false'])).neighbors[0]!.bfd, undefined);
  assert.deepEqual(parse(withNeighbor(['bfd: true'])).neighbors[0]!.bfd, { minRxMs: 100, minTxMs: 100, multiplier: 3 });
});

test('bfd: a mapping sets the timers in milliseconds; missing ones take the defaults', () => {
  assert.deepEqual(parse(withNeighbor(['bfd: { min-rx: 50, min-tx: 200, multiplier: 5 }'])).neighbors[0]!.bfd, { minRxMs: 50, minTxMs: 200, multiplier: 5 });
  assert.deepEqual(parse(withNeighbor(['bfd: { multiplier: 4 }'])).neighbors[0]!.bfd, { minRxMs: 100, minTxMs: 100, multiplier: 4 });
  assert.deepEqual(parse(withNeighbor(['bfd: {}'])).neighbors[0]!.bfd, { minRxMs: 100, minTxMs: 100, multiplier: 3 });
});

test('bfd: out-of-range values, unknown keys and other types are refused with what is expected', () => {
  assert.deepEqual(problems(withNeighbor(['bfd: { min-rx: 0 }'])), ['neighbors[0].bfd.min-rx: 0 is out of range (expected milliseconds 1..60000)']);
  assert.deepEqual(problems(withNeighbor(['bfd: { multiplier: 256 }'])), ['neighbors[0].bfd.multiplier: 256 is out of range (expected a detect multiplier 1..255)']);
  const [unknown] = problems(withNeighbor(['bfd: { min-tx: 100, interval: 100 }']));
  assert.match(unknown!, /^neighbors\[0\]\.bfd\.interval: unknown key "interval"/);
  const [wrong] = problems(withNeighbor(['bfd: 300']));
  assert.match(wrong!, /^neighbors\[0\]\.bfd: got a number \(expected true, false or a mapping with min-rx, min-tx, multiplier, auth\)/);
});

test('bfd auth: keyed SHA1 keys come from a file or the environment, never inline', () => {
  const fromFile = parse(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 7, password-file: bfd.key } }'])).neighbors[0]!.bfd!.auth!;
  assert.equal(fromFile.type, 'keyed-sha1');
  assert.equal(fromFile.keyId, 7);
  assert.equal(fromFile.key.reveal(), 'from-file');
  assert.equal(fromFile.passwordFile, '/etc/floatd/bfd.key');
  const fromEnv = parse(withNeighbor(['bfd: { auth: { type: meticulous-keyed-sha1, key-id: 1, password-env: BFD_KEY } }'])).neighbors[0]!.bfd!.auth!;
  assert.equal(fromEnv.key.reveal(), 'k3y');
  assert.equal(String(fromEnv.key), '[redacted]');
  const [inline] = problems(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 1, password: secret } }']));
  assert.match(inline!, /unknown key "password"/);
  assert.ok(!inline!.includes('secret'), 'the value is never quoted back');
});

test('bfd auth: a missing source, two sources, an unset variable, a long key or simple are refused', () => {
  assert.deepEqual(problems(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 1 } }'])), [
    'neighbors[0].bfd.auth: needs exactly one of password-file, password-env (expected where the key is read from)',
  ]);
  assert.equal(problems(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 1, password-env: BFD_KEY, password-file: bfd.key } }'])).length, 1);
  assert.deepEqual(problems(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 1, password-env: NOPE } }'])), [
    'neighbors[0].bfd.auth.password-env: environment variable NOPE is not set (expected it to hold the key)',
  ]);
  assert.deepEqual(problems(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 1, password-file: missing.key } }'])), [
    'neighbors[0].bfd.auth.password-file: cannot read /etc/floatd/missing.key: ENOENT (expected a readable file holding the key)',
  ]);
  const longKey = (() => {
    try {
      parseConfigText(withNeighbor(['bfd: { auth: { type: keyed-sha1, key-id: 1, password-env: K } }']), 'f.yaml', { ...opts, env: { K: 'x'.repeat(21) } });
    } catch (e) {
      return (e as ConfigError).problems.map((p) => p.message);
    }
    return [];
  })();
  assert.deepEqual(longKey, ['the key is longer than 20 bytes (expected 1..20 bytes, RFC 5880 6.7.4)']);
  const [simple] = problems(withNeighbor(['bfd: { auth: { type: simple, key-id: 1, password-env: BFD_KEY } }']));
  assert.match(simple!, /"simple" is not allowed \(expected one of keyed-sha1, meticulous-keyed-sha1\)/);
});

test('bfd: floatd check prints the setting in the file vocabulary, the key by its source, and it loads back the same', () => {
  const cfg = parse(withNeighbor(['bfd: { min-rx: 150, auth: { type: keyed-sha1, key-id: 2, password-file: bfd.key } }']));
  const n = (effectiveConfig(cfg).neighbors as Record<string, unknown>[])[0]!;
  assert.deepEqual(n.bfd, { 'min-rx': 150, 'min-tx': 100, multiplier: 3, auth: { type: 'keyed-sha1', 'key-id': 2, 'password-file': '/etc/floatd/bfd.key' } });
  const again = parse(stringify(effectiveConfig(cfg)));
  assert.equal(again.neighbors[0]!.bfd!.auth!.key.reveal(), 'from-file');
  assert.equal(again.neighbors[0]!.bfd!.minRxMs, 150);
});
