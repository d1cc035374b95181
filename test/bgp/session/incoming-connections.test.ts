// Connections the peer opens while the session has one (RFC 4271 6.8).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeSocket, harness, kinds, KEEPALIVE, PEER_OPEN } from './harness.js';

test('an incoming connection in OpenSent from a peer with a higher identifier wins the collision (RFC 4271 6.8)', async () => {
  const h = harness({}, { local: { localAs: 65001, routerId: '10.0.0.0', holdTime: 9, families: ['ipv4'], extendedNextHopIpv4: false, extendedMessage: false } });
  h.session.start();
  await h.settle();
  const outbound = h.sockets[0]!;
  assert.equal(h.session.stateName, 'OpenSent');
  const inbound = new FakeSocket();
  h.session.acceptIncoming(inbound);
  inbound.feed(PEER_OPEN);
  await h.settle();
  // Our identifier 10.0.0.0 < the peer's 10.0.0.1: the peer's connection survives.
  assert.deepEqual(kinds(h.sent(outbound)).slice(-1), ['notification 6/7']);
  assert.deepEqual(kinds(h.sent(inbound)), ['open', 'keepalive']);
  assert.equal(h.session.stateName, 'OpenConfirm');
  inbound.feed(KEEPALIVE);
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  assert.equal(h.session.status().direction, 'inbound');
});

test('an incoming connection in OpenSent from a peer with a lower identifier loses the collision (RFC 4271 6.8)', async () => {
  const h = harness();
  h.session.start();
  await h.settle();
  const outbound = h.sockets[0]!;
  h.sent(outbound);
  const inbound = new FakeSocket();
  h.session.acceptIncoming(inbound);
  inbound.feed(PEER_OPEN);
  await h.settle();
  // Our identifier 10.0.0.2 > the peer's 10.0.0.1: our connection survives, the new one is refused.
  assert.deepEqual(kinds(h.sent(inbound)), ['notification 6/7']);
  assert.ok(inbound.ended);
  assert.deepEqual(h.sent(outbound), []);
  assert.equal(h.session.stateName, 'OpenSent');
  outbound.feed(PEER_OPEN);
  outbound.feed(KEEPALIVE);
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  assert.equal(h.session.status().direction, 'outbound');
});

test('an incoming connection while Established is refused with Cease/Connection Collision Resolution', async () => {
  const h = harness();
  await h.establish();
  const extra = new FakeSocket();
  h.session.acceptIncoming(extra);
  assert.equal(extra.written.length, 1);
  assert.equal(extra.written[0]!.subarray(19, 21).toString('hex'), '0607');
  assert.equal(h.session.stateName, 'Established');
});
