import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReceivedChange } from '../../../src/bgp/session/peer-session.js';
import { msg } from '../../helpers/hex.js';
import { harness } from './harness.js';

// 198.51.100.0/24 and 203.0.113.0/24 from AS 65000, ORIGIN IGP, next hop 10.0.0.1.
const ANNOUNCE_TWO = msg(2, '0000 0014 40010100 40020602010000fde8 4003040a000001 18c63364 18cb0071');
// Withdrawn routes: 198.51.100.0/24; no attributes, no NLRI.
const WITHDRAW_ONE = msg(2, '0004 18c63364 0000');
// IPv4 End-of-RIB (RFC 4724 2): an UPDATE with nothing in it.
const END_OF_RIB = msg(2, '0000 0000');

function recording(): { calls: { change: ReceivedChange; prefixes: string[] }[]; h: ReturnType<typeof harness> } {
  const calls: { change: ReceivedChange; prefixes: string[] }[] = [];
  const h = harness({
    importMode: 'all',
    // What the listener can read at the moment it is told.
    onReceivedChange: (change) => calls.push({ change, prefixes: [...h.session.receivedRoutes()].map((r) => r.prefix) }),
  });
  return { calls, h };
}

test('the received-change listener hears each UPDATE that changed the Adj-RIB-In, and sees the new routes', async () => {
  const { calls, h } = recording();
  const s = await h.establish();
  s.feed(ANNOUNCE_TWO);
  await h.settle();
  assert.deepEqual(calls, [{ change: 'update', prefixes: ['198.51.100.0/24', '203.0.113.0/24'] }]);
  s.feed(END_OF_RIB);
  await h.settle();
  assert.equal(calls.length, 1, 'End-of-RIB changes nothing');
  s.feed(WITHDRAW_ONE);
  await h.settle();
  assert.deepEqual(calls[1], { change: 'update', prefixes: ['203.0.113.0/24'] });
});

test('the listener hears "down" once when an Established session ends by hold timer, with no routes left', async () => {
  const { calls, h } = recording();
  const s = await h.establish();
  s.feed(ANNOUNCE_TWO);
  await h.settle();
  h.clock.advance(9000);
  await h.settle();
  assert.notEqual(h.session.stateName, 'Established');
  assert.deepEqual(
    calls.map((c) => c.change),
    ['update', 'down'],
  );
  assert.deepEqual(calls[1]!.prefixes, []);
});

test('the listener hears "down" when the peer closes the connection', async () => {
  const { calls, h } = recording();
  const s = await h.establish();
  s.drop();
  await h.settle();
  assert.deepEqual(
    calls.map((c) => c.change),
    ['down'],
  );
});

test('the listener stays silent for import none and for a session that never came up', async () => {
  const calls: ReceivedChange[] = [];
  const none = harness({ onReceivedChange: (c) => calls.push(c) });
  const s = await none.establish();
  s.feed(ANNOUNCE_TWO);
  await none.settle();
  s.drop();
  await none.settle();
  assert.equal(none.session.status().establishedTransitions, 1);
  assert.equal(calls.length, 0);

  const early = harness({ importMode: 'all', onReceivedChange: (c) => calls.push(c) });
  early.session.start();
  await early.settle();
  // The connection closes in OpenSent, before any OPEN arrived.
  early.sockets[0]!.drop();
  await early.settle();
  assert.equal(calls.length, 0);
});
