import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config/index.js';
import type { ConfigProblem } from '../../src/config/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/config/${name}`, import.meta.url));

function problems(text: string, env: NodeJS.ProcessEnv = {}): readonly ConfigProblem[] {
  try {
    parseConfigText(text, 'floatd.yaml', { env, hostname: 'h' });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

/** A valid config with one neighbor, with lines added where marked. Line 4 is the neighbor's first key. */
const withNeighbor = (neighborLines: string[], tail: string[] = []): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', ...neighborLines.map((l) => `    ${l}`), ...tail, ''].join('\n');

interface Case {
  name: string;
  text: string;
  line: number;
  col: number;
  path: string;
  match: RegExp;
}

const cases: Case[] = [
  { name: 'router-id not IPv4', text: 'router-id: 2001:db8::1\nlocal-as: 1\nneighbors: [{address: 10.0.0.1, peer-as: 2}]\n', line: 1, col: 12, path: 'router-id', match: /is not an IPv4 address \(expected an IPv4 address/ },
  { name: 'router-id zero', text: 'router-id: 0.0.0.0\nlocal-as: 1\nneighbors: [{address: 10.0.0.1, peer-as: 2}]\n', line: 1, col: 12, path: 'router-id', match: /not a valid BGP identifier \(expected a non-zero/ },
  { name: 'AS 0', text: 'router-id: 1.1.1.1\nlocal-as: 0\nneighbors: [{address: 10.0.0.1, peer-as: 2}]\n', line: 2, col: 11, path: 'local-as', match: /AS 0 is reserved .*\(expected an AS number/ },
  { name: 'AS_TRANS', text: withNeighbor([]).replace('64512', '23456'), line: 5, col: 14, path: 'neighbors[0].peer-as', match: /AS 23456 is AS_TRANS/ },
  { name: 'AS 65535', text: withNeighbor([], []).replace('64512', '65535'), line: 5, col: 14, path: 'neighbors[0].peer-as', match: /AS 65535 is reserved \(RFC 7300\)/ },
  { name: 'AS 4294967295', text: withNeighbor([]).replace('64512', '4294967295'), line: 5, col: 14, path: 'neighbors[0].peer-as', match: /AS 4294967295 is reserved/ },
  { name: 'AS too large', text: withNeighbor([]).replace('64512', '4294967296'), line: 5, col: 14, path: 'neighbors[0].peer-as', match: /is out of range \(expected an AS number/ },
  { name: 'AS as a string', text: withNeighbor([]).replace('64512', '"64512"'), line: 5, col: 14, path: 'neighbors[0].peer-as', match: /got a string \(expected an AS number/ },
  { name: 'missing peer-as', text: 'router-id: 1.1.1.1\nlocal-as: 1\nneighbors:\n  - address: 10.0.0.1\n', line: 4, col: 5, path: 'neighbors[0].peer-as', match: /^missing \(expected an AS number/ },
  { name: 'missing neighbors', text: 'router-id: 1.1.1.1\nlocal-as: 1\n', line: 1, col: 1, path: 'neighbors', match: /^missing \(expected a list of neighbors; only a config with vrrp entries or services that use dns may have none\)/ },
  { name: 'empty neighbors', text: 'router-id: 1.1.1.1\nlocal-as: 1\nneighbors: []\n', line: 3, col: 12, path: 'neighbors', match: /expected at least one neighbor/ },
  { name: 'empty file', text: '# nothing\n', line: 1, col: 1, path: '(top level)', match: /got an empty value \(expected a mapping/ },
  { name: 'unknown top-level key', text: withNeighbor([], ['neighbours: []']), line: 6, col: 1, path: 'neighbours', match: /unknown key "neighbours", did you mean neighbors\? \(expected one of: router-id/ },
  { name: 'unknown neighbor key', text: withNeighbor(['hold_time: 9']), line: 6, col: 5, path: 'neighbors[0].hold_time', match: /did you mean hold-time\?/ },
  { name: 'bad neighbor address', text: withNeighbor([]).replace('192.0.2.254', '192.0.2.256'), line: 4, col: 14, path: 'neighbors[0].address', match: /is not an IP address \(expected an IPv4 or IPv6 address/ },
  { name: 'zone id', text: withNeighbor([]).replace('192.0.2.254', '"fe80::1%eth0"'), line: 4, col: 14, path: 'neighbors[0].address', match: /zone id/ },
  { name: 'unspecified neighbor', text: withNeighbor([]).replace('192.0.2.254', '0.0.0.0'), line: 4, col: 14, path: 'neighbors[0].address', match: /unspecified address/ },
  { name: 'hold-time 1', text: withNeighbor(['hold-time: 1']), line: 6, col: 16, path: 'neighbors[0].hold-time', match: /1 is refused by RFC 4271 \(expected 0 or 3\.\.65535 seconds\)/ },
  { name: 'hold-time 2', text: withNeighbor(['hold-time: 2']), line: 6, col: 16, path: 'neighbors[0].hold-time', match: /2 is refused/ },
  { name: 'hold-time too big', text: withNeighbor(['hold-time: 65536']), line: 6, col: 16, path: 'neighbors[0].hold-time', match: /out of range/ },
  { name: 'hold-time ladder out of order', text: withNeighbor(['hold-time: [9, 3]']), line: 6, col: 20, path: 'neighbors[0].hold-time[1]', match: /3 does not come after 9 \(expected hold times 3\.\.65535 seconds from shortest to longest/ },
  { name: 'hold-time ladder repeats', text: withNeighbor(['hold-time: [9, 9]']), line: 6, col: 20, path: 'neighbors[0].hold-time[1]', match: /9 does not come after 9/ },
  { name: 'hold-time ladder with 0', text: withNeighbor(['hold-time: [0, 3]']), line: 6, col: 17, path: 'neighbors[0].hold-time[0]', match: /0 \(no hold timer\) cannot be a candidate/ },
  { name: 'hold-time ladder with 2', text: withNeighbor(['hold-time: [3, 2]']), line: 6, col: 20, path: 'neighbors[0].hold-time[1]', match: /2 is refused by RFC 4271/ },
  { name: 'hold-time ladder empty', text: withNeighbor(['hold-time: []']), line: 6, col: 16, path: 'neighbors[0].hold-time', match: /the list is empty \(expected hold times/ },
  { name: 'hold-time text', text: withNeighbor(['hold-time: "9"']), line: 6, col: 16, path: 'neighbors[0].hold-time', match: /got a string \(expected 0 or 3\.\.65535 seconds\)/ },
  { name: 'port 0', text: withNeighbor(['port: 0']), line: 6, col: 11, path: 'neighbors[0].port', match: /\(expected a TCP port 1\.\.65535\)/ },
  { name: 'fractional connect-retry', text: withNeighbor(['connect-retry: 1.5']), line: 6, col: 20, path: 'neighbors[0].connect-retry', match: /1\.5 is not a whole number/ },
  { name: 'import value', text: withNeighbor(['import: some']), line: 6, col: 13, path: 'neighbors[0].import', match: /"some" is not allowed \(expected one of none, all\)/ },
  { name: 'families value', text: withNeighbor(['families: [ipv4, ipx]']), line: 6, col: 22, path: 'neighbors[0].families[1]', match: /"ipx" is not allowed/ },
  { name: 'families twice', text: withNeighbor(['families: [ipv4, ipv4]']), line: 6, col: 22, path: 'neighbors[0].families[1]', match: /listed twice/ },
  { name: 'multihop range', text: withNeighbor(['multihop: 256']), line: 6, col: 15, path: 'neighbors[0].multihop', match: /expected a TTL 1\.\.255/ },
  { name: 'multihop with ttl-security', text: withNeighbor(['multihop: 2', 'ttl-security: true']), line: 7, col: 19, path: 'neighbors[0].ttl-security', match: /cannot be combined with multihop/ },
  { name: 'ttl-security value', text: withNeighbor(['ttl-security: 255']), line: 6, col: 19, path: 'neighbors[0].ttl-security', match: /255 is not allowed \(expected false, true/ },
  { name: 'graceful-restart value', text: withNeighbor(['graceful-restart: 5000']), line: 6, col: 23, path: 'neighbors[0].graceful-restart', match: /expected true, false or a restart time/ },
  { name: 'local-address family', text: withNeighbor(['local-address: "2001:db8::5"']), line: 6, col: 20, path: 'neighbors[0].local-address', match: /is not ipv4 like the neighbor address \(expected an ipv4 address\)/ },
  { name: 'extended-next-hop on IPv4', text: withNeighbor(['extended-next-hop: true']), line: 6, col: 24, path: 'neighbors[0].extended-next-hop', match: /needs an IPv6 session/ },
  { name: 'next-hop of the wrong family', text: withNeighbor(['next-hop: "2001:db8::9"']), line: 6, col: 15, path: 'neighbors[0].next-hop', match: /cannot be the next hop of ipv4 routes \(expected self or an ipv4 address\)/ },
  { name: 'password and password-env', text: withNeighbor(['password: "x"', 'password-env: KEY']), line: 7, col: 19, path: 'neighbors[0].password-env', match: /cannot be combined with password \(expected only one of/ },
  { name: 'password-env unset', text: withNeighbor(['password-env: NOPE']), line: 6, col: 19, path: 'neighbors[0].password-env', match: /environment variable NOPE is not set/ },
  { name: 'password too long', text: withNeighbor([`password: "${'k'.repeat(81)}"`]), line: 6, col: 15, path: 'neighbors[0].password', match: /longer than 80 bytes/ },
  { name: 'password as a number', text: withNeighbor(['password: 12345']), line: 6, col: 15, path: 'neighbors[0].password', match: /got a number \(expected the password as a string\)/ },
  { name: 'duplicate neighbor', text: withNeighbor([], ['  - address: 192.0.2.254', '    peer-as: 64513']), line: 6, col: 14, path: 'neighbors[1].address', match: /already configured at neighbors\[0\]/ },
  { name: 'duplicate neighbor, other spelling', text: withNeighbor([], ['  - {address: "2001:db8::1", peer-as: 1}', '  - {address: "2001:DB8:0::1", peer-as: 1}']), line: 7, col: 15, path: 'neighbors[2].address', match: /2001:db8::1 is already configured/ },
  { name: 'host bits', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.77/24']), line: 7, col: 13, path: 'announce[0].prefix', match: /192\.0\.2\.77\/24 has host bits set \(expected 192\.0\.2\.0\/24\)/ },
  { name: 'IPv6 host bits', text: withNeighbor([], ['announce:', '  - prefix: "2001:db8::1/32"']), line: 7, col: 13, path: 'announce[0].prefix', match: /\(expected 2001:db8::\/32\)/ },
  { name: 'IPv4 /33', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/33']), line: 7, col: 13, path: 'announce[0].prefix', match: /bad length \(expected \/0 to \/32 for IPv4\)/ },
  { name: 'IPv6 /129', text: withNeighbor([], ['announce:', '  - prefix: "2001:db8::/129"']), line: 7, col: 13, path: 'announce[0].prefix', match: /expected \/0 to \/128 for IPv6/ },
  { name: 'no length', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1']), line: 7, col: 13, path: 'announce[0].prefix', match: /has no \/length/ },
  { name: 'community part too big', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    communities: ["65536:1"]']), line: 8, col: 19, path: 'announce[0].communities[0]', match: /"65536:1" is not a community \(expected "a:b" with a and b in 0\.\.65535/ },
  { name: 'unknown community name', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    communities: [no-exprot]']), line: 8, col: 19, path: 'announce[0].communities[0]', match: /one of graceful-shutdown, .*no-export/ },
  { name: 'large community', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    large-communities: ["1:2:4294967296"]']), line: 8, col: 25, path: 'announce[0].large-communities[0]', match: /expected "a:b:c" with each part in 0\.\.4294967295/ },
  { name: 'med range', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    med: -1']), line: 8, col: 10, path: 'announce[0].med', match: /expected a MED 0\.\.4294967295/ },
  { name: 'prepend range', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    prepend: 33']), line: 8, col: 14, path: 'announce[0].prepend', match: /expected a number of extra AS copies 0\.\.32/ },
  { name: 'announce to unknown neighbor', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    neighbors: [10.9.9.9]']), line: 8, col: 17, path: 'announce[0].neighbors[0]', match: /10\.9\.9\.9 is not a configured neighbor \(expected one of 192\.0\.2\.254\)/ },
  { name: 'IPv6 prefix, no IPv6 session', text: withNeighbor([], ['announce:', '  - prefix: "2001:db8::/48"']), line: 7, col: 13, path: 'announce[0].prefix', match: /is IPv6 but no neighbor carries ipv6 \(expected a neighbor with ipv6 in families\)/ },
  { name: 'IPv6 prefix to an IPv4-only neighbor', text: withNeighbor([], ['  - {address: "2001:db8::1", peer-as: 1}', 'announce:', '  - prefix: "2001:db8:5::/48"', '    neighbors: [192.0.2.254]']), line: 9, col: 17, path: 'announce[0].neighbors[0]', match: /does not carry ipv6/ },
  { name: 'IPv4 next hop for an IPv6 prefix', text: withNeighbor(['families: [ipv4, ipv6]'], ['announce:', '  - prefix: "2001:db8::/48"', '    next-hop: 192.0.2.9']), line: 9, col: 15, path: 'announce[0].next-hop', match: /cannot be the next hop of an IPv6 prefix/ },
  { name: 'IPv6 next hop without extended-next-hop', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '    next-hop: "2001:db8::9"']), line: 8, col: 15, path: 'announce[0].next-hop', match: /has no extended-next-hop/ },
  { name: 'same prefix twice to a neighbor', text: withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', '  - prefix: 192.0.2.1/32']), line: 8, col: 13, path: 'announce[1].prefix', match: /already announced to 192\.0\.2\.254 by announce\[0\]/ },
  { name: 'control-socket relative', text: withNeighbor([], ['control-socket: floatd.sock']), line: 6, col: 17, path: 'control-socket', match: /is not absolute/ },
  { name: 'control-socket too long', text: withNeighbor([], [`control-socket: /${'s'.repeat(107)}`]), line: 6, col: 17, path: 'control-socket', match: /at most 107 bytes/ },
  { name: 'hostname wrong type', text: withNeighbor([], ['hostname: [a]']), line: 6, col: 11, path: 'hostname', match: /got a list \(expected a host name/ },
  { name: 'listen not a mapping', text: withNeighbor([], ['listen: 179']), line: 6, col: 9, path: 'listen', match: /got a number \(expected a mapping with address and port\)/ },
  { name: 'duplicate YAML key', text: withNeighbor([], ['local-as: 65002']), line: 6, col: 1, path: 'local-as', match: /Map keys must be unique \(expected valid YAML\)/ },
];

for (const c of cases) {
  test(`error: ${c.name}`, () => {
    const found = problems(c.text, { KEY: 'k' });
    const p = found.find((x) => x.path === c.path);
    assert.ok(p, `no problem at ${c.path}; got:\n${found.map((x) => `${x.path}: ${x.message}`).join('\n')}`);
    assert.match(p.message, c.match);
    assert.match(p.message, /\(expected [^)]*\)?/);
    assert.deepEqual([p.file, p.line, p.col], ['floatd.yaml', c.line, c.col]);
  });
}

test('ConfigError has a stable code and name, and one line per problem in FILE:LINE:COL: path: message form', () => {
  let err: unknown;
  try {
    loadConfig(fixture('bad-fields.yaml'), { env: {} });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'ERR_CONFIG');
  assert.equal(err.name, 'ConfigError');
  const file = fixture('bad-fields.yaml');
  const lines = err.message.split('\n');
  const expected = [
    '1:12: router-id: ',
    '2:11: local-as: ',
    '6:16: neighbors[0].hold-time: ',
    '7:13: neighbors[0].import: ',
    '8:5: neighbors[0].peer_as: unknown key',
    '10:13: announce[0].prefix: ',
    '11:25: announce[0].large-communities[0]: ',
  ];
  assert.equal(lines.length, expected.length, err.message);
  lines.forEach((l, i) => assert.ok(l.startsWith(`${file}:${expected[i]!}`), `${l} starts with ${expected[i]!}`));
  for (const l of lines) assert.match(l, /^.+:\d+:\d+: \S+: .+ \(expected .+\)$/);
  assert.equal(err.problems.length, lines.length);
});

test('a YAML syntax error names the file, line and key', () => {
  const file = fixture('bad-syntax.yaml');
  assert.throws(
    () => loadConfig(file),
    (e: unknown) => e instanceof ConfigError && e.problems.length >= 1 && e.message === `${file}:6:25: neighbors[0].families[1]: Flow sequence in block collection must be sufficiently indented and end with a ] (expected valid YAML)`,
  );
});

test('allow-list refusals name the prefix and the allowed entries', () => {
  const file = fixture('bad-allow.yaml');
  let err: ConfigError | undefined;
  try {
    loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) err = e;
  }
  assert.ok(err);
  assert.deepEqual(
    err.problems.map((p) => [p.line, p.path, p.message]),
    [
      [8, 'announce[1].prefix', '198.51.100.0/23 is outside the allow list (expected inside one of 198.51.100.0/24)'],
      [9, 'announce[2].prefix', '203.0.113.9/32 is outside the allow list (expected inside one of 198.51.100.0/24)'],
    ],
  );
});

test('allow entries of the other family never cover a prefix; an empty list allows nothing', () => {
  const v6 = problems(withNeighbor(['families: [ipv4, ipv6]'], ['announce:', '  - prefix: "2001:db8::/48"', 'allow: [0.0.0.0/0]']));
  assert.match(v6[0]!.message, /outside the allow list/);
  const none = problems(withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', 'allow: []']));
  assert.match(none[0]!.message, /\(expected the allow list is empty\)|outside the allow list/);
  const ok = parseConfigText(withNeighbor([], ['announce:', '  - prefix: 192.0.2.1/32', 'allow: [0.0.0.0/0]']), 'x.yaml');
  assert.equal(ok.announce.length, 1);
});

test('every independent problem is reported in one go', () => {
  const found = problems(withNeighbor(['hold-time: 2', 'import: x'], ['announce:', '  - prefix: 1.2.3.4/8', '  - prefix: 10.0.0.0/8', '    med: x']));
  assert.deepEqual(
    found.map((p) => p.path),
    ['neighbors[0].hold-time', 'neighbors[0].import', 'announce[0].prefix', 'announce[1].med'],
  );
});
