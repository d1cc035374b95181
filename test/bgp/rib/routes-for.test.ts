import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Negotiated } from '../../../src/bgp/fsm/index.js';
import { routesFor as routesForTarget, type SkippedRoute } from '../../../src/bgp/rib/routes-for.js';
import { staticAnnouncements } from '../../../src/config/announcements.js';
import { toAnnouncement } from '../../../src/bgp/rib/announcement.js';
import { wirePrefix } from '../../../src/bgp/codec/nlri.js';
import { parseConfigText, type Config, type NeighborConfig } from '../../../src/config/index.js';

const config = (neighbors: string, announce: string) =>
  parseConfigText(`router-id: 10.0.0.2\nlocal-as: 65001\nneighbors:\n${neighbors}\nannounce:\n${announce}`, 'test.yaml', { hostname: 'h' });

const routesFor = (cfg: Config, n: NeighborConfig, ...rest: Parameters<typeof routesForTarget> extends [unknown, ...infer R] ? R : never) =>
  routesForTarget({ localAs: cfg.localAs ?? assert.fail('local-as'), address: n.address, peerAs: n.peerAs, nextHop: n.nextHop }, ...rest);

const session = (localAddress: string, extendedNextHopIpv4 = false) => ({ negotiated: { extendedNextHopIpv4 } as Negotiated, localAddress });

test('eBGP: our AS plus prepends, next hop self, MED and communities; no LOCAL_PREF', () => {
  const cfg = config('  - { address: 10.0.0.1, peer-as: 64515 }', '  - { prefix: 192.0.2.10/32, med: 10, prepend: 2, communities: ["65000:1"], large-communities: ["65001:1:2"], local-pref: 300 }');
  const [r] = routesFor(cfg, cfg.neighbors[0]!, staticAnnouncements(cfg), session('10.0.0.2'));
  assert.deepEqual(r?.nextHops, ['10.0.0.2']);
  assert.deepEqual(r?.attributes, {
    origin: 0,
    asPath: [{ type: 2, asns: [65001, 65001, 65001] }],
    med: 10,
    communities: [0xfde80001],
    largeCommunities: [{ global: 65001, local1: 1, local2: 2 }],
  });
});

test('iBGP: empty AS path, LOCAL_PREF (100 unless configured)', () => {
  const cfg = config('  - { address: 10.0.0.1, peer-as: 65001 }', '  - { prefix: 192.0.2.10/32 }\n  - { prefix: 192.0.2.11/32, local-pref: 300 }');
  const rs = routesFor(cfg, cfg.neighbors[0]!, staticAnnouncements(cfg), session('::ffff:10.0.0.2'));
  assert.deepEqual(rs.map((r) => [r.attributes.asPath, r.attributes.localPref, r.nextHops[0]]), [
    [[], 100, '10.0.0.2'],
    [[], 300, '10.0.0.2'],
  ]);
});

test('routes only go to the neighbors they are configured for', () => {
  const cfg = config('  - { address: 10.0.0.1, peer-as: 64515 }\n  - { address: 10.0.0.3, peer-as: 64515 }', '  - { prefix: 192.0.2.10/32, neighbors: [10.0.0.3] }');
  assert.equal(routesFor(cfg, cfg.neighbors[0]!, staticAnnouncements(cfg), session('10.0.0.2')).length, 0);
  assert.equal(routesFor(cfg, cfg.neighbors[1]!, staticAnnouncements(cfg), session('10.0.0.2')).length, 1);
});

test('next-hop self on an IPv6 session: IPv4 prefixes need extended next hop (RFC 8950), else they are skipped with a reason', () => {
  const cfg = config('  - { address: "2001:db8::1", peer-as: 65000, families: [ipv4, ipv6], extended-next-hop: true }', '  - { prefix: 192.0.2.10/32 }\n  - { prefix: "2001:db8:10::/64" }');
  const n = cfg.neighbors[0]!;
  const ok = routesFor(cfg, n, staticAnnouncements(cfg), session('2001:db8::2', true));
  assert.deepEqual(ok.map((r) => [`${r.prefix.addr}/${r.prefix.len}`, r.nextHops[0]]), [
    ['192.0.2.10/32', '2001:db8::2'],
    ['2001:db8:10::/64', '2001:db8::2'],
  ]);
  const skipped: SkippedRoute[] = [];
  const partial = routesFor(cfg, n, staticAnnouncements(cfg), session('2001:db8::2', false), skipped);
  assert.equal(partial.length, 1);
  assert.match(skipped[0]!.reason, /extended-next-hop/);
});

test('routes outside allow, and default routes allow does not list, are skipped and marked refused', () => {
  const cfg = config('  - { address: 10.0.0.1, peer-as: 64515 }', '  - { prefix: 192.0.2.10/32 }');
  const n = cfg.neighbors[0]!;
  const entries = [...staticAnnouncements(cfg), ...['0.0.0.0/0', '198.51.100.0/24', '192.0.2.0/24'].map((prefix) => toAnnouncement({ prefix, prepend: 0, communities: [], largeCommunities: [], neighbors: [n.address] }))];
  const target = { localAs: cfg.localAs ?? assert.fail('local-as'), address: n.address, peerAs: n.peerAs, nextHop: n.nextHop };
  const skipped: SkippedRoute[] = [];
  const sent = routesForTarget({ ...target, allow: [wirePrefix('192.0.2.0/24')] }, entries, session('10.0.0.2'), skipped);
  assert.deepEqual(sent.map((r) => `${r.prefix.addr}/${r.prefix.len}`), ['192.0.2.10/32', '192.0.2.0/24']);
  assert.deepEqual(skipped, [
    { prefix: '0.0.0.0/0', reason: 'a default route not listed in allow', refused: true },
    { prefix: '198.51.100.0/24', reason: 'outside the allow list', refused: true },
  ]);
  const noAllow: SkippedRoute[] = [];
  assert.equal(routesForTarget(target, entries, session('10.0.0.2'), noAllow).length, 3);
  assert.deepEqual(noAllow.map((k) => k.prefix), ['0.0.0.0/0']);
  assert.equal(routesForTarget({ ...target, allow: [wirePrefix('0.0.0.0/0')] }, entries, session('10.0.0.2')).length, 4);
});
