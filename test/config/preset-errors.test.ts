import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfigText } from '../../src/config/index.js';
import type { ConfigProblem, LoadOptions } from '../../src/config/index.js';

const opts: LoadOptions = {
  readFile: (p) => {
    if (p === '/etc/floatd/vultr.md5') return 'vultr-key\n';
    throw Object.assign(new Error(`EACCES: ${p}`), { code: 'EACCES' });
  },
  env: { KEY: 'k' },
  hostname: 'h',
  ipv4Addresses: () => ['203.0.113.50'],
};

function problems(text: string, o: LoadOptions = opts): readonly ConfigProblem[] {
  try {
    parseConfigText(text, 'floatd.yaml', o);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

const lines = (...l: string[]): string => [...l, ''].join('\n');

/** Line 3 is the first key inside the preset. */
const vultr = (keys: string[], tail: string[] = []): string => lines('preset:', '  vultr:', ...keys.map((k) => `    ${k}`), ...tail);
const VULTR_OK = ['asn: 4200000001', 'password-file: /etc/floatd/vultr.md5', 'source-address: 198.51.100.99'];
const linode = (keys: string[], tail: string[] = []): string => lines('preset:', '  linode:', ...keys.map((k) => `    ${k}`), ...tail);
const generic = (keys: string[], tail: string[] = []): string => lines('preset:', '  generic:', ...keys.map((k) => `    ${k}`), ...tail);
const ROUTERS = ['asn: 64500', 'routers:', '  - { address: 203.0.113.1, peer-as: 64496 }'];

interface Case {
  name: string;
  text: string;
  line: number;
  col: number;
  path: string;
  match: RegExp;
}

const cases: Case[] = [
  // The preset section itself.
  { name: 'preset not a mapping', text: lines('preset: vultr'), line: 1, col: 9, path: 'preset', match: /got a string \(expected a mapping with one of vultr, linode, generic\)/ },
  { name: 'preset empty', text: lines('preset: {}'), line: 1, col: 9, path: 'preset', match: /no preset given \(expected exactly one of vultr, linode, generic\)/ },
  { name: 'two presets', text: lines('preset:', '  vultr: {asn: 1, password-env: KEY, source-address: 192.0.2.1}', '  linode: {dcid: 10, role: primary}'), line: 2, col: 3, path: 'preset', match: /vultr and linode given together \(expected exactly one of/ },
  { name: 'unknown provider', text: lines('preset:', '  hetzner: {}'), line: 2, col: 3, path: 'preset.hetzner', match: /unknown key "hetzner" \(expected one of: vultr, linode, generic\)/ },
  { name: 'misspelt preset key', text: lines('presets:', '  vultr: {}', 'local-as: 1', 'router-id: 192.0.2.1', 'neighbors: [{address: 10.0.0.1, peer-as: 2}]'), line: 1, col: 1, path: 'presets', match: /unknown key "presets", did you mean preset\?/ },
  // vultr
  { name: 'vultr unknown key', text: vultr([...VULTR_OK, 'source: 1.2.3.4']), line: 6, col: 5, path: 'preset.vultr.source', match: /unknown key "source" \(expected one of: asn, password-file, password-env, source-address, source-address-v6, role\)/ },
  { name: 'vultr missing asn', text: vultr(VULTR_OK.slice(1)), line: 3, col: 5, path: 'preset.vultr.asn', match: /^missing \(expected an AS number/ },
  { name: 'vultr AS_TRANS', text: vultr(['asn: 23456', ...VULTR_OK.slice(1)]), line: 3, col: 10, path: 'preset.vultr.asn', match: /AS 23456 is AS_TRANS/ },
  { name: 'vultr no password', text: vultr(['asn: 4200000001', 'source-address: 198.51.100.99']), line: 3, col: 5, path: 'preset.vultr', match: /no password given \(expected password-file or password-env/ },
  { name: 'vultr two passwords', text: vultr([...VULTR_OK, 'password-env: KEY']), line: 6, col: 19, path: 'preset.vultr.password-env', match: /cannot be combined with password-file/ },
  { name: 'vultr source-address IPv6', text: vultr(['asn: 4200000001', 'password-env: KEY', 'source-address: "2001:db8::9"']), line: 5, col: 21, path: 'preset.vultr.source-address', match: /2001:db8::9 is not IPv4 \(expected the public IPv4 address of this instance\)/ },
  { name: 'vultr source-address missing', text: vultr(['asn: 4200000001', 'password-env: KEY']), line: 3, col: 5, path: 'preset.vultr.source-address', match: /^missing \(expected the public IPv4 address/ },
  { name: 'vultr source-address-v6 IPv4', text: vultr([...VULTR_OK, 'source-address-v6: 198.51.100.99']), line: 6, col: 24, path: 'preset.vultr.source-address-v6', match: /is not IPv6 \(expected the public IPv6 address/ },
  { name: 'vultr role', text: vultr([...VULTR_OK, 'role: backup']), line: 6, col: 11, path: 'preset.vultr.role', match: /"backup" is not allowed \(expected one of primary, secondary, tertiary\)/ },
  { name: 'vultr password file unreadable', text: vultr(['asn: 4200000001', 'password-file: /etc/floatd/missing.md5', 'source-address: 198.51.100.99']), line: 4, col: 20, path: 'preset.vultr.password-file', match: /cannot read \/etc\/floatd\/missing\.md5: EACCES \(expected a readable file holding the password\)/ },
  { name: 'vultr password env unset', text: vultr(['asn: 4200000001', 'password-env: NOPE', 'source-address: 198.51.100.99']), line: 4, col: 19, path: 'preset.vultr.password-env', match: /environment variable NOPE is not set/ },
  { name: 'vultr password env not a name', text: vultr(['asn: 4200000001', 'password-env: "s3cr3t!"', 'source-address: 198.51.100.99']), line: 4, col: 19, path: 'preset.vultr.password-env', match: /^is not an environment variable name, so it is not shown here/ },
  { name: 'local-as next to a preset', text: vultr(VULTR_OK, ['local-as: 65001']), line: 6, col: 1, path: 'local-as', match: /is set by the vultr preset \(4200000001\) \(expected local-as only once/ },
  { name: 'prepend plus role over 32', text: vultr([...VULTR_OK, 'role: tertiary'], ['announce:', '  - prefix: 192.0.2.10/32', '    prepend: 31']), line: 9, col: 14, path: 'announce[0].prepend', match: /31 plus 2 for role tertiary is more than 32 \(expected at most 30/ },
  { name: 'merged neighbor error at the line written', text: vultr(VULTR_OK, ['neighbors:', '  - address: 169.254.169.254', '    hold-time: 2']), line: 8, col: 16, path: 'neighbors[0].hold-time', match: /2 is refused by RFC 4271/ },
  { name: 'merged neighbor unknown key', text: vultr(VULTR_OK, ['neighbors:', '  - address: 169.254.169.254', '    holdtime: 30']), line: 8, col: 5, path: 'neighbors[0].holdtime', match: /unknown key "holdtime", did you mean hold-time\?/ },
  { name: 'merged ttl-security clashes with the preset multihop', text: vultr(VULTR_OK, ['neighbors:', '  - { address: 169.254.169.254, ttl-security: true }']), line: 7, col: 47, path: 'neighbors[0].ttl-security', match: /cannot be combined with multihop/ },
  // linode
  { name: 'linode unknown dcid', text: linode(['dcid: 13', 'role: primary']), line: 3, col: 11, path: 'preset.linode.dcid', match: /13 is not a known Linode data-centre id \(expected one of 2 Dallas, .*10 Frankfurt.*; for a data centre not listed yet, set allow-unlisted-dcid\)/ },
  { name: 'linode dcid too big', text: linode(['dcid: 10000', 'role: primary']), line: 3, col: 11, path: 'preset.linode.dcid', match: /10000 is out of range \(expected a Linode data-centre id 1\.\.9999\)/ },
  { name: 'linode dcid as text', text: linode(['dcid: "10"', 'role: primary']), line: 3, col: 11, path: 'preset.linode.dcid', match: /got a string \(expected a Linode data-centre id/ },
  { name: 'linode role missing', text: linode(['dcid: 10']), line: 3, col: 5, path: 'preset.linode.role', match: /^missing \(expected one of primary, secondary\)/ },
  { name: 'linode tertiary', text: linode(['dcid: 10', 'role: tertiary']), line: 4, col: 11, path: 'preset.linode.role', match: /"tertiary" is not allowed \(expected one of primary, secondary\)/ },
  { name: 'linode multihop 0', text: linode(['dcid: 10', 'role: primary', 'multihop: 0']), line: 5, col: 15, path: 'preset.linode.multihop', match: /expected a TTL 1\.\.255/ },
  { name: 'linode send56 not boolean', text: linode(['dcid: 10', 'role: primary', 'send56: yes']), line: 5, col: 13, path: 'preset.linode.send56', match: /got a string \(expected true or false\)/ },
  { name: 'linode local-as', text: linode(['dcid: 10', 'role: primary'], ['local-as: 65001']), line: 5, col: 1, path: 'local-as', match: /is set by the linode preset \(65001\)/ },
  { name: 'linode IPv4 wider than /32', text: linode(['dcid: 10', 'role: primary'], ['announce:', '  - prefix: 192.0.2.0/24']), line: 6, col: 13, path: 'announce[0].prefix', match: /192\.0\.2\.0\/24 is not a single address \(expected IPv4 \/32 prefixes/ },
  { name: 'linode IPv6 /48', text: linode(['dcid: 10', 'role: primary'], ['announce:', '  - prefix: "2001:db8::/48"']), line: 6, col: 13, path: 'announce[0].prefix', match: /is not a \/64 \(expected IPv6 \/64 prefixes, or \/56 ones with send56: true\)/ },
  { name: 'linode /64 with send56', text: linode(['dcid: 10', 'role: primary', 'send56: true'], ['services:', '  - name: web', '    prefixes: [192.0.2.10/32, "2001:db8::/64"]', '    check: { tcp: { host: 127.0.0.1, port: 80 } }']), line: 8, col: 31, path: 'services[0].prefixes[1]', match: /2001:db8::\/64 is not a \/56 \(expected IPv6 \/56 prefixes with send56: true\)/ },
  { name: 'linode other role community', text: linode(['dcid: 10', 'role: primary'], ['announce:', '  - prefix: 192.0.2.10/32', '    communities: [no-export, "65000:2"]']), line: 7, col: 30, path: 'announce[0].communities[1]', match: /65000:2 is the secondary role's community, but the linode preset's role is primary \(expected no role community here: the preset adds 65000:1\)/ },
  // generic
  { name: 'generic without allow', text: generic(ROUTERS), line: 2, col: 3, path: 'preset.generic', match: /needs an allow list \(expected a top-level allow:/ },
  { name: 'generic routers missing', text: generic(['asn: 64500'], ['allow: []']), line: 3, col: 5, path: 'preset.generic.routers', match: /^missing \(expected a list of routers/ },
  { name: 'generic routers empty', text: generic(['asn: 64500', 'routers: []'], ['allow: []']), line: 4, col: 14, path: 'preset.generic.routers', match: /the list is empty \(expected at least one router\)/ },
  { name: 'generic router not a mapping', text: generic(['asn: 64500', 'routers: [203.0.113.1]'], ['allow: []']), line: 4, col: 15, path: 'preset.generic.routers[0]', match: /got a string \(expected a neighbor mapping with at least address and peer-as\)/ },
  { name: 'generic router missing peer-as', text: generic(['asn: 64500', 'routers:', '  - address: 203.0.113.1'], ['allow: []']), line: 5, col: 9, path: 'preset.generic.routers[0].peer-as', match: /^missing \(expected an AS number/ },
  { name: 'generic router unknown key', text: generic([...ROUTERS, '  - { address: 203.0.113.2, peer-as: 64496, md5: x }'], ['allow: []']), line: 6, col: 49, path: 'preset.generic.routers[1].md5', match: /unknown key "md5" \(expected one of: address, peer-as/ },
  { name: 'generic router duplicate', text: generic([...ROUTERS, '  - { address: 203.0.113.1, peer-as: 64497 }'], ['allow: []']), line: 6, col: 20, path: 'preset.generic.routers[1].address', match: /203\.0\.113\.1 is already configured at neighbors\[0\]/ },
  { name: 'generic shared password unreadable', text: generic([...ROUTERS, 'password-file: /etc/floatd/gone.md5'], ['allow: []']), line: 6, col: 20, path: 'preset.generic.password-file', match: /cannot read \/etc\/floatd\/gone\.md5: EACCES/ },
  { name: 'generic prefix outside allow', text: generic(ROUTERS, ['allow: [198.51.100.0/24]', 'announce:', '  - prefix: 192.0.2.0/24']), line: 8, col: 13, path: 'announce[0].prefix', match: /outside the allow list/ },
];

for (const c of cases) {
  test(`preset error: ${c.name}`, () => {
    const found = problems(c.text);
    const p = found.find((x) => x.path === c.path);
    assert.ok(p, `no problem at ${c.path}; got:\n${found.map((x) => `${x.line}:${x.col} ${x.path}: ${x.message}`).join('\n')}`);
    assert.match(p.message, c.match);
    assert.match(p.message, /\(expected .*\)/);
    assert.deepEqual([p.file, p.line, p.col], ['floatd.yaml', c.line, c.col]);
  });
}

test('a bad preset is reported alone: what it would fill in is not reported as missing', () => {
  const found = problems(vultr(['asn: 0', 'password-env: KEY', 'source-address: 198.51.100.99']));
  assert.deepEqual(found.map((p) => p.path), ['preset.vultr.asn']);
});

test('a password file shared by two generated neighbors is reported once', () => {
  const found = problems(vultr(['asn: 4200000001', 'password-file: /etc/floatd/missing.md5', 'source-address: 198.51.100.99', 'source-address-v6: "2001:db8::9"']));
  assert.equal(found.length, 1);
  assert.equal(found[0]!.path, 'preset.vultr.password-file');
});

test('every problem of a preset and the rest of the file comes in one error, in line order', () => {
  const found = problems(vultr([...VULTR_OK, 'role: secondary'], ['local-as: 1', 'announce:', '  - prefix: 192.0.2.10/24', '    prepend: 32']));
  assert.deepEqual(
    found.map((p) => [p.line, p.path]),
    [
      [7, 'local-as'],
      [9, 'announce[0].prefix'],
      [10, 'announce[0].prepend'],
    ],
  );
});
