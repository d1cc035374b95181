import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUN_JS = fileURLToPath(new URL('../../src/cli/run.js', import.meta.url));
const PROBES_JS = fileURLToPath(new URL('../../src/health/index.js', import.meta.url));
const HEAVY = /^NativeModule (internal\/deps\/undici\/undici|tls|http2|https)$/;

/** Node's built-in modules loaded by a fresh process after `script`. */
function builtinsAfter(script: string): string[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${script}\nconsole.log(JSON.stringify(process.moduleLoadList));`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

test('the daemon and its HTTP probe load no TLS, HTTP/2 or undici (megabytes resident) until an https check needs them', () => {
  const plain = builtinsAfter(
    `await import(${JSON.stringify(RUN_JS)});\nconst { createProbe } = await import(${JSON.stringify(PROBES_JS)});\ncreateProbe({ kind: 'http', host: '127.0.0.1', port: 80 }, {});`,
  );
  assert.deepEqual(plain.filter((m) => HEAVY.test(m)), []);
  assert.ok(plain.includes('NativeModule http'), 'node:http itself is loaded');
  const tls = builtinsAfter(`const { createProbe } = await import(${JSON.stringify(PROBES_JS)});\ncreateProbe({ kind: 'https', host: '127.0.0.1', port: 443 }, {});`);
  assert.ok(tls.includes('NativeModule https'));
});
