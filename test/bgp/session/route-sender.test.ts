// What the session announces: the Adj-RIB-Out diff as UPDATEs, and answers to ROUTE-REFRESH.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../../helpers/hex.js';
import { announced, harness, kinds, KEEPALIVE, route, withdrawn } from './harness.js';

test('a change of the desired routes sends only the difference, and nothing when nothing changed', async () => {
  const h = harness();
  h.desired.push(route('192.0.2.10/32', 100), route('192.0.2.11/32', 100));
  const s = await h.establish();
  h.sent(s);
  h.session.refreshRoutes();
  assert.deepEqual(h.sent(s), []);
  h.desired.splice(0, 2, route('192.0.2.10/32', 1000));
  h.session.refreshRoutes();
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

