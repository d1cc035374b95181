import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadKeyFile, loadSecretFile, parseBindKeys, parseKnotKeys } from '../../src/dns/key-file.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-keyfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'c2VjcmV0LWJ5dGVzLWZvci10ZXN0cw==';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('what tsig-keygen writes (BIND) and what keymgr -t writes (Knot) load as keys', () => {
  const bind = file('bind.key', execFileSync('tsig-keygen', ['-a', 'hmac-sha512', 'floatd-web'], { encoding: 'utf8' }));
  const k = loadKeyFile(bind);
  assert.equal(k.name, 'floatd-web');
  assert.equal(k.algorithm, 'hmac-sha512');
  assert.equal(k.secret.length, 64);
  const knot = file('knot.conf', execFileSync('keymgr', ['-t', 'floatd-web', 'hmac-sha256'], { encoding: 'utf8' }));
  const kk = loadKeyFile(knot, 'floatd-web.');
  assert.equal(kk.algorithm, 'hmac-sha256');
  assert.equal(kk.secret.length, 32);
});

test('BIND files with comments, several keys and other statements', () => {
  const text = `// keys\n/* two\nlines */ options { directory "/x"; };\nkey "a" { algorithm hmac-md5.sig-alg.reg.int; secret "${SECRET}"; };\n# another\nkey b. {\n algorithm HMAC-SHA1;\n secret "${SECRET}";\n};\n`;
  const keys = parseBindKeys(text, 'k.conf');
  assert.deepEqual(keys.map((k) => [k.name, k.algorithm]), [['a', 'hmac-md5'], ['b', 'hmac-sha1']]);
  assert.equal(keys[0]!.secret.toString(), 'secret-bytes-for-tests');
  const p = file('two.key', text);
  assert.throws(() => loadKeyFile(p), /holds 2 keys \(a, b\): name the one to use/);
  assert.equal(loadKeyFile(p, 'B').name, 'b');
  assert.throws(() => loadKeyFile(p, 'c'), /no key named "c" \(found: a, b\)/);
});

test('errors name file:line and never show the secret', () => {
  const bad: [string, RegExp][] = [
    [`key "a" {\n algorithm hmac-sha3;\n secret "${SECRET}";\n};`, /^k:3: unknown TSIG algorithm "hmac-sha3"/],
    [`key "a" {\n algorithm hmac-sha256;\n secret "not base64!!";\n};`, /^k:3: the secret of key "a" is not valid base64$/],
    [`key "a" {\n algorithm hmac-sha256;\n};`, /^k:1: key "a" has no secret$/],
    [`\n\nkey "a" { algorithm hmac-sha256 secret "${SECRET}"; };`, /^k:3: expected "algorithm VALUE;"/],
    [`key "a" { secret "${SECRET}`, /^k:1: unterminated string$/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseBindKeys(text, 'k'), (e: Error & { code?: string }) => e.code === 'ERR_DNS_KEY_FILE' && re.test(e.message) && !e.message.includes(SECRET) && !e.message.includes('not base64!!'), text);
  }
  assert.throws(() => parseKnotKeys(`key:\n  - id: x\n    algorithm: hmac-sha256\n`, 'knot.conf'), / knot.conf:2: key entry has no secret$/);
  assert.throws(() => parseKnotKeys(`key:\n  - id: x\n    algorithm: hmac-sha256\n    secret: "%%%"\n`, 'knot.conf'), (e: Error) => /^knot.conf:2: the secret of key "x" is not valid base64$/.test(e.message) && !e.message.includes('%%%'));
  assert.throws(() => loadKeyFile(join(dir, 'missing')), /missing: cannot read \(ENOENT\)/);
  assert.throws(() => loadKeyFile(file('empty.conf', '# nothing\n')), /no TSIG key found/);
});

test('name + algorithm + a file holding only the secret', () => {
  const p = file('secret', `# made by hand\n${SECRET}\n`);
  const k = loadSecretFile('floatd', 'hmac-sha256', p);
  assert.deepEqual([k.name, k.algorithm, k.secret.toString()], ['floatd', 'hmac-sha256', 'secret-bytes-for-tests']);
  assert.throws(() => loadSecretFile('floatd', 'hmac-sha256', file('two', 'a\nb\n')), /expected exactly one line/);
  assert.throws(() => loadSecretFile('floatd', 'sha256', p), /unknown TSIG algorithm "sha256"/);
});
