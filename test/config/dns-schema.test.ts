import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ConfigError, parseConfigText } from '../../src/config/index.js';
import type { Config } from '../../src/config/index.js';
import { effectiveConfigText } from '../../src/config/effective.js';

// A key as tsig-keygen writes it, and one as keymgr -t writes it (made-up secrets).
const SECRET = 'dGVzdCBrZXkgZm9yIHRoZSBjb25maWcgc2NoZW1hIQ==';
const FILES: Record<string, string> = {
  '/etc/floatd/dns.key': `key "floatd-a" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`,
  '/etc/floatd/two.key': `key "one" { algorithm hmac-sha256; secret "${SECRET}"; };\nkey "two" { algorithm hmac-sha512; secret "${SECRET}"; };\n`,
  '/etc/floatd/knot.yaml': `key:\n  - id: floatd-k\n    algorithm: hmac-sha384\n    secret: ${SECRET}\n`,
  '/etc/floatd/dns.secret': `${SECRET}\n`,
  '/etc/floatd/bad.secret': 'not base64 at all, and a secret nobody should see\n',
};
const opts = {
  env: {},
  hostname: 'h',
  readFile: (p: string): string => {
    const s = FILES[p];
    if (s === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return s;
  },
};

const DNS = ['dns:', '  server: 192.0.2.53', '  zone: example.com', '  tsig: { key-file: /etc/floatd/dns.key }'];
const HEAD = ['router-id: 192.0.2.1', 'local-as: 65001'];
const NEIGHBORS = ['neighbors:', '  - { address: 192.0.2.254, peer-as: 64512 }'];
const WEB = (records: string[], prefixes = true): string[] => [
  'services:',
  '  - name: web',
  ...(prefixes ? ['    prefixes: [192.0.2.10/32]'] : []),
  '    check: { tcp: { host: 127.0.0.1, port: 80 } }',
  '    dns:',
  ...records.map((r) => `      - ${r}`),
];

const parse = (lines: string[]): Config => parseConfigText([...lines, ''].join('\n'), 'floatd.yaml', opts);
function problems(lines: string[]): string[] {
  try {
    parse(lines);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

test('dns with a BIND key file; records relative, absolute and @ resolve in the zone', () => {
  const c = parse([...HEAD, ...NEIGHBORS, ...DNS, ...WEB(['{ name: www, address: 192.0.2.10, ttl: 30 }', '{ name: WWW.Example.com., address: "2001:db8::10", ttl: 30 }', '{ name: "@", address: 192.0.2.10 }'])]);
  assert.deepEqual(c.dns?.server, { host: '192.0.2.53', port: 53 });
  assert.equal(c.dns?.zone, 'example.com');
  assert.equal(c.dns?.tsig.name, 'floatd-a');
  assert.equal(c.dns?.tsig.algorithm, 'hmac-sha256');
  assert.equal(c.dns?.tsig.secret.reveal(), SECRET);
  assert.equal(c.dns?.keepLast, false);
  assert.equal(c.dns?.reconcileIntervalMs, 60_000);
  assert.deepEqual(c.services?.[0]?.dns, [
    { name: 'www.example.com', address: '192.0.2.10', ttl: 30 },
    { name: 'www.example.com', address: '2001:db8::10', ttl: 30 },
    { name: 'example.com', address: '192.0.2.10', ttl: 60 },
  ]);
});

test('server spellings: port, IPv6 in brackets, bare IPv6', () => {
  const server = (s: string) => parse([...HEAD, ...NEIGHBORS, 'dns:', `  server: ${s}`, '  zone: example.com', '  tsig: { key-file: /etc/floatd/dns.key }']).dns?.server;
  assert.deepEqual(server('192.0.2.53:5353'), { host: '192.0.2.53', port: 5353 });
  assert.deepEqual(server('"[2001:db8::53]:5300"'), { host: '2001:db8::53', port: 5300 });
  assert.deepEqual(server('"2001:db8::53"'), { host: '2001:db8::53', port: 53 });
  assert.match(problems([...HEAD, ...NEIGHBORS, 'dns:', '  server: [::1]', '  zone: example.com', '  tsig: { key-file: /etc/floatd/dns.key }'])[0]!, /needs quotes in YAML/);
  assert.match(problems([...HEAD, ...NEIGHBORS, 'dns:', '  server: ns1.example.com', '  zone: example.com', '  tsig: { key-file: /etc/floatd/dns.key }'])[0]!, /^dns\.server: "ns1\.example\.com" is not an address/);
});

test('tsig forms: Knot key file, a key picked by name, name + algorithm + secret-file', () => {
  const tsig = (t: string) => parse([...HEAD, ...NEIGHBORS, 'dns:', '  server: 192.0.2.53', '  zone: example.com', `  tsig: ${t}`]).dns?.tsig;
  const knot = tsig('{ key-file: /etc/floatd/knot.yaml }');
  assert.deepEqual([knot?.name, knot?.algorithm, knot?.secret.reveal()], ['floatd-k', 'hmac-sha384', SECRET]);
  const two = tsig('{ key-file: /etc/floatd/two.key, name: two }');
  assert.deepEqual([two?.name, two?.algorithm], ['two', 'hmac-sha512']);
  const plain = tsig('{ name: floatd-s, algorithm: hmac-sha256, secret-file: /etc/floatd/dns.secret }');
  assert.deepEqual([plain?.name, plain?.algorithm, plain?.secret.reveal(), plain?.secretFile], ['floatd-s', 'hmac-sha256', SECRET, '/etc/floatd/dns.secret']);
});

test('tsig errors name the problem and never show the secret', () => {
  const bad = (t: string) => problems([...HEAD, ...NEIGHBORS, 'dns:', '  server: 192.0.2.53', '  zone: example.com', `  tsig: ${t}`]);
  assert.deepEqual(bad('{ key-file: /etc/floatd/two.key }'), ['dns.tsig.key-file: /etc/floatd/two.key holds 2 keys (one, two) (expected exactly one key, or name to pick one)']);
  assert.deepEqual(bad('{ key-file: /etc/floatd/two.key, name: three }'), ['dns.tsig.name: /etc/floatd/two.key has no key named three (found: one, two) (expected exactly one key, or name to pick one)']);
  assert.deepEqual(bad('{ key-file: /etc/floatd/none.key }'), ['dns.tsig.key-file: cannot read /etc/floatd/none.key: ENOENT (expected a readable key file)']);
  assert.deepEqual(bad('{ name: k, secret-file: /etc/floatd/dns.secret }'), ['dns.tsig.algorithm: missing (expected one of hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512; hmac-sha256 is the usual one)']);
  const leaked = bad('{ name: k, algorithm: hmac-sha256, secret-file: /etc/floatd/bad.secret }');
  assert.equal(leaked.length, 1);
  assert.match(leaked[0]!, /does not hold one line of base64/);
  assert.doesNotMatch(leaked[0]!, /nobody should see/);
  assert.deepEqual(bad('{}'), ['dns.tsig: no key given (expected key-file, or name, algorithm and secret-file)']);
});

test('the secret is not in logs or floatd check: the key is shown by its source', () => {
  const c = parse([...HEAD, ...NEIGHBORS, ...DNS, ...WEB(['{ name: www, address: 192.0.2.10 }'])]);
  assert.doesNotMatch(inspect(c, { depth: 10 }), new RegExp(SECRET.slice(0, 12)));
  assert.doesNotMatch(JSON.stringify(c), new RegExp(SECRET.slice(0, 12)));
  const text = effectiveConfigText(c);
  assert.doesNotMatch(text, new RegExp(SECRET.slice(0, 12)));
  assert.match(text, /key-file: \/etc\/floatd\/dns\.key/);
  // What floatd check prints loads back to the same records and key.
  const again = parseConfigText(text, 'effective.yaml', opts);
  assert.deepEqual(again.services?.[0]?.dns, c.services?.[0]?.dns);
  assert.equal(again.dns?.tsig.secret.reveal(), SECRET);
});

test('a service with dns needs no prefixes, and a config with dns needs no neighbors', () => {
  const c = parse([...HEAD, ...DNS, ...WEB(['{ name: www, address: 192.0.2.10 }'], false)]);
  assert.deepEqual(c.neighbors, []);
  assert.deepEqual(c.services?.[0]?.prefixes, []);
  assert.deepEqual(c.services?.[0]?.dns.map((r) => r.name), ['www.example.com']);
});

test('without another way out, prefixes and neighbors are still required', () => {
  const svc = ['services:', '  - name: web', '    check: { tcp: { host: 127.0.0.1, port: 80 } }'];
  assert.deepEqual(problems([...HEAD, ...NEIGHBORS, ...svc]), ['services[0].prefixes: the list is empty (expected at least one prefix, or a service used by dns or vrrp)']);
  assert.deepEqual(problems([...HEAD, ...DNS, 'services:', '  - { name: web, prefixes: [192.0.2.10/32], check: { tcp: { host: 127.0.0.1, port: 80 } } }']), [
    'neighbors: missing (expected a list of neighbors; only a config with vrrp entries or services that use dns may have none)',
    'services[0].prefixes[0]: 192.0.2.10/32 is ipv4 but no neighbor carries ipv4 (expected a neighbor with ipv4 in families)',
  ]);
});

test('record checks: dns section needed, names in the zone, one owner per record, one TTL per name', () => {
  assert.deepEqual(problems([...HEAD, ...NEIGHBORS, ...WEB(['{ name: www, address: 192.0.2.10 }'])]), [
    'services[0].dns: records need a DNS server (expected a top-level dns section with server, zone and tsig)',
  ]);
  assert.deepEqual(problems([...HEAD, ...NEIGHBORS, ...DNS, ...WEB(['{ name: www.example.org., address: 192.0.2.10 }'])]), [
    'services[0].dns[0].name: www.example.org is outside zone example.com (expected a name relative to the zone, or ending in .example.com.)',
  ]);
  assert.deepEqual(problems([...HEAD, ...NEIGHBORS, ...DNS, ...WEB(['{ name: www, address: 192.0.2.10, ttl: 30 }', '{ name: www, address: 192.0.2.11, ttl: 60 }', '{ name: www, address: 192.0.2.10, ttl: 30 }'])]), [
    'services[0].dns[1].ttl: www.example.com already has ttl 30 here (expected one TTL per name: an RRset has one TTL, RFC 2181 5.2)',
    'services[0].dns[2]: www.example.com 192.0.2.10 is already a record of services[0] (web) (expected each record in one service)',
  ]);
  assert.match(problems([...HEAD, ...NEIGHBORS, ...DNS, ...WEB(['{ name: www, address: 0.0.0.0 }'])])[0]!, /^services\[0\]\.dns\[0\]\.address: 0\.0\.0\.0 is the unspecified address/);
  assert.match(problems([...HEAD, ...NEIGHBORS, ...DNS, ...WEB(['{ name: "bad name", address: 192.0.2.10 }'])])[0]!, /is not a domain name/);
});
