import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { effectiveConfig, effectiveConfigText, parseConfigText, serviceAnnouncements } from '../../src/config/index.js';
import type { Config, LoadOptions } from '../../src/config/index.js';

const opts: LoadOptions = { readFile: () => 'file-secret\n', env: { KEY: 'env-secret' }, hostname: 'node-a' };

const text = [
  'router-id: 192.0.2.1',
  'local-as: 65001',
  'listen: {}',
  'neighbors:',
  '  - {address: 192.0.2.254, peer-as: 64512, password: "inline-secret", passive: true}',
  '  - {address: 192.0.2.253, peer-as: 65001, password-file: /k.md5, ttl-security: 2}',
  '  - {address: "2001:db8::1", peer-as: 64512, password-env: KEY, families: [ipv4, ipv6], extended-next-hop: true, graceful-restart: false}',
  'announce:',
  '  - prefix: 198.51.100.7/32',
  '    communities: [no-export, "65535:65281", "65000:1", graceful-shutdown, blackhole]',
  '    large-communities: ["4294967294:0:7"]',
  '    next-hop: "2001:db8::99"',
  '    neighbors: ["2001:db8::1"]',
  '  - prefix: 2001:db8:7::/48',
  '',
].join('\n');

/** Secrets compared by value; everything else structurally. */
const comparable = (c: Config): unknown =>
  JSON.parse(JSON.stringify(c, (_k, v: unknown) => (v !== null && typeof v === 'object' && 'reveal' in v ? `secret:${(v as { reveal(): string }).reveal()}` : v)));

test('effective config uses the file vocabulary with every default written out', () => {
  const eff = effectiveConfig(parseConfigText(text, 'f.yaml', opts));
  assert.deepEqual(Object.keys(eff), ['router-id', 'local-as', 'control-socket', 'control-socket-mode', 'hostname', 'listen', 'neighbors', 'announce']);
  assert.equal(eff['control-socket'], '/run/floatd/floatd.sock');
  assert.equal(eff['control-socket-mode'], '0660');
  assert.equal(eff['hostname'], 'node-a');
  assert.deepEqual(eff['listen'], { address: '::', port: 179 });
  const [a, b, c] = eff['neighbors'] as Record<string, unknown>[];
  assert.deepEqual(a, {
    address: '192.0.2.254',
    'peer-as': 64512,
    port: 179,
    passive: true,
    password: '[redacted]',
    multihop: 1,
    'ttl-security': false,
    'hold-time': 90,
    'connect-retry': 5,
    import: 'none',
    families: ['ipv4'],
    'extended-next-hop': false,
    'graceful-restart': false,
    'next-hop': 'self',
  });
  // A password from a file or the environment is shown by its source; multihop is implied by ttl-security.
  assert.equal(b!['password-file'], '/k.md5');
  assert.equal(b!['password'], undefined);
  assert.equal(b!['multihop'], undefined);
  assert.equal(b!['ttl-security'], 2);
  assert.equal(c!['password-env'], 'KEY');
  assert.equal(c!['graceful-restart'], false);
  const [x, y] = eff['announce'] as Record<string, unknown>[];
  assert.deepEqual(x!['communities'], ['no-export', 'no-export', '65000:1', 'graceful-shutdown', 'blackhole']);
  assert.deepEqual(x!['large-communities'], ['4294967294:0:7']);
  assert.deepEqual(y, { prefix: '2001:db8:7::/48', prepend: 0, communities: [], 'large-communities': [], neighbors: ['2001:db8::1'] });
});

test('the effective config holds no secret in its printed YAML or JSON', () => {
  const eff = effectiveConfig(parseConfigText(text, 'f.yaml', opts));
  for (const out of [stringify(eff), JSON.stringify(eff)]) {
    assert.doesNotMatch(out, /inline-secret|file-secret|env-secret/);
    assert.match(out, /\[redacted\]/);
  }
});

test('printed effective config loads back to the same config', () => {
  const first = parseConfigText(text, 'f.yaml', opts);
  const printed = stringify(effectiveConfig(first)).replace('[redacted]', 'inline-secret');
  const second = parseConfigText(printed, 'f.yaml', opts);
  assert.deepEqual(comparable(second), comparable(first));
});

test('services print in the file form and load back to the same config', () => {
  const withServices = `router-id: 10.0.0.2
local-as: 65001
neighbors:
  - { address: 10.0.0.1, peer-as: 64515 }
  - { address: "2001:db8::1", peer-as: 64515 }
services:
  - name: web
    prefixes: [192.0.2.10/32, "2001:db8:10::/64"]
    check: { http: { url: "https://[::1]:8443/health", expect-status: [200, "300-302"], host-header: web.example, insecure: true } }
    interval: 1.5
    med: 100
    communities: [no-export]
    when-down: { med: 1000 }
    role: secondary
    role-style: community
    failback: false
  - name: db
    prefixes: [192.0.2.20/32]
    check: { process: { pid-file: /run/db.pid } }
    neighbors: [10.0.0.1]
  - name: cache
    prefixes: [192.0.2.30/32]
    check: { exec: { command: [/usr/bin/true, "-x"], env: { A: "1" } } }
    disable-file: /etc/floatd/cache.off
`;
  const first = parseConfigText(withServices, 'f.yaml', opts);
  const printed = stringify(effectiveConfig(first));
  assert.match(printed, /url: https:\/\/\[::1\]:8443\/health/);
  assert.match(printed, /role-style: community/);
  const second = parseConfigText(printed, 'f.yaml', opts);
  // exec env values print as [redacted]; everything else loads back the same.
  const cache = first.services![2]!;
  const expected = first.services!.map((x) => (x === cache ? { ...x, check: { ...x.check, env: { A: '[redacted]' } } } : x));
  assert.deepEqual(second.services, expected);
});

test('metrics, control-socket-mode and control-socket-group print in the file form and load back', () => {
  const more = text.replace(
    'listen: {}\n',
    'listen: {}\nmetrics: { listen: "[0:0::1]:9179" }\ncontrol-socket-mode: "640"\ncontrol-socket-group: 1001\n',
  );
  const first = parseConfigText(more, 'f.yaml', opts);
  const eff = effectiveConfig(first);
  assert.deepEqual(eff['metrics'], { listen: '[::1]:9179' });
  assert.equal(eff['control-socket-mode'], '0640');
  assert.equal(eff['control-socket-group'], '1001');
  const printed = stringify(eff).replace('[redacted]', 'inline-secret');
  assert.match(printed, /control-socket-mode: "0640"/);
  assert.deepEqual(comparable(parseConfigText(printed, 'f.yaml', opts)), comparable(first));
});

test('floatd check heads each service with what it really sends: the role applied, demoted, down and in maintenance', () => {
  const cfg = parseConfigText(
    `router-id: 192.0.2.1
local-as: 65001
neighbors:
  - { address: 192.0.2.254, peer-as: 65000 }
services:
  - name: web
    prefixes: [192.0.2.10/32]
    check: { tcp: { host: 127.0.0.1, port: 80 } }
    med: 100
    role: secondary
    role-style: med
    failback: false
  - name: ls
    prefixes: [192.0.2.11/32]
    check: { tcp: { host: 127.0.0.1, port: 80 } }
    communities: [no-export]
    role: primary
    role-style: community
    failback: false
    when-disabled: { med: 500 }
  - name: db
    prefixes: [192.0.2.20/32]
    check: { tcp: { host: 127.0.0.1, port: 5432 } }
    when-down: { med: 1000 }
`,
    'f.yaml',
    { ipv4Addresses: () => [] },
  );
  const [web, ls, db] = cfg.services!;
  assert.deepEqual(serviceAnnouncements(web!), [
    'web sends when up: med 200 (role secondary, role-style med)',
    'after going down (failback: false): med 300 (role tertiary)',
    'when down: withdraw; in maintenance: withdraw',
  ]);
  assert.deepEqual(serviceAnnouncements(ls!), [
    'ls sends when up: communities no-export 65000:1 (role primary, role-style community)',
    'after going down (failback: false): communities no-export 65000:2 (role secondary)',
    'when down: withdraw; in maintenance: med 500, communities 65000:1',
  ]);
  assert.deepEqual(serviceAnnouncements(db!), ['db sends when up: no extra attributes', 'when down: med 1000; in maintenance: withdraw']);
  const printed = effectiveConfigText(cfg);
  assert.match(printed, /services:\n {2}# web sends when up: med 200 \(role secondary, role-style med\)\n {2}# after going down \(failback: false\): med 300 \(role tertiary\)\n {2}# when down: withdraw; in maintenance: withdraw\n {2}- name: web\n/);
  // The file keeps the configured med, so the printed config loads back the same.
  assert.match(printed, /\n {4}med: 100\n/);
  assert.deepEqual(parseConfigText(printed, 'f.yaml', { ipv4Addresses: () => [] }).services, cfg.services);
});
