import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problemLines, problems, service, withServices } from '../helpers/service-text.js';

test('load checks map onto probe specs', () => {
  const kinds: [string, unknown][] = [
    ['load: { source: cpu, max: 1.5 }', { kind: 'load', metric: 'cpu', max: 1.5 }],
    ['load: { source: cpu, max: 2, window: 5 }', { kind: 'load', metric: 'cpu', max: 2, window: 5 }],
    ['load: { source: memory, max: 0.9 }', { kind: 'load', metric: 'memory', max: 0.9 }],
    ['load: { source: connections, port: 443, max: 5000 }', { kind: 'load', metric: 'connections', port: 443, max: 5000 }],
  ];
  for (const [line, spec] of kinds) assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, spec, line);
});

test('bad load checks name the key and what is expected', () => {
  const cases: [string, string][] = [
    ['load: { max: 1 }', 'services[0].check.load.source: missing (expected one of cpu, memory, connections)'],
    ['load: { source: disk, max: 1 }', 'services[0].check.load.source: "disk" is not allowed (expected one of cpu, memory, connections)'],
    ['load: { source: connections, max: 10 }', 'services[0].check.load.port: missing (expected the local TCP port whose established connections are counted)'],
    ['load: { source: cpu, max: 1, port: 80 }', 'services[0].check.load.port: port applies to source connections only (expected no port for source cpu)'],
    ['load: { source: memory, max: 0.5, window: 5 }', 'services[0].check.load.window: window applies to source cpu only (expected no window for source memory)'],
    ['load: { source: cpu, max: 1, window: 3 }', 'services[0].check.load.window: 3 is not allowed (expected 1, 5 or 15 (minutes of load average))'],
    ['load: { source: memory, max: 90 }', 'services[0].check.load.max: 90 does not fit source memory (expected a fraction of memory in use, 0..1)'],
    ['load: { source: connections, port: 80, max: 1.5 }', 'services[0].check.load.max: 1.5 does not fit source connections (expected a number of established connections, 0 or more)'],
    ['load: { source: cpu, max: -1 }', 'services[0].check.load.max: -1 is out of range (expected a threshold, 0 or more)'],
    ['load: { source: cpu, max: 1, maxx: 2 }', 'services[0].check.load.maxx: unknown key "maxx", did you mean max? (expected one of: source, max, port, window)'],
  ];
  for (const [line, want] of cases) {
    const got = problemLines(withServices(service([line])));
    assert.ok(got.includes(want), `${line}:\n${got.join('\n')}`);
    assert.ok(problems(withServices(service([line]))).every((x) => x.line === 13), `${line}: reported at its line`);
  }
});
