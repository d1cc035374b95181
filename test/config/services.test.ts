import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkToFile } from '../../src/config/checks/index.js';
import { serviceExtrasToFile } from '../../src/config/services-schema.js';
import { HEALTH_DEFAULTS } from '../../src/health/defaults.js';
import { stringify } from 'yaml';
import { HEAD, parse, problemLines, problems, service, withServices } from './helpers/service-text.js';

test('no services key: services stays undefined', () => {
  assert.equal(parse([...HEAD, ''].join('\n')).services, undefined);
});

test('an http service with defaults from the health module', () => {
  const cfg = parse(withServices(service(['http: { url: "http://127.0.0.1:8080/health?full=1", expect-status: [200, "204-206"] }'])));
  const s = cfg.services![0]!;
  assert.equal(s.name, 'web');
  assert.deepEqual(s.prefixes, ['192.0.2.10/32']);
  assert.deepEqual(s.check, { kind: 'http', host: '127.0.0.1', port: 8080, path: '/health?full=1', status: [200, [204, 206]] });
  assert.equal(s.rise, HEALTH_DEFAULTS.rise);
  assert.equal(s.fall, HEALTH_DEFAULTS.fall);
  assert.equal(s.intervalMs, HEALTH_DEFAULTS.intervalMs);
  assert.equal(s.fastIntervalMs, HEALTH_DEFAULTS.fastIntervalMs);
  assert.equal(s.timeoutMs, HEALTH_DEFAULTS.timeoutMs);
  assert.equal(s.disableFile, undefined);
  assert.deepEqual(s.up, {});
  assert.equal(s.whenDown, 'withdraw');
  assert.equal(s.whenDisabled, 'withdraw');
  assert.equal(s.role, undefined);
  assert.deepEqual(s.roleStyle, { kind: 'prepend' });
  assert.equal(s.failback, true);
  // Both neighbors carry IPv4.
  assert.deepEqual(s.targets, [['192.0.2.254', '192.0.2.253']]);
});

test('every key: timings in seconds with decimals, attributes, states, roles', () => {
  const s = parse(
    withServices(
      service(
        ['tcp: { host: 127.0.0.1, port: 80 }'],
        [
          'rise: 5',
          'fall: 1',
          'interval: 1.5',
          'fast-interval: 0.25',
          'timeout: 0.75',
          'disable-file: /etc/floatd/maintenance-web',
          'med: 100',
          'prepend: 1',
          'communities: ["65000:7"]',
          'large-communities: ["65001:1:2"]',
          'local-pref: 200',
          'when-down: { med: 1000 }',
          'when-disabled: withdraw',
          'role: secondary',
          'role-style: community',
          'failback: false',
          'neighbors: [192.0.2.253]',
        ],
      ),
    ),
  ).services![0]!;
  assert.deepEqual(
    { rise: s.rise, fall: s.fall, i: s.intervalMs, f: s.fastIntervalMs, t: s.timeoutMs, d: s.disableFile },
    { rise: 5, fall: 1, i: 1500, f: 250, t: 750, d: '/etc/floatd/maintenance-web' },
  );
  assert.deepEqual(s.up, { med: 100, prepend: 1, communities: [65000 * 65536 + 7], largeCommunities: [{ global: 65001, local1: 1, local2: 2 }], localPref: 200 });
  assert.deepEqual(s.whenDown, { announce: { med: 1000 } });
  assert.equal(s.whenDisabled, 'withdraw');
  assert.equal(s.role, 'secondary');
  assert.deepEqual(s.roleStyle, { kind: 'community', communities: { primary: 65000 * 65536 + 1, secondary: 65000 * 65536 + 2, tertiary: 65000 * 65536 + 3 } });
  assert.equal(s.failback, false);
  assert.deepEqual(s.targets, [['192.0.2.253']]);
});

test('when-down: a word other than withdraw, or a bad attribute, is refused where written', () => {
  const word = problems(withServices(service(['listener: { port: 80 }'], ['when-down: keep'])));
  assert.equal(word[0]!.path, 'services[0].when-down');
  assert.equal(word[0]!.line, 14);
  assert.match(word[0]!.message, /"keep" is not allowed \(expected withdraw or a mapping/);
  const attr = problems(withServices(service(['listener: { port: 80 }'], ['when-down: { med: -1 }'])));
  assert.equal(attr[0]!.path, 'services[0].when-down.med');
  assert.match(attr[0]!.message, /out of range/);
  const unknown = problems(withServices(service(['listener: { port: 80 }'], ['when-down: { medd: 5 }'])));
  assert.equal(unknown[0]!.path, 'services[0].when-down.medd');
  assert.equal(unknown[0]!.line, 14);
  assert.match(unknown[0]!.message, /unknown key "medd", did you mean med\?/);
});

test('timeout longer than the interval is refused', () => {
  const p = problems(withServices(service(['listener: { port: 80 }'], ['interval: 1', 'timeout: 2'])));
  assert.equal(p[0]!.path, 'services[0].timeout');
  assert.match(p[0]!.message, /2 s is longer than the interval \(expected at most 1 s\)/);
});

test('a prefix in both announce and services is refused', () => {
  const p = problems(withServices(service(['listener: { port: 80 }']), ['announce:', '  - prefix: 192.0.2.10/32']));
  assert.equal(p.length, 1);
  assert.equal(p[0]!.path, 'services[0].prefixes[0]');
  assert.equal(p[0]!.line, 11);
  assert.match(p[0]!.message, /already announced by announce\[0\]/);
});

test('a prefix in two services, and a service name used twice, are refused', () => {
  const p = problems(withServices([...service(['listener: { port: 80 }']), ...service(['listener: { port: 81 }'])]));
  const paths = p.map((x) => x.path).sort();
  assert.deepEqual(paths, ['services[1].name', 'services[1].prefixes[0]']);
  assert.ok(p.some((x) => /already the name of services\[0\]/.test(x.message)));
  assert.ok(p.some((x) => /already announced by services\[0\] \(web\)/.test(x.message)));
});

test('service prefixes must respect allow', () => {
  const p = problems(withServices(service(['listener: { port: 80 }']), ['allow: [198.51.100.0/24]']));
  assert.equal(p[0]!.path, 'services[0].prefixes[0]');
  assert.match(p[0]!.message, /outside the allow list \(expected inside one of 198.51.100.0\/24\)/);
  assert.doesNotThrow(() => parse(withServices(service(['listener: { port: 80 }']), ['allow: [192.0.2.0/24]'])));
});

test('service neighbors must exist and carry the family', () => {
  const text = withServices([
    '  - name: v6',
    '    prefixes: [2001:db8::10/128]',
    '    check: { listener: { port: 80 } }',
    '    neighbors: [192.0.2.253, 192.0.2.9]',
  ]);
  const p = problems(text);
  assert.deepEqual(
    p.map((x) => x.path),
    ['services[0].neighbors[0]', 'services[0].neighbors[1]'],
  );
  assert.match(p[0]!.message, /does not carry ipv6/);
  assert.match(p[1]!.message, /192.0.2.9 is not a configured neighbor/);
  // Without a list: only the neighbor carrying IPv6.
  const ok = parse(withServices(['  - name: v6', '    prefixes: [2001:db8::10/128]', '    check: { listener: { port: 80 } }']));
  assert.deepEqual(ok.services![0]!.targets, [['192.0.2.254']]);
});

test('drain and drain-on-stop: defaults 3 s at LOCAL_PREF 0, off on stop; both settable', () => {
  const d = parse(withServices(service(['listener: { port: 80 }']))).services![0]!;
  assert.deepEqual(d.drain, { timeMs: 3000, localPref: 0 });
  assert.equal(d.drainOnStop, false);
  const s = parse(withServices(service(['listener: { port: 80 }'], ['drain: { time: 10, local-pref: 50 }', 'drain-on-stop: true']))).services![0]!;
  assert.deepEqual(s.drain, { timeMs: 10_000, localPref: 50 });
  assert.equal(s.drainOnStop, true);
  assert.deepEqual(parse(withServices(service(['listener: { port: 80 }'], ['drain: { time: 0 }']))).services![0]!.drain, { timeMs: 0, localPref: 0 });
  const cases: [string, string][] = [
    ['drain: { time: -1 }', 'services[0].drain.time: -1 is out of range (expected a number of seconds 0..3600)'],
    ['drain: { local-pref: -5 }', 'services[0].drain.local-pref: -5 is out of range (expected a LOCAL_PREF 0..4294967295)'],
    ['drain: { tme: 3 }', 'services[0].drain.tme: unknown key "tme", did you mean time? (expected one of: time, local-pref)'],
    ['drain-on-stop: yes please', 'services[0].drain-on-stop: got a string (expected true or false)'],
  ];
  for (const [line, want] of cases) {
    const got = problemLines(withServices(service(['listener: { port: 80 }'], [line])));
    assert.ok(got.includes(want), `${line}:\n${got.join('\n')}`);
  }
});

test('the file form of every new key loads back to the same service', () => {
  const first = parse(
    withServices(
      service(
        [
          'any-of:',
          '  - { name: web, http: { url: "http://127.0.0.1:8080/", body-regex: "ok$", servername: a.test }, timeout: 0.5 }',
          '  - all-of:',
          '      - dns: { name: a.test, server: 192.0.2.53, expect: [192.0.2.10] }',
          '      - load: { source: cpu, max: 2, window: 15 }',
          '      - load: { source: connections, port: 443, max: 100 }',
        ],
        [
          'hooks: { any: [/bin/echo, x], disabled: [/bin/true], timeout: 3 }',
          'drain: { time: 7, local-pref: 5 }',
          'drain-on-stop: true',
          'med-from-load: { source: connections, port: 443, low: 10, high: 90, max: 900, hysteresis: 0.1 }',
        ],
      ),
    ),
  ).services![0]!;
  const file = { name: first.name, prefixes: first.prefixes, check: checkToFile(first.check), ...serviceExtrasToFile(first) };
  const text = [...HEAD, 'services:', ...stringify([file]).split('\n').map((l) => `  ${l}`), ''].join('\n');
  const second = parse(text).services![0]!;
  for (const key of ['check', 'hooks', 'drain', 'drainOnStop', 'medFromLoad'] as const) assert.deepEqual(second[key], first[key], key);
  assert.deepEqual(checkToFile({ kind: 'tcp', host: '127.0.0.1', port: 1 }), { tcp: { host: '127.0.0.1', port: 1 } });
});
