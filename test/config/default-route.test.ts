import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfigText } from '../../src/config/index.js';
import type { ConfigProblem } from '../../src/config/index.js';
import { problems as serviceProblems, parse, withServices } from './helpers/service-text.js';

function problems(text: string): readonly ConfigProblem[] {
  try {
    parseConfigText(text, 'floatd.yaml', { env: {}, hostname: 'h' });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

const withAnnounce = (prefix: string, tail: string[] = []): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - { address: 192.0.2.254, peer-as: 64512, families: [ipv4, ipv6] }', 'announce:', `  - prefix: "${prefix}"`, ...tail, ''].join('\n');

test('a default route in announce is refused without allow, naming the key', () => {
  for (const prefix of ['0.0.0.0/0', '::/0']) {
    const ps = problems(withAnnounce(prefix));
    assert.equal(ps.length, 1);
    assert.equal(ps[0]!.path, 'announce[0].prefix');
    assert.match(ps[0]!.message, new RegExp(`^${prefix.replace(/\./g, '\\.')} is a default route, announced only when allow lists it`));
  }
});

test('a default route is refused when allow covers other prefixes only', () => {
  const ps = problems(withAnnounce('0.0.0.0/0', ['allow: [192.0.2.0/24, "::/0"]']));
  assert.equal(ps.length, 1);
  assert.match(ps[0]!.message, /is a default route/);
});

test('a default route listed in allow is announced', () => {
  const cfg = parseConfigText(withAnnounce('0.0.0.0/0', ['allow: [0.0.0.0/0]']), 'floatd.yaml', { env: {}, hostname: 'h' });
  assert.equal(cfg.announce[0]!.prefix, '0.0.0.0/0');
  const v6 = parseConfigText(withAnnounce('::/0', ['allow: ["::/0"]']), 'floatd.yaml', { env: {}, hostname: 'h' });
  assert.equal(v6.announce[0]!.prefix, '::/0');
});

test('a default route in a service prefixes is refused without allow', () => {
  const svc = (extra: string[] = []) => withServices(['  - name: web', '    prefixes: [0.0.0.0/0]', '    check: { listener: { port: 80 } }'], extra);
  const ps = serviceProblems(svc());
  assert.deepEqual(
    ps.map((p) => [p.path, /is a default route/.test(p.message)]),
    [['services[0].prefixes[0]', true]],
  );
  assert.equal(parse(svc(['allow: [0.0.0.0/0]'])).services![0]!.prefixes[0], '0.0.0.0/0');
});
