// metrics.actions in the config: off unless given; the token is read at
// load, must be long enough, and never shows in `floatd check` output.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, effectiveConfig, parseConfigText } from '../../src/config/index.js';
import type { LoadOptions } from '../../src/config/index.js';

const TOKEN = '0123456789abcdef'.repeat(4);
const files: Record<string, string> = { '/etc/floatd/token': `${TOKEN}\n`, '/etc/floatd/short': 'hunter2\n' };
const opts: LoadOptions = {
  env: {},
  hostname: 'h',
  readFile: (p) => {
    const s = files[p];
    if (s === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return s;
  },
};
const config = (metrics: string[]): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', 'metrics:', '  listen: 127.0.0.1:9179', ...metrics, ''].join('\n');

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'floatd.yaml', opts);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

test('without actions the metrics section is as before; with them the token is read and kept secret', () => {
  assert.deepEqual(parseConfigText(config([]), 'floatd.yaml', opts).metrics, { listen: { host: '127.0.0.1', port: 9179 } });
  const cfg = parseConfigText(config(['  actions:', '    token-file: /etc/floatd/token']), 'floatd.yaml', opts);
  assert.equal(cfg.metrics?.actions?.tokenFile, '/etc/floatd/token');
  assert.equal(cfg.metrics?.actions?.token.reveal(), TOKEN);
  assert.equal(String(cfg.metrics?.actions?.token), '[redacted]');
  const shown = JSON.stringify(effectiveConfig(cfg));
  assert.ok(!shown.includes(TOKEN), 'floatd check never prints the token');
  assert.deepEqual(effectiveConfig(cfg)['metrics'], { listen: '127.0.0.1:9179', actions: { 'token-file': '/etc/floatd/token' } });
});

test('an unreadable, short or missing token file is a config error at the key', () => {
  assert.deepEqual(problems(config(['  actions:', '    token-file: /etc/floatd/none'])), [
    'metrics.actions.token-file: cannot read /etc/floatd/none: ENOENT (expected a readable file holding the token)',
  ]);
  const short = problems(config(['  actions:', '    token-file: /etc/floatd/short']));
  assert.equal(short.length, 1);
  assert.match(short[0]!, /^metrics\.actions\.token-file: the token in \/etc\/floatd\/short is shorter than 32 bytes/);
  assert.ok(!short[0]!.includes('hunter2'), 'the error never shows the token');
  assert.match(problems(config(['  actions: {}']))[0]!, /^metrics\.actions\.token-file: missing/);
  assert.ok(problems(config(['  actions:', '    token: abc'])).some((p) => /unknown key "token" \(expected one of: token-file\)/.test(p)));
});
