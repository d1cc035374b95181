// The session as a whole: the FSM driven over a socket, from connect to
// Established and back, and what status reports about it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../../helpers/hex.js';
import { announced, harness, kinds, KEEPALIVE, PEER_OPEN, route, withdrawn } from './harness.js';

test('connects, exchanges OPENs, and on Established announces its routes then End-of-RIB', async () => {
  const h = harness();
  h.desired.push(route('192.0.2.10/32', 100), route('192.0.2.11/32', 100));
  h.session.start();
  await h.settle();
  assert.equal(h.session.stateName, 'OpenSent');
  const s = h.sockets[0]!;
  const open = h.sent(s)[0];
  assert.equal(open?.type, 'open');
  assert.equal(open?.type === 'open' && open.holdTime, 9);
  s.feed(PEER_OPEN);
  await h.settle();
  assert.equal(h.session.stateName, 'OpenConfirm');
  assert.deepEqual(kinds(h.sent(s)), ['keepalive']);
  s.feed(KEEPALIVE);
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  const out = h.sent(s);
  assert.deepEqual(kinds(out), ['update', 'eor'], 'both routes share attributes, so one UPDATE carries them');
  assert.deepEqual(announced(out), ['192.0.2.10/32 med 100', '192.0.2.11/32 med 100']);
  const st = h.session.status();
  assert.equal(st.state, 'Established');
  assert.equal(st.holdTime, 9);
  assert.equal(st.keepaliveTime, 3);
  assert.equal(st.prefixes.announced, 2);
});

test('stop withdraws first, then sends Cease/Administrative Shutdown with the RFC 9003 message', async () => {
  const h = harness();
  h.desired.push(route('192.0.2.10/32'));
  const s = await h.establish();
  h.sent(s);
  const done = h.session.stop('maintenance');
  const out = h.sent(s);
  assert.deepEqual(kinds(out), ['update', 'notification 6/2']);
  assert.deepEqual(withdrawn(out), ['192.0.2.10/32']);
  const n = out[1];
  assert.equal(n?.type === 'notification' && n.shutdownMessage, 'maintenance');
  await done;
  assert.equal(h.session.stateName, 'Idle');
  h.clock.advance(600_000);
  assert.equal(h.sockets.length, 1, 'a stopped session does not reconnect');
});

test('a bad peer AS is refused with OPEN error Bad Peer AS', async () => {
  const h = harness({}, { peer: { peerAs: 65099 } });
  h.session.start();
  await h.settle();
  const s = h.sockets[0]!;
  h.sent(s);
  s.feed(PEER_OPEN);
  await h.settle();
  assert.deepEqual(kinds(h.sent(s)), ['notification 2/2']);
  assert.equal(h.session.status().lastError, 'sent OPEN Message Error/Bad Peer AS');
});

test('regression: after the session goes down, status no longer counts the old session\'s prefixes', async () => {
  const h = harness();
  const s = await h.establish();
  s.feed(msg(2, '0000 0014 40010100 40020602010000fde8 4003040a000001 18c63364 18cb0071'));
  await h.settle();
  assert.equal(h.session.status().prefixes.received, 2);
  s.drop();
  await h.settle();
  assert.equal(h.session.stateName, 'Idle');
  assert.equal(h.session.status().prefixes.received, 0);
});
