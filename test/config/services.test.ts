import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfigText } from '../../src/config/index.js';
import type { Config, ConfigProblem } from '../../src/config/index.js';

const HEAD = [
  'router-id: 192.0.2.1',
  'local-as: 65001',
  'neighbors:',
  '  - address: 192.0.2.254',
  '    peer-as: 64512',
  '    families: [ipv4, ipv6]',
  '  - address: 192.0.2.253',
  '    peer-as: 64513',
];

/** A config whose `services:` key is on line 9; `lines` follow it. */
const withServices = (lines: string[], extra: string[] = []): string => [...HEAD, 'services:', ...lines, ...extra, ''].join('\n');

const parse = (text: string): Config => parseConfigText(text, 'floatd.yaml', { env: {}, hostname: 'h' });

function problems(text: string): readonly ConfigProblem[] {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

const service = (check: string[], more: string[] = []): string[] => [
  '  - name: web',
  '    prefixes: [192.0.2.10/32]',
  '    check:',
  ...check.map((l) => `      ${l}`),
  ...more.map((l) => `    ${l}`),
];

test('no services key: services stays undefined', () => {
  assert.equal(parse([...HEAD, ''].join('\n')).services, undefined);
});

test('an http service with defaults from the health module', () => {
  const cfg = parse(withServices(service(['http: { url: "http://127.0.0.1:8080/health?full=1", expect-status: [200, "204-206"] }'])));
  const s = cfg.services![0]!;
  assert.equal(s.name, 'web');
  assert.deepEqual(s.prefixes, ['192.0.2.10/32']);
  assert.deepEqual(s.check, { kind: 'http', host: '127.0.0.1', port: 8080, path: '/health?full=1', status: [200, [204, 206]] });
  assert.equal(s.rise, 3);
  assert.equal(s.fall, 2);
  assert.equal(s.intervalMs, 2000);
  assert.equal(s.fastIntervalMs, 500);
  assert.equal(s.timeoutMs, 1000);
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

test('https URL, IPv6 host, headers and insecure', () => {
  const s = parse(withServices(service(['http: { url: "https://[2001:db8::5]/", headers: { X-Check: floatd }, insecure: true }'])))
    .services![0]!;
  assert.deepEqual(s.check, { kind: 'https', host: '2001:db8::5', path: '/', headers: { 'X-Check': 'floatd' }, insecure: true });
});

test('tcp, exec, process and listener probes map onto probe specs', () => {
  const kinds: [string, unknown][] = [
    ['tcp: { host: 127.0.0.1, port: 5432 }', { kind: 'tcp', host: '127.0.0.1', port: 5432 }],
    ['exec: { command: [/usr/bin/pg_isready, -q] }', { kind: 'exec', command: ['/usr/bin/pg_isready', '-q'] }],
    ['process: { pid-file: /run/nginx.pid }', { kind: 'process', pidFile: '/run/nginx.pid' }],
    ['process: { unit: nginx.service }', { kind: 'process', unit: 'nginx.service' }],
    ['listener: { port: 443 }', { kind: 'listener', port: 443 }],
    ['listener: { port: 53, address: "::1" }', { kind: 'listener', port: 53, address: '::1' }],
  ];
  for (const [line, spec] of kinds) assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, spec, line);
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
  assert.match(none[0]!.message, /no probe given \(expected exactly one of tcp, http, exec, process, listener\)/);
  const two = problems(withServices(service(['tcp: { host: 127.0.0.1, port: 80 }', 'listener: { port: 80 }'])));
  assert.match(two[0]!.message, /2 probes given/);
});

test('bad probe values: URL scheme, empty command, process with two targets, relative path', () => {
  const cases: [string, RegExp][] = [
    ['http: { url: "ftp://127.0.0.1/" }', /ftp: is not supported/],
    ['http: { url: "http://u:p@127.0.0.1/" }', /credentials in the URL/],
    ['http: { url: "http://127.0.0.1/", expect-status: [700] }', /700 is not a status/],
    ['exec: { command: [] }', /the list is empty/],
    ['process: { pid-file: /run/a.pid, pid: 5 }', /more than one thing to watch/],
    ['process: { pid-file: run/a.pid }', /is not absolute/],
  ];
  for (const [line, match] of cases) {
    const p = problems(withServices(service([line])));
    assert.ok(p.some((x) => x.line === 13 && match.test(x.message)), `${line}: ${JSON.stringify(p)}`);
  }
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
