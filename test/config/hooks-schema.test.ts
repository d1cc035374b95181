import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problemLines, service, withServices } from './helpers/service-text.js';

test('hooks: one command per trigger (any first), one time limit, 10 s by default', () => {
  const s = parse(
    withServices(
      service(
        ['listener: { port: 80 }'],
        ['hooks:', '  down: [/usr/local/bin/page, "$SERVICE is down"]', '  any: [/usr/bin/logger, -t, floatd]', '  timeout: 2.5'],
      ),
    ),
  ).services![0]!;
  assert.deepEqual(s.hooks, [
    { on: 'any', command: ['/usr/bin/logger', '-t', 'floatd'], timeoutMs: 2500 },
    { on: 'down', command: ['/usr/local/bin/page', '$SERVICE is down'], timeoutMs: 2500 },
  ]);
  const plain = parse(withServices(service(['listener: { port: 80 }'], ['hooks: { up: [/bin/true] }']))).services![0]!;
  assert.deepEqual(plain.hooks, [{ on: 'up', command: ['/bin/true'], timeoutMs: 10_000 }]);
  assert.deepEqual(parse(withServices(service(['listener: { port: 80 }']))).services![0]!.hooks, []);
});

test('bad hooks name the key and what is expected', () => {
  const cases: [string, string][] = [
    ['hooks: {}', 'services[0].hooks: no hook given (expected one or more of any, up, down, disabled)'],
    ['hooks: { timeout: 5 }', 'services[0].hooks: no hook given (expected one or more of any, up, down, disabled)'],
    ['hooks: { upp: [/bin/true] }', 'services[0].hooks.upp: unknown key "upp", did you mean up? (expected one of: any, up, down, disabled, timeout)'],
    ['hooks: { up: [] }', 'services[0].hooks.up: the list is empty (expected the program and its arguments)'],
    ['hooks: { up: /bin/true }', 'services[0].hooks.up: got a string (expected a list: the program and its arguments)'],
    ['hooks: { up: [/bin/true], timeout: 0 }', 'services[0].hooks.timeout: 0 is out of range (expected a number of seconds 0.1..3600)'],
    ['hooks: [/bin/true]', 'services[0].hooks: got a list (expected a mapping with one or more of any, up, down, disabled (each a program and its arguments), and optionally timeout)'],
  ];
  for (const [line, want] of cases) {
    const got = problemLines(withServices(service(['listener: { port: 80 }'], [line])));
    assert.ok(got.includes(want), `${line}:\n${got.join('\n')}`);
  }
});
