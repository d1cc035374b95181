import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { effectiveConfig, expandPresets, parseConfigText } from '../../src/config/index.js';
import { SourceMap } from '../../src/config/presets/source-map.js';
import type { Config, LoadOptions, NeighborConfig } from '../../src/config/index.js';

const files: Record<string, string> = { '/etc/floatd/vultr.md5': 'vultr-key\n', '/etc/floatd/upstream.md5': 'upstream-key\n' };
const opts: LoadOptions = {
  readFile: (p) => {
    const s = files[p];
    if (s === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return s;
  },
  env: { VULTR_KEY: 'env-key' },
  hostname: 'node-a',
  ipv4Addresses: () => ['203.0.113.50'],
};

const load = (lines: string[]): Config => parseConfigText([...lines, ''].join('\n'), '/etc/floatd/floatd.yaml', opts);

/** A neighbor without its Secret, which is compared by value separately. */
const plain = (n: NeighborConfig): Record<string, unknown> => {
  const { password, ...rest } = n;
  return { ...rest, password: password?.reveal() };
};

const vultrNeighbor = {
  address: '169.254.169.254',
  peerAs: 64515,
  description: 'vultr',
  localAddress: '198.51.100.99',
  port: 179,
  passive: false,
  password: 'vultr-key',
  passwordFile: '/etc/floatd/vultr.md5',
  passwordEnv: undefined,
  multihop: 2,
  ttlSecurity: false,
  // The ladder: 3 s first, longer only when Vultr's router refuses it.
  holdTime: 3,
  holdTimeLadder: [3, 9, 30, 90],
  connectRetry: 5,
  import: 'none',
  families: ['ipv4'],
  extendedNextHop: false,
  gracefulRestart: false,
  nextHop: 'self',
  bfd: undefined,
};

const VULTR = ['preset:', '  vultr:', '    asn: 4200000001', '    password-file: /etc/floatd/vultr.md5', '    source-address: 198.51.100.99'];

test('vultr: one IPv4 neighbor 169.254.169.254 AS 64515, multihop 2, MD5 from the file, our address as source and router-id', () => {
  const cfg = load([...VULTR, 'announce:', '  - prefix: 192.0.2.10/32']);
  assert.equal(cfg.localAs, 4200000001);
  assert.equal(cfg.routerId, '198.51.100.99');
  assert.equal(cfg.neighbors.length, 1);
  assert.deepEqual(plain(cfg.neighbors[0]!), vultrNeighbor);
  // No role: no prepends (the locations that spread traffic over every announcer get ECMP).
  assert.equal(cfg.announce[0]!.prepend, 0);
  assert.deepEqual(cfg.announce[0]!.neighbors, ['169.254.169.254']);
});

test('vultr: source-address-v6 adds the IPv6 neighbor 2001:19f0:ffff::1 with the same password', () => {
  const cfg = load([...VULTR, '    source-address-v6: "2001:DB8::99"', '    password-env: VULTR_KEY'].filter((l) => !l.includes('password-file')));
  assert.deepEqual(
    cfg.neighbors.map((n) => [n.address, n.peerAs, n.localAddress, n.multihop, n.families, n.passwordEnv, n.password?.reveal(), n.gracefulRestart, n.nextHop, n.import]),
    [
      ['169.254.169.254', 64515, '198.51.100.99', 2, ['ipv4'], 'VULTR_KEY', 'env-key', false, 'self', 'none'],
      ['2001:19f0:ffff::1', 64515, '2001:db8::99', 2, ['ipv6'], 'VULTR_KEY', 'env-key', false, 'self', 'none'],
    ],
  );
});

test('vultr roles: 0, 1 or 2 extra AS copies on announce entries, and the role with prepend style as each service default', () => {
  const body = [
    'announce:',
    '  - prefix: 192.0.2.10/32',
    '  - prefix: 192.0.2.11/32',
    '    prepend: 3',
    'services:',
    '  - name: web',
    '    prefixes: [192.0.2.20/32]',
    '    check: { tcp: { host: 127.0.0.1, port: 80 } }',
    '  - name: own',
    '    prefixes: [192.0.2.21/32]',
    '    check: { tcp: { host: 127.0.0.1, port: 81 } }',
    '    role: primary',
    '    role-style: med',
  ];
  const expected = { primary: 0, secondary: 1, tertiary: 2 } as const;
  for (const [role, extra] of Object.entries(expected)) {
    const cfg = load([...VULTR, `    role: ${role}`, ...body]);
    assert.deepEqual(
      cfg.announce.map((a) => a.prepend),
      [extra, 3 + extra],
      role,
    );
    const [web, own] = cfg.services!;
    assert.equal(web!.role, role);
    assert.deepEqual(web!.roleStyle, { kind: 'prepend' });
    // A service's own role and style win over the preset's.
    assert.equal(own!.role, 'primary');
    assert.deepEqual(own!.roleStyle, { kind: 'med' });
  }
});

const LINODE = (extra: string[] = []): string[] => ['preset:', '  linode:', '    dcid: 10', '    role: primary', ...extra.map((l) => `    ${l}`)];

test('linode: data centre 10 gives the four route servers 2600:3c0f:10:34::1..4, AS 65000, local AS 65001', () => {
  const cfg = load([...LINODE(), 'announce:', '  - prefix: 192.0.2.10/32', '  - prefix: "2001:db8:10::/64"']);
  assert.equal(cfg.localAs, 65001);
  // No source address and no router-id: the machine's lowest global IPv4 address.
  assert.equal(cfg.routerId, '203.0.113.50');
  assert.deepEqual(
    cfg.neighbors.map((n) => n.address),
    ['2600:3c0f:10:34::1', '2600:3c0f:10:34::2', '2600:3c0f:10:34::3', '2600:3c0f:10:34::4'],
  );
  cfg.neighbors.forEach((n, i) =>
    assert.deepEqual(plain(n), {
      address: `2600:3c0f:10:34::${i + 1}`,
      peerAs: 65000,
      description: `linode route server ${i + 1}`,
      localAddress: undefined,
      port: 179,
      passive: false,
      password: undefined,
      passwordFile: undefined,
      passwordEnv: undefined,
      multihop: 16,
      ttlSecurity: false,
      holdTime: 9,
      holdTimeLadder: [9, 30, 90],
      connectRetry: 5,
      import: 'none',
      // IPv6 sessions carrying IPv4 routes with an IPv6 next hop (RFC 8950).
      families: ['ipv4', 'ipv6'],
      extendedNextHop: true,
      gracefulRestart: false,
      nextHop: 'self',
      bfd: undefined,
    }),
  );
  // Both families go to every route server, each with the primary community 65000:1.
  for (const a of cfg.announce) {
    assert.deepEqual(a.neighbors, cfg.neighbors.map((n) => n.address));
    assert.deepEqual(a.communities, [65000 * 65536 + 1]);
  }
});

test('linode: the id is written in decimal as it is, and multihop follows the preset', () => {
  const two = load(['preset:', '  linode: { dcid: 2, role: secondary, multihop: 10 }']);
  assert.deepEqual(two.neighbors.map((n) => [n.address, n.multihop]), [
    ['2600:3c0f:2:34::1', 10],
    ['2600:3c0f:2:34::2', 10],
    ['2600:3c0f:2:34::3', 10],
    ['2600:3c0f:2:34::4', 10],
  ]);
  const unlisted = load(['preset:', '  linode: { dcid: 31, role: primary, allow-unlisted-dcid: true }']);
  assert.equal(unlisted.neighbors[0]!.address, '2600:3c0f:31:34::1');
});

test('linode roles: community 65000:1 or 65000:2 added to announce entries (once), community style as each service default', () => {
  const body = [
    'announce:',
    '  - prefix: 192.0.2.10/32',
    '    communities: [no-export]',
    '  - prefix: 192.0.2.11/32',
    '    communities: ["65000:2", "65000:2"]',
    'services:',
    '  - name: web',
    '    prefixes: [192.0.2.20/32, "2001:db8:20::/64"]',
    '    check: { tcp: { host: 127.0.0.1, port: 80 } }',
  ];
  const cfg = load([...LINODE().map((l) => l.replace('primary', 'secondary')), ...body]);
  const c2 = 65000 * 65536 + 2;
  assert.deepEqual(cfg.announce.map((a) => a.communities), [[0xffffff01, c2], [c2, c2]]);
  const web = cfg.services![0]!;
  assert.equal(web.role, 'secondary');
  assert.deepEqual(web.roleStyle, { kind: 'community', communities: { primary: 65000 * 65536 + 1, secondary: c2, tertiary: 65000 * 65536 + 3 } });
  assert.deepEqual(web.targets, [cfg.neighbors.map((n) => n.address), cfg.neighbors.map((n) => n.address)]);
});

test('linode send56: IPv6 ranges are /56', () => {
  const cfg = load([...LINODE(['send56: true']), 'announce:', '  - prefix: "2001:db8:5600::/56"']);
  assert.equal(cfg.announce[0]!.prefix, '2001:db8:5600::/56');
});

const GENERIC = [
  'preset:',
  '  generic:',
  '    asn: 64500',
  '    password-file: /etc/floatd/upstream.md5',
  '    routers:',
  '      - { address: 203.0.113.1, peer-as: 64496, description: transit-a }',
  '      - { address: "2001:db8:ffff::1", peer-as: 64497, password-env: VULTR_KEY, ttl-security: true }',
  'allow: [198.51.100.0/24, "2001:db8:100::/48"]',
];

test('generic: routers become neighbors, the shared password goes to routers without their own, local-as is the asn', () => {
  const cfg = load([...GENERIC, 'announce:', '  - prefix: 198.51.100.0/24', '  - prefix: "2001:db8:100::/48"']);
  assert.equal(cfg.localAs, 64500);
  assert.deepEqual(cfg.allow, ['198.51.100.0/24', '2001:db8:100::/48']);
  const [a, b] = cfg.neighbors;
  assert.deepEqual(plain(a!), {
    address: '203.0.113.1',
    peerAs: 64496,
    description: 'transit-a',
    localAddress: undefined,
    port: 179,
    passive: false,
    password: 'upstream-key',
    passwordFile: '/etc/floatd/upstream.md5',
    passwordEnv: undefined,
    multihop: 1,
    ttlSecurity: false,
    holdTime: 3,
    holdTimeLadder: [3, 9, 30, 90],
    connectRetry: 5,
    import: 'none',
    families: ['ipv4'],
    extendedNextHop: false,
    gracefulRestart: false,
    nextHop: 'self',
    bfd: undefined,
  });
  assert.deepEqual([b!.address, b!.peerAs, b!.passwordFile, b!.passwordEnv, b!.password?.reveal(), b!.ttlSecurity, b!.multihop], [
    '2001:db8:ffff::1',
    64497,
    undefined,
    'VULTR_KEY',
    'env-key',
    1,
    255,
  ]);
  assert.deepEqual(cfg.announce.map((x) => [x.prefix, x.prepend, x.neighbors]), [
    ['198.51.100.0/24', 0, ['203.0.113.1']],
    ['2001:db8:100::/48', 0, ['2001:db8:ffff::1']],
  ]);
});

test('generic: a router\'s own hold-time replaces the ladder', () => {
  const own = GENERIC.map((l) => l.replace('description: transit-a }', 'description: transit-a, hold-time: 30 }'));
  const cfg = load([...own, 'announce:', '  - prefix: 198.51.100.0/24']);
  assert.deepEqual(
    cfg.neighbors.map((n) => [n.holdTime, n.holdTimeLadder]),
    [
      [30, undefined],
      [3, [3, 9, 30, 90]],
    ],
  );
});

test('generic role: prepends like vultr', () => {
  const cfg = load([...GENERIC.slice(0, 3), '    role: tertiary', ...GENERIC.slice(3), 'announce:', '  - prefix: 198.51.100.0/24']);
  assert.equal(cfg.announce[0]!.prepend, 2);
});

test('neighbors next to a preset: an entry with a preset address is merged into it (its keys win), others are added', () => {
  const cfg = load([
    ...VULTR,
    'neighbors:',
    '  - address: 10.1.1.1',
    '    peer-as: 65010',
    '  - address: 169.254.169.254',
    '    hold-time: 30',
    '    password-env: VULTR_KEY',
  ]);
  assert.deepEqual(cfg.neighbors.map((n) => n.address), ['10.1.1.1', '169.254.169.254']);
  const v = cfg.neighbors[1]!;
  // The file's hold-time replaces the preset's whole ladder.
  const { holdTimeLadder: _ladder, ...noLadder } = vultrNeighbor;
  assert.deepEqual(plain(v), { ...noLadder, holdTime: 30, password: 'env-key', passwordFile: undefined, passwordEnv: 'VULTR_KEY' });
  assert.deepEqual([cfg.neighbors[0]!.peerAs, cfg.neighbors[0]!.multihop], [65010, 1]);
});

test('graceful restart is off in every preset; a neighbors entry for the preset address turns it on', () => {
  assert.equal(load(VULTR).neighbors[0]!.gracefulRestart, false);
  const on = load([...VULTR, 'neighbors:', '  - { address: 169.254.169.254, graceful-restart: true }']);
  assert.equal(on.neighbors[0]!.gracefulRestart, 120);
});

test('a merged entry matches the preset address in any spelling', () => {
  const cfg = load([...VULTR, '    source-address-v6: "2001:db8::99"', 'neighbors:', '  - { address: "2001:19F0:FFFF:0::1", hold-time: 15 }']);
  assert.deepEqual(cfg.neighbors.map((n) => [n.address, n.holdTime, n.peerAs]), [
    ['2001:19f0:ffff::1', 15, 64515],
    ['169.254.169.254', 3, 64515],
  ]);
});

test('a router-id in the file wins over the one a preset derives', () => {
  const cfg = load([...VULTR, 'router-id: 192.0.2.77']);
  assert.equal(cfg.routerId, '192.0.2.77');
});

test('the effective config of a preset is the expansion, and it loads back to the same config without the preset', () => {
  const comparable = (c: Config): unknown =>
    JSON.parse(JSON.stringify(c, (_k, v: unknown) => (v !== null && typeof v === 'object' && 'reveal' in v ? `secret:${(v as { reveal(): string }).reveal()}` : v)));
  const sources = [
    [...VULTR, '    role: secondary', 'announce:', '  - prefix: 192.0.2.10/32'],
    [...LINODE(['send56: true']), 'announce:', '  - prefix: "2001:db8:5600::/56"'],
    [...GENERIC, 'announce:', '  - prefix: 198.51.100.0/24'],
  ];
  for (const lines of sources) {
    const first = load(lines);
    const printed = stringify(effectiveConfig(first));
    assert.doesNotMatch(printed, /preset|vultr-key|upstream-key|env-key/);
    const second = parseConfigText(printed, '/etc/floatd/floatd.yaml', opts);
    assert.deepEqual(comparable(second), comparable(first));
  }
});

test('a preset role also marks what a watch section announces', () => {
  const vultr = expandPresets({
    preset: { vultr: { asn: 4200000001, 'password-env': 'VULTR_KEY', 'source-address': '198.51.100.99', role: 'tertiary' } },
    watch: { interface: 'lo', prefixes: ['192.0.2.0/24'], prepend: 1 },
  });
  assert.deepEqual((vultr.data as Record<string, unknown>)['watch'], { interface: 'lo', prefixes: ['192.0.2.0/24'], prepend: 3 });
  const linode = expandPresets({ preset: { linode: { dcid: 10, role: 'primary' } }, watch: { interface: 'lo', communities: ['no-export'] } });
  assert.deepEqual((linode.data as Record<string, unknown>)['watch'], { interface: 'lo', communities: ['no-export', '65000:1'] });
  assert.deepEqual(linode.sourceOf(['watch', 'communities', 1]), ['preset', 'linode', 'role']);
  assert.deepEqual(linode.sourceOf(['watch', 'communities', 0]), ['watch', 'communities', 0]);
});

test('source map: the longest matching rule wins; generated values map to their preset key, written ones key for key', () => {
  const m = new SourceMap();
  m.generated(['neighbors', 2], ['preset', 'vultr']);
  m.generated(['neighbors', 2, 'password-file'], ['preset', 'vultr', 'password-file']);
  m.moved(['neighbors', 3], ['preset', 'generic', 'routers', 0]);
  assert.deepEqual(m.sourceOf(['neighbors', 2, 'hold-time']), ['preset', 'vultr']);
  assert.deepEqual(m.sourceOf(['neighbors', 2, 'password-file']), ['preset', 'vultr', 'password-file']);
  assert.deepEqual(m.sourceOf(['neighbors', 3, 'families', 1]), ['preset', 'generic', 'routers', 0, 'families', 1]);
  assert.deepEqual(m.sourceOf(['neighbors', 1, 'peer-as']), ['neighbors', 1, 'peer-as']);
  assert.deepEqual(m.sourceOf([]), []);
});
