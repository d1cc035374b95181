import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { toAnnouncement } from '../../src/bgp/rib/announcement.js';
import { staticAnnouncements } from '../../src/config/announcements.js';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { parseConfigText, type Config } from '../../src/config/index.js';
import { Speaker } from '../../src/daemon/speaker.js';
import { LINODE_COMMUNITY_PREFERENCE } from '../../src/routeserver/best-path.js';
import { RouteServer, speakerConfigOf, type PeerChange, type RouteChange } from '../../src/routeserver/route-server.js';
import { realClock } from '../../src/util/clock.js';

// Real BGP over loopback: two in-process floatd speakers (127.0.0.2 and
// 127.0.0.3, which Linux routes to lo) announce one prefix to a route server
// on 127.0.0.1.

const PREFIX = '203.0.113.10/32';
const silent = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function peerConfig(address: string, routerPort: number, communities: string[]): Config {
  return parseConfigText(
    stringify({
      'router-id': address,
      'local-as': 65001,
      neighbors: [{ address: '127.0.0.1', 'peer-as': 65000, port: routerPort, 'local-address': address, 'hold-time': 3, 'connect-retry': 1, 'graceful-restart': false }],
      announce: [{ prefix: PREFIX, communities }],
    }),
    'peer.yaml',
    { env: {}, readFile: () => '', hostname: address },
  );
}

test('a route server learns routes from two speakers, keeps both for ECMP, follows communities and withdrawals at once', async () => {
  const port = await freePort();
  const rs = new RouteServer({
    listen: { address: '127.0.0.1', port },
    localAs: 65000,
    routerId: '127.0.0.1',
    peers: [
      { address: '127.0.0.2', peerAs: 65001, description: 'a' },
      { address: '127.0.0.3', peerAs: 65001, description: 'b' },
    ],
    holdTime: 3,
    decision: { communityPreference: LINODE_COMMUNITY_PREFERENCE },
  });
  const changes: RouteChange[] = [];
  const peerChanges: PeerChange[] = [];
  rs.onChange((c) => changes.push(c));
  rs.onPeerChange((c) => peerChanges.push(c));
  await rs.start();
  const cfgA = peerConfig('127.0.0.2', port, []);
  const cfgB = peerConfig('127.0.0.3', port, []);
  const a = new Speaker(cfgA, realClock, silent);
  const b = new Speaker(cfgB, realClock, silent);
  a.setAnnouncements(staticAnnouncements(cfgA));
  b.setAnnouncements(staticAnnouncements(cfgB));
  try {
    await a.start();
    await b.start();
    await waitFor('two equal-cost paths', () => rs.bestPaths(PREFIX).length === 2);
    assert.deepEqual(
      rs.bestPaths(PREFIX).map((p) => p.nextHops[0]),
      ['127.0.0.2', '127.0.0.3'],
      'both next hops, lowest router id first',
    );
    assert.deepEqual(rs.bestPaths('203.0.113.10/32'), rs.bestPaths('203.0.113.10/32'));
    assert.deepEqual(rs.prefixes(), [PREFIX]);
    assert.equal(rs.candidates(PREFIX).length, 2);
    assert.deepEqual(rs.decision(PREFIX)?.steps, []);

    // b becomes primary (65000:1), a secondary (65000:2): one best path.
    b.setAnnouncements([toAnnouncement({ ...cfgB.announce[0]!, communities: [65000 * 65536 + 1] })]);
    a.setAnnouncements([toAnnouncement({ ...cfgA.announce[0]!, communities: [65000 * 65536 + 2] })]);
    await waitFor('b alone', () => rs.bestPaths(PREFIX).length === 1 && rs.bestPaths(PREFIX)[0]!.peerAddress === '127.0.0.3');
    await waitFor('a to carry its community', () => rs.candidates(PREFIX).every((c) => (c.attributes.communities?.length ?? 0) === 1));
    assert.equal(rs.decision(PREFIX)?.steps[0]?.step, 'community');

    // b stops: its WITHDRAW (then its session's end) moves the best path to a.
    const before = changes.length;
    await b.stop();
    await waitFor('a alone', () => rs.bestPaths(PREFIX)[0]?.peerAddress === '127.0.0.2');
    const moved = changes.slice(before).find((c) => c.bestChanged)!;
    assert.equal(moved.peer, '127.0.0.3');
    assert.equal(moved.change, 'update', 'the WITHDRAW came before the session closed');
    assert.equal(moved.route, undefined);
    assert.equal(moved.before?.nextHops[0], '127.0.0.3');
    assert.equal(moved.previous?.best.peerAddress, '127.0.0.3');
    assert.equal(moved.decision?.best.peerAddress, '127.0.0.2');
    await waitFor('b session down', () => peerChanges.some((c) => c.peer === '127.0.0.3' && c.change === 'down'));
    assert.match(peerChanges.find((c) => c.peer === '127.0.0.3' && c.change === 'down')!.lastError ?? '', /Administrative Shutdown/);

    // a goes too: nothing left.
    await a.stop();
    await waitFor('no route', () => rs.bestPaths(PREFIX).length === 0);
    assert.equal(rs.decision(PREFIX), undefined);
    assert.equal(changes[changes.length - 1]!.decision, undefined);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await rs.stop();
  }
});

test('the route server refuses options its config schema rejects', () => {
  assert.throws(
    () => new RouteServer({ listen: { address: '127.0.0.1', port: 1790 }, localAs: 65000, routerId: 'nope', peers: [{ address: '127.0.0.2', peerAs: 65001 }] }),
    /router-id/,
  );
});

test('the route server builds its speaker options directly: passive sessions storing everything, no graceful restart, the config defaults otherwise', () => {
  const cfg = speakerConfigOf({ listen: { address: '127.0.0.1', port: 1790 }, localAs: 65000, routerId: '127.0.0.1', holdTime: 3, peers: [{ address: '127.0.0.2', peerAs: 65001, description: 'a' }, { address: '::1', peerAs: 65000 }] });
  assert.equal(cfg.hostname, 'route-server');
  assert.deepEqual(cfg.listen, { address: '127.0.0.1', port: 1790 });
  assert.deepEqual(
    cfg.neighbors.map((n) => [n.address, n.description, n.passive, n.import, n.holdTime, n.gracefulRestart, n.families, n.multihop, n.ttlSecurity]),
    [
      ['127.0.0.2', 'a', true, 'all', 3, false, ['ipv4'], 1, false],
      ['::1', undefined, true, 'all', 3, false, ['ipv6'], 255, false],
    ],
  );
  assert.throws(() => speakerConfigOf({ listen: { address: '127.0.0.1', port: 1790 }, localAs: 65000, routerId: '127.0.0.1', holdTime: 2, peers: [] }), /hold-time/);
});
