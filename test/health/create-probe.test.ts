import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProbe } from '../../src/health/create-probe.js';
import type { ProbeSpec } from '../../src/health/probe-spec.js';
import { isWatching } from '../../src/health/probe-result.js';

test('each spec kind builds its probe; process and listener probes watch', () => {
  const specs: ProbeSpec[] = [
    { kind: 'tcp', host: '127.0.0.1', port: 80 },
    { kind: 'http', host: '127.0.0.1' },
    { kind: 'https', host: '127.0.0.1' },
    { kind: 'exec', command: ['true'] },
    { kind: 'exec', shell: true, command: 'true' },
    { kind: 'dns', name: 'a.test', server: '127.0.0.1' },
    { kind: 'load', metric: 'cpu', max: 2 },
    { kind: 'process', pid: 1 },
    { kind: 'process', pidFile: '/run/x.pid' },
    { kind: 'process', unit: 'x.service' },
    { kind: 'listener', port: 80 },
    { kind: 'composite', mode: 'any', probes: [{ name: 'a', probe: { kind: 'listener', port: 80 } }] },
  ];
  assert.deepEqual(
    specs.map((s) => {
      const p = createProbe(s);
      return `${p.kind}${isWatching(p) ? '*' : ''}`;
    }),
    ['tcp', 'http', 'https', 'exec', 'exec', 'dns', 'load', 'process*', 'process*', 'process*', 'listener*', 'composite*'],
  );
});

test('what the types cannot rule out is a TypeError at creation', () => {
  assert.throws(() => createProbe({ kind: 'exec', command: [] }), /empty command/);
  assert.throws(() => createProbe({ kind: 'exec', shell: true, command: '  ' }), /empty command/);
  assert.throws(() => createProbe({ kind: 'http', host: 'x', bodyRegex: '[' }), (e: unknown) => e instanceof TypeError && /bodyRegex/.test(e.message));
  assert.throws(() => createProbe({ kind: 'composite', mode: 'all', probes: [] }), /no parts/);
  const dup: ProbeSpec = {
    kind: 'composite',
    mode: 'all',
    probes: [
      { name: 'a', probe: { kind: 'tcp', host: '127.0.0.1', port: 1 } },
      { name: 'a', probe: { kind: 'tcp', host: '127.0.0.1', port: 2 } },
    ],
  };
  assert.throws(() => createProbe(dup), /"a" used twice/);
});
