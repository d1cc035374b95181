// The hold-time ladder over a socket: the peer refuses our hold time with
// NOTIFICATION 2/6 (RFC 4271 6.2), the next connection proposes the next
// candidate after a short wait, and status shows what was proposed, what the
// peer offered and what was negotiated.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../../helpers/hex.js';
import { harness, kinds, KEEPALIVE, type Harness } from './harness.js';

/** The peer's OPEN as in the harness but with hold time 240 (0x00f0), BIRD's default. */
const PEER_OPEN_240 = msg(1, '04 fde8 00f0 0a000001 10 020e 0104 00010001 0200 4104 0000fde8');
/** NOTIFICATION OPEN Message Error / Unacceptable Hold Time. */
const REFUSE_HOLD = msg(3, '02 06');

async function proposed(h: Harness): Promise<number | undefined> {
  const open = h.sent().find((m) => m.type === 'open');
  return open?.type === 'open' ? open.holdTime : undefined;
}

test('the peer refuses 3 s with Unacceptable Hold Time: about a second later the next OPEN proposes 9 s, which is accepted and shown', async () => {
  const h = harness({ holdTimes: [3, 9, 30, 90] });
  h.session.start();
  await h.settle();
  assert.equal(await proposed(h), 3);
  assert.equal(h.session.status().holdTimeProposed, 3);
  h.sockets[0]!.feed(REFUSE_HOLD);
  await h.settle();
  assert.equal(h.session.stateName, 'Idle');
  assert.match(h.session.status().lastError ?? '', /received OPEN Message Error\/Unacceptable Hold Time/);

  // Prompt, but not a tight loop: the base idle hold (1 s here), whatever the back-off.
  h.clock.advance(999);
  await h.settle();
  assert.equal(h.sockets.length, 1, 'no new connection before the wait is over');
  h.clock.advance(1);
  await h.settle();
  assert.equal(h.sockets.length, 2);
  assert.equal(await proposed(h), 9);

  const s = h.sockets[1]!;
  s.feed(PEER_OPEN_240);
  s.feed(KEEPALIVE);
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  const st = h.session.status();
  assert.deepEqual(
    [st.holdTimeProposed, st.peerHoldTime, st.holdTime, st.keepaliveTime, st.holdLadder],
    [9, 240, 9, 3, { candidates: [3, 9, 30, 90], step: 2, exhausted: false }],
  );

  // A reconnect later keeps the accepted step.
  s.drop();
  await h.settle();
  h.clock.advance(1000);
  await h.settle();
  assert.equal(h.sockets.length, 3);
  assert.equal(await proposed(h), 9);
});

test('a refused last candidate is proposed again with the normal back-off, and status says the peer refused it', async () => {
  const h = harness({ holdTimes: [3, 9] });
  h.session.start();
  await h.settle();
  h.sockets[0]!.feed(REFUSE_HOLD);
  await h.settle();
  h.clock.advance(1000);
  await h.settle();
  assert.equal(await proposed(h), 9);
  h.sockets[1]!.feed(REFUSE_HOLD);
  await h.settle();
  assert.deepEqual(h.session.status().holdLadder, { candidates: [3, 9], step: 2, exhausted: true });
  // Second failure in a row: the idle hold has doubled to 2 s.
  h.clock.advance(1999);
  await h.settle();
  assert.equal(h.sockets.length, 2, 'the back-off applies once the ladder has run out');
  h.clock.advance(1);
  await h.settle();
  assert.equal(h.sockets.length, 3);
  assert.equal(await proposed(h), 9);
});

test('without a ladder nothing changes: the configured hold time, no ladder in status', async () => {
  const h = harness();
  h.session.start();
  await h.settle();
  assert.equal(await proposed(h), 9);
  h.sockets[0]!.feed(REFUSE_HOLD);
  await h.settle();
  assert.deepEqual(kinds(h.sent(h.sockets[0])), []);
  const st = h.session.status();
  assert.equal(st.holdTimeProposed, 9);
  assert.equal(st.holdLadder, undefined);
});
