import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_CONTROL_SOCKET, Secret, effectiveConfig, loadConfig, parseConfigText } from '../../src/config/index.js';
import type { Config } from '../../src/config/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/config/${name}`, import.meta.url));

const secrets: Record<string, string> = { '/etc/floatd/vultr.md5': 'vultr-key\n' };
/** Real reads for fixtures, fake ones for password files, so no test depends on /etc. */
const readFile = (p: string): string => {
  const s = secrets[p];
  if (s !== undefined) return s;
  if (p.includes('/fixtures/config/')) return readFileSync(p, 'utf8');
  throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
};

test('the documented example loads, with kebab-case keys turned into camelCase', () => {
  const cfg = loadConfig(fixture('example.yaml'), { readFile, env: {} });
  assert.equal(cfg.routerId, '10.88.0.2');
  assert.equal(cfg.localAs, 65001);
  assert.equal(cfg.controlSocket, '/run/floatd/floatd.sock');
  assert.equal(cfg.hostname, 'web-1');
  assert.deepEqual(cfg.listen, { address: '0.0.0.0', port: 179 });
  const n = cfg.neighbors[0]!;
  assert.equal(n.address, '10.88.0.1');
  assert.equal(n.peerAs, 64515);
  assert.equal(n.description, 'vultr');
  assert.equal(n.localAddress, '198.51.100.99');
  assert.equal(n.port, 179);
  assert.equal(n.passive, false);
  assert.ok(n.password instanceof Secret);
  assert.equal(n.password.reveal(), 'vultr-key');
  assert.equal(n.passwordFile, '/etc/floatd/vultr.md5');
  assert.equal(n.multihop, 2);
  assert.equal(n.ttlSecurity, false);
  assert.equal(n.holdTime, 90);
  assert.equal(n.connectRetry, 5);
  assert.equal(n.import, 'none');
  assert.deepEqual(n.families, ['ipv4', 'ipv6']);
  assert.equal(n.extendedNextHop, false);
  assert.equal(n.gracefulRestart, 120);
  assert.equal(n.nextHop, 'self');
  const a = cfg.announce[0]!;
  assert.equal(a.prefix, '192.0.2.10/32');
  assert.equal(a.nextHop, 'self');
  assert.equal(a.med, 100);
  assert.equal(a.prepend, 2);
  // 65000:1 = 0xfde80001; no-export = 0xffffff01 (RFC 1997).
  assert.deepEqual(a.communities, [0xfde80001, 0xffffff01]);
  assert.deepEqual(a.largeCommunities, [{ global: 65001, local1: 1, local2: 2 }]);
  assert.equal(a.localPref, 200);
  assert.deepEqual(a.neighbors, ['10.88.0.1']);
  assert.deepEqual(cfg.allow, ['192.0.2.0/24']);
  for (const key of Object.keys(n)) assert.doesNotMatch(key, /-/, `neighbor key ${key} is camelCase`);
});

test('a minimal config gets every default filled in', () => {
  const cfg = loadConfig(fixture('minimal.yaml'), { readFile, env: {}, hostname: 'box-7' });
  assert.equal(cfg.controlSocket, DEFAULT_CONTROL_SOCKET);
  assert.equal(cfg.hostname, 'box-7');
  assert.equal(cfg.listen, undefined);
  assert.equal(cfg.allow, undefined);
  const n = cfg.neighbors[0]!;
  assert.deepEqual(
    { ...n },
    {
      address: '192.0.2.254',
      peerAs: 64512,
      description: undefined,
      localAddress: undefined,
      port: 179,
      passive: false,
      password: undefined,
      passwordFile: undefined,
      passwordEnv: undefined,
      multihop: 1,
      ttlSecurity: false,
      holdTime: 90,
      connectRetry: 5,
      import: 'none',
      families: ['ipv4'],
      extendedNextHop: false,
      gracefulRestart: false,
      nextHop: 'self',
      bfd: undefined,
    },
  );
  assert.deepEqual(cfg.announce, [
    {
      prefix: '198.51.100.7/32',
      nextHop: undefined,
      med: undefined,
      prepend: 0,
      communities: [],
      largeCommunities: [],
      localPref: undefined,
      neighbors: ['192.0.2.254'],
    },
  ]);
});

test('hostname defaults to the machine name when no option is given', () => {
  const cfg = loadConfig(fixture('minimal.yaml'), { readFile, env: {} });
  assert.equal(cfg.hostname, hostname());
});

test('IPv6 sessions carrying IPv4 routes with extended next hop (Linode style)', () => {
  const cfg = loadConfig(fixture('linode.yaml'), { readFile, env: {} });
  assert.deepEqual(
    cfg.neighbors.map((n) => [n.address, n.multihop, n.holdTime, n.extendedNextHop]),
    [
      ['2600:3c0f:10:34::1', 16, 9, true],
      ['2600:3c0f:10:34::2', 16, 9, true],
    ],
  );
  // Both prefixes go to both neighbors: each carries ipv4 and ipv6.
  assert.deepEqual(cfg.announce.map((a) => a.neighbors.length), [2, 2]);
});

const base = (neighbor: string, extra = ''): string =>
  `router-id: 192.0.2.1\nlocal-as: 65001\nneighbors:\n  - ${neighbor}\n${extra}`;

test('multihop defaults: 1 for eBGP, 255 for iBGP, 255 with ttl-security', () => {
  const ebgp = parseConfigText(base('{address: 10.0.0.1, peer-as: 65002}'), 'x.yaml');
  const ibgp = parseConfigText(base('{address: 10.0.0.1, peer-as: 65001}'), 'x.yaml');
  const gtsm = parseConfigText(base('{address: 10.0.0.1, peer-as: 65002, ttl-security: true}'), 'x.yaml');
  const hops = parseConfigText(base('{address: 10.0.0.1, peer-as: 65002, ttl-security: 3}'), 'x.yaml');
  assert.equal(ebgp.neighbors[0]!.multihop, 1);
  assert.equal(ibgp.neighbors[0]!.multihop, 255);
  assert.deepEqual([gtsm.neighbors[0]!.multihop, gtsm.neighbors[0]!.ttlSecurity], [255, 1]);
  assert.equal(hops.neighbors[0]!.ttlSecurity, 3);
});

test('hold-time: a number, or a ladder of candidates whose shortest is the first OPEN\'s; the effective config writes the ladder back', () => {
  const hold = (v: string): Pick<Config['neighbors'][number], 'holdTime' | 'holdTimeLadder'> => {
    const n = parseConfigText(base(`{address: 10.0.0.1, peer-as: 65002, hold-time: ${v}}`), 'x.yaml').neighbors[0]!;
    return { holdTime: n.holdTime, holdTimeLadder: n.holdTimeLadder };
  };
  assert.deepEqual(hold('30'), { holdTime: 30, holdTimeLadder: undefined });
  assert.deepEqual(hold('[9]'), { holdTime: 9, holdTimeLadder: undefined });
  assert.deepEqual(hold('[3, 9, 30, 90]'), { holdTime: 3, holdTimeLadder: [3, 9, 30, 90] });
  const cfg = parseConfigText(base('{address: 10.0.0.1, peer-as: 65002, hold-time: [3, 9]}'), 'x.yaml');
  const n = (effectiveConfig(cfg)['neighbors'] as Record<string, unknown>[])[0]!;
  assert.deepEqual(n['hold-time'], [3, 9]);
  assert.equal('hold-time-ladder' in n, false);
});

test('addresses and prefixes come out in canonical text', () => {
  const cfg = parseConfigText(
    base('{address: "2001:DB8:0:0::1", peer-as: 65002, next-hop: "2001:db8:0::9"}', 'announce:\n  - prefix: "2001:DB8:0::/48"\n    neighbors: ["2001:db8::0:1"]\n'),
    'x.yaml',
  );
  assert.equal(cfg.neighbors[0]!.address, '2001:db8::1');
  assert.equal(cfg.neighbors[0]!.nextHop, '2001:db8::9');
  assert.equal(cfg.announce[0]!.prefix, '2001:db8::/48');
  assert.deepEqual(cfg.announce[0]!.neighbors, ['2001:db8::1']);
});

test('graceful-restart accepts true, false or a restart time; listen fills address and port', () => {
  const gr = (v: string): Config['neighbors'][number]['gracefulRestart'] =>
    parseConfigText(base(`{address: 10.0.0.1, peer-as: 65002, graceful-restart: ${v}}`), 'x.yaml').neighbors[0]!.gracefulRestart;
  assert.equal(gr('true'), 120);
  assert.equal(gr('false'), false);
  assert.equal(gr('300'), 300);
  const cfg = parseConfigText(base('{address: 10.0.0.1, peer-as: 65002, passive: true}', 'listen: {}\n'), 'x.yaml');
  assert.deepEqual(cfg.listen, { address: '::', port: 179 });
  assert.equal(cfg.neighbors[0]!.passive, true);
});

test('announce without neighbors goes to every neighbor carrying its family', () => {
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors:',
      '  - {address: 10.0.0.1, peer-as: 65002}',
      '  - {address: "2001:db8::1", peer-as: 65002}',
      '  - {address: "2001:db8::2", peer-as: 65002, families: [ipv4, ipv6]}',
      'announce:',
      '  - prefix: 192.0.2.0/24',
      '  - prefix: 2001:db8:1::/48',
      '',
    ].join('\n'),
    'x.yaml',
  );
  assert.deepEqual(cfg.announce[0]!.neighbors, ['10.0.0.1', '2001:db8::2']);
  assert.deepEqual(cfg.announce[1]!.neighbors, ['2001:db8::1', '2001:db8::2']);
});

test('an unreadable config file is a ConfigError naming the file', () => {
  assert.throws(
    () => loadConfig('/nonexistent/floatd.yaml', { readFile }),
    (e: unknown) => e instanceof ConfigError && e.message === '/nonexistent/floatd.yaml: (file): cannot read: ENOENT (expected a readable YAML file)',
  );
});

test('loadConfig reads the real file system by default', () => {
  const cfg = loadConfig(fixture('minimal.yaml'));
  assert.equal(cfg.localAs, 65001);
});
