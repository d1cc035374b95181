import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problemLines, service, withServices } from './helpers/service-text.js';

test('med-from-load: defaults per source, every key, and the settings ServiceRoutes gets', () => {
  const cpu = parse(withServices(service(['listener: { port: 80 }'], ['med-from-load: { source: cpu, max: 1000 }']))).services![0]!;
  assert.deepEqual(cpu.medFromLoad, {
    measure: { metric: 'cpu' },
    intervalMs: 5000,
    low: 0.2,
    high: 1,
    minMed: 0,
    maxMed: 1000,
    step: 100,
    hysteresis: 0.5,
    minIntervalMs: 30_000,
  });
  const mem = parse(withServices(service(['listener: { port: 80 }'], ['med-from-load: { source: memory, min: 50, max: 75 }']))).services![0]!;
  assert.deepEqual({ low: mem.medFromLoad!.low, high: mem.medFromLoad!.high, step: mem.medFromLoad!.step }, { low: 0.5, high: 0.95, step: 3 });
  const conns = parse(
    withServices(
      service(
        ['listener: { port: 443 }'],
        [
          'med-from-load:',
          '  source: connections',
          '  port: 443',
          '  low: 100',
          '  high: 5000',
          '  min: 100',
          '  max: 600',
          '  step: 50',
          '  hysteresis: 0.25',
          '  interval: 2',
          '  min-interval: 60',
        ],
      ),
    ),
  ).services![0]!;
  assert.deepEqual(conns.medFromLoad, {
    measure: { metric: 'connections', port: 443 },
    intervalMs: 2000,
    low: 100,
    high: 5000,
    minMed: 100,
    maxMed: 600,
    step: 50,
    hysteresis: 0.25,
    minIntervalMs: 60_000,
  });
  assert.equal(parse(withServices(service(['listener: { port: 80 }']))).services![0]!.medFromLoad, undefined);
});

test('bad med-from-load settings name the key and what is expected', () => {
  const cases: [string, string][] = [
    ['med-from-load: { source: cpu }', 'services[0].med-from-load.max: missing (expected a MED 0..4294967295)'],
    ['med-from-load: { source: connections, max: 100 }', 'services[0].med-from-load.port: missing (expected the local TCP port whose established connections are counted)'],
    ['med-from-load: { source: connections, port: 80, max: 100 }', 'services[0].med-from-load.low: missing (expected a number of established connections, 0 or more: source connections has no default)'],
    ['med-from-load: { source: connections, port: 80, low: 10, max: 100 }', 'services[0].med-from-load.high: missing (expected a number of established connections, 0 or more: source connections has no default)'],
    ['med-from-load: { source: cpu, low: 1, high: 0.5, max: 100 }', 'services[0].med-from-load.high: 0.5 is not above low 1 (expected more than 1)'],
    ['med-from-load: { source: memory, high: 2, max: 100 }', 'services[0].med-from-load.high: 2 does not fit source memory (expected a fraction of memory in use, 0..1)'],
    ['med-from-load: { source: cpu, min: 500, max: 500 }', 'services[0].med-from-load.max: 500 is not above min 500 (expected more than 500)'],
    ['med-from-load: { source: cpu, max: 500, hysteresis: 0.8 }', 'services[0].med-from-load.hysteresis: 0.8 is out of range (expected a part of a step 0..0.5)'],
    ['med-from-load: { source: cpu, max: 500, step: 0 }', 'services[0].med-from-load.step: 0 is out of range (expected a MED step 1..4294967295)'],
    ['med-from-load: { source: cpu, max: 500, window: 5, port: 1 }', 'services[0].med-from-load.port: port applies to source connections only (expected no port for source cpu)'],
    ['med-from-load: { source: cpu, max: 500, min-intervall: 5 }', 'services[0].med-from-load.min-intervall: unknown key "min-intervall", did you mean min-interval? (expected one of: source, port, window, low, high, min, max, step, hysteresis, interval, min-interval)'],
  ];
  for (const [line, want] of cases) {
    const got = problemLines(withServices(service(['listener: { port: 80 }'], [line])));
    assert.ok(got.includes(want), `${line}:\n${got.join('\n')}`);
  }
  const both = problemLines(withServices(service(['listener: { port: 80 }'], ['med: 100', 'med-from-load: { source: cpu, max: 500 }'])));
  assert.deepEqual(both, ['services[0].med: med-from-load sets the MED while up (expected either med or med-from-load, not both)']);
});
