import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { BfdManager } from '../../src/bfd/index.js';
import { staticAnnouncements } from '../../src/config/announcements.js';
import { parseConfigText } from '../../src/config/index.js';
import { Speaker } from '../../src/daemon/speaker.js';
import { RouteServer, type BfdPeerChange, type PeerChange } from '../../src/routeserver/index.js';
import { realClock } from '../../src/util/clock.js';
import { silenceable } from '../helpers/silent-bfd.js';

// The route server's BFD over loopback with the real addon: a floatd speaker
// on 127.x.y.2 announces a prefix to the route server on 127.x.y.1, and a
// BfdManager on 127.x.y.2 is the peer's BFD. The hold time is 90 s, so only
// BFD can end the session within the test. Addresses are chosen per process:
// UDP 3784 is one port for everybody on the host.

const T = { timeout: 40_000 };
const PREFIX = '203.0.113.20/32';
const subnet = `127.${(process.pid % 200) + 30}.${((process.pid >> 8) % 250) + 1}`;
const RS = `${subnet}.1`;
const PEER = `${subnet}.2`;
const silent = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, RS, resolve));
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


async function setUp(): Promise<{ rs: RouteServer; speaker: Speaker; bfd: BfdPeerChange[]; peers: PeerChange[]; stop: () => Promise<void> }> {
  const port = await freePort();
  const rs = new RouteServer({ listen: { address: RS, port }, localAs: 65000, routerId: RS, peers: [{ address: PEER, peerAs: 65001, bfd: true }], holdTime: 90 });
  const bfd: BfdPeerChange[] = [];
  const peers: PeerChange[] = [];
  rs.onBfdChange((c) => bfd.push(c));
  rs.onPeerChange((c) => peers.push(c));
  await rs.start();
  const cfg = parseConfigText(
    stringify({
      'router-id': PEER,
      'local-as': 65001,
      neighbors: [{ address: RS, 'peer-as': 65000, port, 'local-address': PEER, 'hold-time': 90, 'connect-retry': 1, 'graceful-restart': false }],
      announce: [{ prefix: PREFIX }],
    }),
    'peer.yaml',
    { env: {}, readFile: () => '', hostname: PEER },
  );
  const speaker = new Speaker(cfg, realClock, silent);
  speaker.setAnnouncements(staticAnnouncements(cfg));
  await speaker.start();
  return { rs, speaker, bfd, peers, stop: async () => void (await Promise.all([speaker.stop('test over'), rs.stop()])) };
}

test('a BFD Down at the route server resets that peer BGP session at once and drops its routes', T, async () => {
  const { native, silence } = silenceable();
  const peerBfd = new BfdManager({ native });
  const { rs, bfd, peers, stop } = await setUp();
  try {
    const session = peerBfd.add(RS, { local: PEER });
    await waitFor('the route and BFD Up', () => rs.bestPaths(PREFIX).length === 1 && rs.bfdState(PEER) === 'Up');
    assert.deepEqual(bfd.map((c) => c.state), ['up']);
    silence(session.nativeId!);
    await waitFor('the route gone', () => rs.bestPaths(PREFIX).length === 0, 5000);
    const down = bfd.find((c) => c.state === 'down');
    assert.ok(down, 'a BFD Down was reported');
    assert.equal(down.peer, PEER);
    assert.equal(down.failure, true);
    assert.equal(down.bgpEstablished, true);
    assert.match(down.reason ?? '', /detection time expired/i);
    const ended = peers.find((c) => c.change === 'down');
    assert.ok(ended, 'the BGP session ended');
    assert.match(ended.lastError ?? '', /BFD down/);
  } finally {
    await stop();
    await peerBfd.stopAll();
  }
});

test("a peer's AdminDown (BFD stopped on purpose) leaves its BGP session and routes alone (RFC 5882 3.2)", T, async () => {
  const peerBfd = new BfdManager();
  const { rs, bfd, peers, stop } = await setUp();
  try {
    peerBfd.add(RS, { local: PEER });
    await waitFor('the route and BFD Up', () => rs.bestPaths(PREFIX).length === 1 && rs.bfdState(PEER) === 'Up');
    await peerBfd.remove(RS);
    await waitFor('BFD Down', () => bfd.some((c) => c.state === 'down'), 5000);
    assert.equal(bfd.find((c) => c.state === 'down')?.failure, false);
    // Longer than a detection time: a reset would have happened by now.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rs.bestPaths(PREFIX).length, 1);
    assert.equal(peers.filter((c) => c.change === 'down').length, 0, 'the BGP session stayed');
  } finally {
    await stop();
  }
});
