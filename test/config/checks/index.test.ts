import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { checkToFile } from '../../../src/config/checks/index.js';
import type { ProbeKind, ProbeSpec } from '../../../src/health/probe-spec.js';
import { parse, problems, service, withServices } from '../helpers/service-text.js';

test('a bad probe is reported at its line', () => {
  // Line 9 is `services:`, 10 the name, 11 prefixes, 12 check:, 13 the probe.
  const p = problems(withServices(service(['tcp: { host: 127.0.0.1, port: 70000 }'])));
  assert.equal(p.length, 1);
  assert.equal(p[0]!.line, 13);
  assert.equal(p[0]!.path, 'services[0].check.tcp.port');
  assert.match(p[0]!.message, /out of range \(expected a TCP port/);
});

test('an unknown probe kind is reported at its key, with a suggestion', () => {
  const p = problems(withServices(service(['htp: { url: "http://127.0.0.1/" }'])));
  assert.ok(p.some((x) => x.line === 13 && x.col === 7 && /unknown key "htp", did you mean http\?/.test(x.message)), JSON.stringify(p));
});

test('no probe, or two probes, is refused', () => {
  const none = problems(withServices(['  - name: web', '    prefixes: [192.0.2.10/32]', '    check: {}']));
  assert.equal(none[0]!.line, 12);
  assert.match(none[0]!.message, /no probe given \(expected exactly one of tcp, http, exec, process, listener, dns, load, all-of, any-of\)/);
  const two = problems(withServices(service(['tcp: { host: 127.0.0.1, port: 80 }', 'listener: { port: 80 }'])));
  assert.match(two[0]!.message, /2 probes given/);
});

/** Specs as the schema produces them (defaults filled in), at least one per kind. */
const SAMPLES: Readonly<Record<ProbeKind, readonly ProbeSpec[]>> = {
  tcp: [{ kind: 'tcp', host: '127.0.0.1', port: 80, localAddress: '127.0.0.2' }],
  http: [{ kind: 'http', host: '127.0.0.1', port: 8080, path: '/health?full=1', method: 'HEAD', status: [200, [204, 206]], bodyContains: 'ok', headers: { 'X-A': 'b' }, hostHeader: 'a.test' }],
  https: [{ kind: 'https', host: '2001:db8::5', path: '/', bodyRegex: '^ok$', servername: 'a.test', insecure: true }],
  exec: [{ kind: 'exec', command: ['/bin/true', '-q'], env: { A: 'b' }, cwd: '/tmp' }],
  dns: [{ kind: 'dns', name: 'a.test', server: '192.0.2.53', port: 5353, type: 'AAAA', expect: ['2001:db8::10'] }],
  load: [
    { kind: 'load', metric: 'cpu', max: 1.5, window: 15 },
    { kind: 'load', metric: 'memory', max: 0.9 },
    { kind: 'load', metric: 'connections', port: 443, max: 100 },
  ],
  process: [
    { kind: 'process', pidFile: '/run/a.pid' },
    { kind: 'process', pid: 42 },
    { kind: 'process', unit: 'nginx.service' },
  ],
  listener: [{ kind: 'listener', port: 53, address: '::1' }],
  composite: [
    {
      kind: 'composite',
      mode: 'any',
      probes: [
        { name: 'web', probe: { kind: 'listener', port: 80 }, timeoutMs: 250 },
        { name: 'all-of', probe: { kind: 'composite', mode: 'all', probes: [{ name: 'tcp', probe: { kind: 'tcp', host: '127.0.0.1', port: 1 } }] } },
      ],
    },
  ],
};

test('the file form of a check of every kind loads back to the same spec', () => {
  for (const spec of Object.values(SAMPLES).flat()) {
    const lines = stringify(checkToFile(spec)).trimEnd().split('\n');
    // Header and env values print as [redacted]: credentials stay out of `floatd check`.
    const hidden = (m: Readonly<Record<string, string>> | undefined) => m && Object.fromEntries(Object.keys(m).map((k) => [k, '[redacted]']));
    const expected = 'headers' in spec && spec.headers ? { ...spec, headers: hidden(spec.headers) } : 'env' in spec && spec.env ? { ...spec, env: hidden(spec.env) } : spec;
    assert.deepEqual(parse(withServices(service(lines))).services![0]!.check, expected, lines.join('\n'));
  }
});
