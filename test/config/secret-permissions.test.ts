import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config/index.js';
import type { LoadOptions } from '../../src/config/index.js';

const PASSWORD = 'hunter2-Very-Secret';

const config = (passwordLine: string): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', `    ${passwordLine}`, ''].join('\n');

function errorOf(text: string, opts: LoadOptions): ConfigError {
  try {
    parseConfigText(text, '/etc/floatd/f.yaml', opts);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected a ConfigError');
}

const withMode = (mode: number): LoadOptions => ({ readFile: () => `${PASSWORD}\n`, modeOf: () => 0o100000 | mode, env: {} });

test('a password file readable or writable by others is refused', () => {
  for (const mode of [0o644, 0o602, 0o601, 0o666]) {
    const e = errorOf(config('password-file: /etc/floatd/peer.md5'), withMode(mode));
    assert.equal(e.problems.length, 1);
    assert.equal(e.problems[0]!.path, 'neighbors[0].password-file');
    assert.match(e.problems[0]!.message, /^\/etc\/floatd\/peer\.md5 is readable or writable by others \(mode 0\d{3}; expected chmod o-rwx/);
  }
  for (const mode of [0o600, 0o640, 0o400, 0o660]) {
    const cfg = parseConfigText(config('password-file: /etc/floatd/peer.md5'), '/etc/floatd/f.yaml', withMode(mode));
    assert.equal(cfg.neighbors[0]!.password!.reveal(), PASSWORD);
  }
});

test('a bfd password-file readable by others is refused too', () => {
  const text = [...config('bfd: { auth: { type: keyed-sha1, key-id: 1, password-file: /etc/floatd/bfd.key } }').split('\n')].join('\n');
  const e = errorOf(text, withMode(0o644));
  assert.ok(e.problems.some((p) => /readable or writable by others/.test(p.message)), e.message);
});

test('a real password file with mode 0644 is refused by loadConfig, with 0600 accepted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-secret-'));
  try {
    const key = join(dir, 'peer.md5');
    writeFileSync(key, `${PASSWORD}\n`, { mode: 0o600 });
    const file = join(dir, 'floatd.yaml');
    writeFileSync(file, config(`password-file: ${key}`), { mode: 0o600 });
    assert.equal(loadConfig(file, { env: {} }).neighbors[0]!.password!.reveal(), PASSWORD);
    chmodSync(key, 0o644);
    assert.throws(() => loadConfig(file, { env: {} }), /peer\.md5 is readable or writable by others \(mode 0644/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a config holding an inline password that others can read gets a warning, never the password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-secret-'));
  try {
    const file = join(dir, 'floatd.yaml');
    writeFileSync(file, config(`password: ${PASSWORD}`), { mode: 0o644 });
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    loadConfig(file, { env: {}, warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /holds a password and others can read it \(mode 0644/);
    assert.doesNotMatch(warnings[0]!, /hunter2/);
    chmodSync(file, 0o640);
    loadConfig(file, { env: {}, warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1, 'no warning once others cannot read it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a password pasted into password-file or password-env is not quoted back', () => {
  const missing: LoadOptions = {
    readFile: () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    env: {},
  };
  const file = errorOf(config(`password-file: ${PASSWORD}`), missing);
  assert.doesNotMatch(file.message, /hunter2/);
  assert.match(file.message, /the value does not look like a path/);
  const env = errorOf(config('password-env: Hunter2secret'), missing);
  assert.doesNotMatch(env.message, /Hunter2/);
  assert.match(env.message, /does not look like a variable name/);
  // Real paths and conventional names are still named.
  assert.match(errorOf(config('password-file: peer.md5'), missing).message, /cannot read \/etc\/floatd\/peer\.md5: ENOENT/);
  assert.match(errorOf(config('password-env: BGP_KEY'), missing).message, /environment variable BGP_KEY is not set/);
});
