import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problems, service, withServices } from '../helpers/service-text.js';

test('process checks by pid file and by unit map onto probe specs', () => {
  const kinds: [string, unknown][] = [
    ['process: { pid-file: /run/nginx.pid }', { kind: 'process', pidFile: '/run/nginx.pid' }],
    ['process: { unit: nginx.service }', { kind: 'process', unit: 'nginx.service' }],
  ];
  for (const [line, spec] of kinds) assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, spec, line);
});

test('a process check with two targets, or a relative pid file, is refused at its line', () => {
  const cases: [string, RegExp][] = [
    ['process: { pid-file: /run/a.pid, pid: 5 }', /more than one thing to watch/],
    ['process: { pid-file: run/a.pid }', /is not absolute/],
  ];
  for (const [line, match] of cases) {
    const p = problems(withServices(service([line])));
    assert.ok(p.some((x) => x.line === 13 && match.test(x.message)), `${line}: ${JSON.stringify(p)}`);
  }
});
