// What the session announces: the Adj-RIB-Out diff as UPDATEs, and answers to ROUTE-REFRESH.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { decodeMessage, type DecodedMessage } from '../../../src/bgp/codec/message.js';
import { checkPeerOpen } from '../../../src/bgp/fsm/negotiate.js';
import type { Announcement } from '../../../src/bgp/rib/announcement.js';
import { RouteSender } from '../../../src/bgp/session/route-sender.js';
import { msg } from '../../helpers/hex.js';
import { LOCAL, PEER, peerOpen } from '../fsm/fixtures.js';
import { announced, harness, kinds, KEEPALIVE, route, TARGET, withdrawn } from './harness.js';

test('a change of the desired routes sends only the difference, and nothing when nothing changed', async () => {
  const h = harness();
  h.desired.push(route('192.0.2.10/32', 100), route('192.0.2.11/32', 100));
  const s = await h.establish();
  h.sent(s);
  h.session.setDesired([route('192.0.2.10/32', 100), route('192.0.2.11/32', 100)]);
  assert.deepEqual(h.sent(s), []);
  h.session.setDesired([route('192.0.2.10/32', 1000)]);
  const out = h.sent(s);
  assert.deepEqual(withdrawn(out), ['192.0.2.11/32']);
  assert.deepEqual(announced(out), ['192.0.2.10/32 med 1000']);
});

test('ROUTE-REFRESH is answered with every route of the family, bracketed by BoRR/EoRR when enhanced refresh is negotiated', async () => {
  const h = harness();
  h.desired.push(route('192.0.2.10/32'));
  // The peer's OPEN with enhanced route refresh (code 70) as well.
  const open = msg(1, '04 fde8 0009 0a000001 12 0210 0104 00010001 0200 4600 4104 0000fde8');
  h.session.start();
  await h.settle();
  const s = h.sockets[0]!;
  s.feed(open);
  s.feed(KEEPALIVE);
  await h.settle();
  h.sent(s);
  s.feed(msg(5, '0001 00 01'));
  await h.settle();
  const out = h.sent(s);
  assert.deepEqual(kinds(out), ['route-refresh', 'update', 'route-refresh']);
  assert.deepEqual(announced(out), ['192.0.2.10/32']);
  assert.deepEqual(out.map((m) => (m.type === 'route-refresh' ? m.subtype : -1)), [1, -1, 2]);
});

test('on its own: refresh() hands the WITHDRAW to the connection before it returns', () => {
  const written: Buffer[] = [];
  const desired: readonly Announcement[] = [route('192.0.2.10/32'), route('192.0.2.11/32')];
  const tx = new RouteSender({ log: pino({ level: 'silent' }), target: { ...TARGET, peerAs: PEER.peerAs }, localAddress: () => '10.0.0.2', write: (m) => written.push(m) });
  tx.setDesired(desired);
  const check = checkPeerOpen(LOCAL, PEER, peerOpen());
  assert.ok(check.ok);
  tx.established(check.negotiated);
  const decode = (): DecodedMessage[] => written.splice(0).map((b) => decodeMessage(b, check.negotiated.tx));
  // Both routes share attributes: one UPDATE, then End-of-RIB for IPv4 and IPv6.
  assert.deepEqual(kinds(decode()), ['update', 'eor', 'eor']);
  assert.equal(tx.announced, 2);
  tx.setDesired(desired.slice(0, 1));
  tx.refresh();
  assert.deepEqual(withdrawn(decode()), ['192.0.2.11/32']);
  assert.equal(tx.updatesOut, 4);
  tx.down();
  tx.refresh();
  assert.deepEqual(written, [], 'nothing is sent once the session is down');
});
