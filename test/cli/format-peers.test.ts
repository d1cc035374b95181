import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capabilityLines, formatPeers } from '../../src/cli/format-peers.js';
import type { PeersView } from '../../src/cli/format-views.js';
import { PEER_DOWN, PEER_UP, STATUS } from './samples.js';

const EXPECTED = `Neighbor 169.254.169.254, AS 64515 (vultr)
  State:        Established, up 01:02:05, outbound connection
  Router id:    45.63.10.1
  Hold time:    90 s, keepalive every 30 s (we proposed 90 s, the peer 240 s)
  Messages:     130 in, 131 out
  Updates:      1 in, 2 out
  Prefixes:     1 received (stored), 0 withdrawn, 0 looped, 1 announced
  Established:  1 time
  Last error:   -
  Capabilities:
    families ipv4 ipv6
    4-octet AS
    route refresh
    extended message
    add-path receive ipv4
    graceful restart (restart time 120 s, notification, forwarding ipv4)

Neighbor 2001:19f0:ffff::1, AS 64515
  State:        Active
  Hold time:    proposing 9 s
  Hold ladder:  3, 9, 30, 90 s; proposing 9 s (step 2 of 4)
  Messages:     3 in, 4 out
  Updates:      0 in, 0 out
  Prefixes:     0 received (counted, not stored), 0 withdrawn, 0 looped, 0 announced
  Established:  2 times
  Last error:   received NOTIFICATION 6/2 (Cease / Administrative Shutdown): "maintenance"
`;

test('peers prints every neighbor in detail, from the speaker status or a bare list', () => {
  assert.equal(formatPeers(STATUS as unknown as PeersView), EXPECTED);
  assert.equal(formatPeers([PEER_UP, PEER_DOWN] as unknown as PeersView), EXPECTED);
  assert.equal(formatPeers([]), 'no neighbors configured\n');
});

test('capabilities: only what was negotiated, unknown ones by name, hold time 0 explained', () => {
  assert.deepEqual(
    capabilityLines({
      families: ['ipv6'],
      extendedNextHopIpv4: true,
      enhancedRouteRefresh: true,
      addPath: { rxIpv4: false, rxIpv6: true, txIpv4: true, txIpv6: true },
      gracefulRestart: { restartTime: 90, restarting: true, notification: false, families: [] },
      hostname: 'r1.example',
      bfd: true,
      role: 'customer',
      fourOctetAs: false,
    }),
    [
      'families ipv6',
      'extended next hop (IPv4 routes over IPv6)',
      'enhanced route refresh',
      'add-path receive ipv6 send ipv4 ipv6',
      'graceful restart (restart time 90 s, restarting)',
      'hostname "r1.example"',
      'bfd',
      'role "customer"',
    ],
  );
  assert.deepEqual(capabilityLines({ addPath: { rxIpv4: false, rxIpv6: false, txIpv4: false, txIpv6: false }, gracefulRestart: null }), []);
  const zero = formatPeers([{ ...PEER_UP, holdTime: 0, keepaliveTime: 0, holdTimeProposed: 0, peerHoldTime: 90, capabilities: {} }] as unknown as PeersView);
  assert.match(zero, /^ {2}Hold time: {4}0 \(no hold timer, no keepalives\) \(we proposed 0 s, the peer 90 s\)$/m);
  assert.doesNotMatch(zero, /Capabilities/);
});

test('a hold-time ladder whose every candidate the peer refused says so', () => {
  const text = formatPeers([{ ...PEER_DOWN, holdTimeProposed: 90, holdLadder: { candidates: [3, 9, 30, 90], step: 4, exhausted: true } }] as unknown as PeersView);
  assert.match(text, /^ {2}Hold ladder: {2}3, 9, 30, 90 s; proposing 90 s \(step 4 of 4, the peer refused even this one\)$/m);
});

test('a peer-chosen hostname with escape sequences is printed escaped, as a shutdown communication is, never raw', () => {
  const evil = 'r1\u001b]0;owned\u0007\u001b[2J\r\nfake line';
  const [line] = capabilityLines({ hostname: evil });
  assert.equal(line, `hostname ${JSON.stringify(evil)}`);
  assert.equal(line, 'hostname "r1\\u001b]0;owned\\u0007\\u001b[2J\\r\\nfake line"');
  const text = formatPeers([{ ...PEER_UP, capabilities: { hostname: evil } }] as unknown as PeersView);
  assert.doesNotMatch(text.replace(/\n/g, ''), /[\u0000-\u001f]/);
});

test('a neighbor with BFD shows its state, the negotiated intervals and the last Down', () => {
  const up = { ...PEER_UP, bfd: { state: 'Up', remoteState: 'Up', multihop: false, txIntervalMs: 100, rxIntervalMs: 100, detectionTimeMs: 300, stateChanges: 2, downs: 0 } };
  const text = formatPeers([up] as unknown as PeersView);
  assert.match(text, /\n {2}BFD: +Up \(single hop\), tx 100 ms, rx 100 ms, detect 300 ms\n/);
  assert.doesNotMatch(text, /BFD last down/);
  const down = {
    ...PEER_DOWN,
    bfd: { state: 'Down', remoteState: 'Down', multihop: true, txIntervalMs: 1000, rxIntervalMs: 0, detectionTimeMs: 0, stateChanges: 3, downs: 1, lastDown: { reason: 'control detection time expired', diag: 1, at: '2026-01-02T03:04:05.000Z' } },
  };
  const text2 = formatPeers([down] as unknown as PeersView);
  assert.match(text2, /\n {2}BFD: +Down \(multihop\), peer Down\n/);
  assert.match(text2, /\n {2}BFD last down: +control detection time expired \(2026-01-02T03:04:05.000Z\), 1 time\n/);
  assert.doesNotMatch(formatPeers([PEER_UP] as unknown as PeersView), /BFD/, 'nothing about BFD for a neighbor without it');
});

test('a neighbor held Idle after a max-prefix teardown shows why and how long is left', () => {
  const held = { ...PEER_DOWN, state: 'Idle', held: { reason: 'max-prefix 1000 reached (a further ipv4 prefix was refused)', restartInSeconds: 42 }, receiveLimitEvents: 1 };
  const text = formatPeers([held] as unknown as PeersView);
  assert.match(text, /Held:\s+max-prefix 1000 reached \(a further ipv4 prefix was refused\); restarting in 42 s\n/);
  assert.match(text, /Receive limits:\s+hit 1 time\n/);
});
