import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { ConfigError, Secret, effectiveConfig, loadConfig, parseConfigText } from '../../src/config/index.js';
import { createLogger } from '../../src/util/log.js';
import type { LoadOptions } from '../../src/config/index.js';

const PASSWORD = 'hunter2-Very-Secret';

test('a Secret never turns into its value by accident', () => {
  const s = new Secret(PASSWORD);
  assert.equal(s.reveal(), PASSWORD);
  assert.equal(String(s), '[redacted]');
  assert.equal(`${s}`, '[redacted]');
  assert.equal(s + '', '[redacted]');
  assert.equal(JSON.stringify({ s }), '{"s":"[redacted]"}');
  assert.equal(inspect(s), '[redacted]');
  assert.equal(inspect({ deep: { s } }, { depth: 5, showHidden: true }), '{ deep: { s: [redacted] } }');
  assert.deepEqual(Object.keys(s), []);
  assert.doesNotMatch(inspect(structuredClone({ s })), /hunter2/);
});

test('Secret.equals compares values', () => {
  assert.ok(new Secret('a').equals(new Secret('a')));
  assert.ok(!new Secret('a').equals(new Secret('b')));
  assert.ok(!new Secret('a').equals(new Secret('ab')));
});

const config = (passwordLine: string): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', `    ${passwordLine}`, ''].join('\n');

const files: Record<string, string> = {
  '/etc/floatd/lf.md5': `${PASSWORD}\n`,
  '/etc/floatd/crlf.md5': `${PASSWORD}\r\n`,
  '/etc/floatd/two.md5': `${PASSWORD}\n\n`,
  '/etc/floatd/bare.md5': PASSWORD,
  '/etc/floatd/empty.md5': '\n',
  '/srv/conf/rel/peer.md5': `${PASSWORD}\n`,
};
const readFile = (p: string): string => {
  const s = files[p];
  if (s === undefined) throw Object.assign(new Error(`EACCES: ${p}`), { code: 'EACCES' });
  return s;
};
const opts: LoadOptions = { readFile, env: { BGP_KEY: PASSWORD, EMPTY: '' } };

test('password-file is read and loses exactly one trailing newline', () => {
  const read = (f: string): string => parseConfigText(config(`password-file: ${f}`), '/srv/conf/floatd.yaml', opts).neighbors[0]!.password!.reveal();
  assert.equal(read('/etc/floatd/lf.md5'), PASSWORD);
  assert.equal(read('/etc/floatd/crlf.md5'), PASSWORD);
  assert.equal(read('/etc/floatd/bare.md5'), PASSWORD);
  assert.equal(read('/etc/floatd/two.md5'), `${PASSWORD}\n`);
});

test('a relative password-file is taken from the config file directory', () => {
  const cfg = parseConfigText(config('password-file: rel/peer.md5'), '/srv/conf/floatd.yaml', opts);
  assert.equal(cfg.neighbors[0]!.passwordFile, '/srv/conf/rel/peer.md5');
  assert.equal(cfg.neighbors[0]!.password!.reveal(), PASSWORD);
});

test('password-env and inline password become Secrets too', () => {
  const env = parseConfigText(config('password-env: BGP_KEY'), 'f.yaml', opts).neighbors[0]!;
  assert.equal(env.password!.reveal(), PASSWORD);
  assert.equal(env.passwordEnv, 'BGP_KEY');
  const inline = parseConfigText(config(`password: "${PASSWORD}"`), 'f.yaml', opts).neighbors[0]!;
  assert.ok(inline.password instanceof Secret);
  assert.equal(inline.password.reveal(), PASSWORD);
});

test('the parsed config shows no password in JSON.stringify, util.inspect or String', () => {
  const cfg = parseConfigText(config(`password: "${PASSWORD}"`), 'f.yaml', opts);
  assert.doesNotMatch(JSON.stringify(cfg), /hunter2/);
  assert.match(JSON.stringify(cfg), /"password":"\[redacted\]"/);
  assert.doesNotMatch(inspect(cfg, { depth: Infinity }), /hunter2/);
  assert.doesNotMatch(String(cfg.neighbors[0]!.password), /hunter2/);
});

function errorOf(text: string, fileName = 'f.yaml'): ConfigError {
  try {
    parseConfigText(text, fileName, opts);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

test('an unreadable password file is an error naming the file at its line', () => {
  const e = errorOf(config('password-file: /etc/floatd/nope.md5'));
  assert.equal(e.message, 'f.yaml:6:20: neighbors[0].password-file: cannot read /etc/floatd/nope.md5: EACCES (expected a readable file holding the password)');
});

test('the fixture with a missing relative password file names the resolved path', () => {
  const file = fileURLToPath(new URL('../../../test/fixtures/config/bad-secret.yaml', import.meta.url));
  assert.throws(
    () => loadConfig(file, { env: {} }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message === `${file}:6:20: neighbors[0].password-file: cannot read ${file.replace('bad-secret.yaml', 'secrets/missing.md5')}: ENOENT (expected a readable file holding the password)`,
  );
});

test('an empty password file or variable is refused', () => {
  assert.match(errorOf(config('password-file: /etc/floatd/empty.md5')).message, /f\.yaml:6:20: neighbors\[0\]\.password-file: the password is empty/);
  assert.match(errorOf(config('password-env: EMPTY')).message, /neighbors\[0\]\.password-env: the password is empty/);
});

test('passwords never appear in error messages', () => {
  const long = `${PASSWORD}${'x'.repeat(80)}`;
  const texts = [
    config(`password: "${long}"`),
    config(`password: "${PASSWORD}"\n    password-file: /etc/floatd/lf.md5`),
    config(`password-env: BGP_KEY\n    password: "${PASSWORD}"`),
    config(`password: "${PASSWORD}`),
    config(`password: "${PASSWORD}\\q"`),
    config(`password: [${PASSWORD}`),
    config(`password: {${PASSWORD}: 1}`),
    config(`password: ${PASSWORD}\n    peer-as: 1`),
    config(`password: "${PASSWORD}"\n    hold-time: 2`),
  ];
  for (const t of texts) {
    const e = errorOf(t);
    assert.ok(e.problems.length > 0);
    assert.doesNotMatch(e.message, /hunter2/, e.message);
    assert.doesNotMatch(inspect(e), /hunter2/);
  }
  const viaFile = errorOf(config('password-file: /etc/floatd/lf.md5') + `announce:\n  - prefix: 10.0.0.1/8\n`);
  assert.doesNotMatch(viaFile.message, /hunter2/);
});

const vultrPreset = (secretLine: string, more: string[] = []): string =>
  ['preset:', '  vultr:', '    asn: 4200000001', `    ${secretLine}`, '    source-address: 198.51.100.99', '    source-address-v6: "2001:db8::99"', ...more, ''].join('\n');

test('a preset password is read like a neighbor one and reaches every neighbor the preset makes, as a Secret', () => {
  const cfg = parseConfigText(vultrPreset('password-file: /etc/floatd/lf.md5'), 'f.yaml', opts);
  assert.deepEqual(
    cfg.neighbors.map((n) => [n.passwordFile, n.password instanceof Secret, n.password?.reveal()]),
    [
      ['/etc/floatd/lf.md5', true, PASSWORD],
      ['/etc/floatd/lf.md5', true, PASSWORD],
    ],
  );
});

test('the effective config of a preset shows the password source, never the password', () => {
  for (const line of ['password-file: /etc/floatd/lf.md5', 'password-env: BGP_KEY']) {
    const eff = effectiveConfig(parseConfigText(vultrPreset(line), 'f.yaml', opts));
    for (const out of [stringify(eff), JSON.stringify(eff), inspect(eff, { depth: Infinity })]) {
      assert.doesNotMatch(out, /hunter2/);
      assert.doesNotMatch(out, /\[redacted\]/, 'a password from a file or variable is shown by its source');
    }
  }
});

test('preset password errors name the preset key and never the password', () => {
  const long = `${PASSWORD}${'x'.repeat(80)}`;
  const local: LoadOptions = { ...opts, readFile: (p) => (p === '/etc/floatd/long.md5' ? long : readFile(p)), env: { ...opts.env, LONG: long } };
  const cases: [string, RegExp][] = [
    ['password-file: /etc/floatd/nope.md5', /preset\.vultr\.password-file: cannot read \/etc\/floatd\/nope\.md5: EACCES/],
    ['password-file: /etc/floatd/long.md5', /preset\.vultr\.password-file: the password is longer than 80 bytes/],
    ['password-file: /etc/floatd/empty.md5', /preset\.vultr\.password-file: the password is empty/],
    ['password-env: LONG', /preset\.vultr\.password-env: the password is longer than 80 bytes/],
    [`password-env: "${PASSWORD}"`, /preset\.vultr\.password-env: is not an environment variable name, so it is not shown here/],
    [`password: "${PASSWORD}"`, /preset\.vultr\.password: unknown key "password"/],
  ];
  for (const [line, match] of cases) {
    let err: unknown;
    try {
      parseConfigText(vultrPreset(line), 'f.yaml', local);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, line);
    assert.match(err.message, match);
    assert.equal(err.message.split('\n').length, 1, err.message);
    assert.doesNotMatch(err.message, /hunter2/);
    assert.doesNotMatch(inspect(err, { depth: Infinity }), /hunter2/);
  }
});

test('a password pasted into password-env by mistake is not quoted back', () => {
  const e = errorOf(config(`password-env: "${PASSWORD}"`));
  assert.doesNotMatch(e.message, /hunter2/);
  assert.match(e.message, /neighbors\[0\]\.password-env: is not an environment variable name, so it is not shown here \(expected letters, digits and _\)/);
});

test('logging a config, a neighbor or a password field writes no password', () => {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
  const viaFile = parseConfigText(vultrPreset('password-file: /etc/floatd/lf.md5'), 'f.yaml', opts);
  const inline = parseConfigText(config(`password: "${PASSWORD}"`), 'f.yaml', opts);
  for (const cfg of [viaFile, inline]) {
    const n = cfg.neighbors[0]!;
    log.info({ config: cfg }, 'config loaded');
    log.info({ neighbor: n }, 'neighbor');
    log.child({ peer: n.address, password: n.password }).warn(n, 'peer state');
    log.debug({ password: n.password?.reveal() }, 'a revealed key in a password field is censored too');
    log.error({ err: new ConfigError([{ file: 'f.yaml', path: 'x', message: `m ${String(n.password)}` }]) }, 'error');
  }
  assert.ok(lines.length >= 10);
  for (const l of lines) assert.doesNotMatch(l, /hunter2/, l);
  assert.ok(lines.some((l) => l.includes('[redacted]')));
});
