// The session's timers on fake time. The hold timer (RFC 4271 10, 6.5) expires
// hold time (9 s here) after the last KEEPALIVE or UPDATE received, and a steady
// stream of UPDATEs keeps the session up without arming a timer for each of
// them; KEEPALIVEs go out at a third of it; the send hold timer (RFC 9687).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedMessage } from '../../../src/bgp/codec/message.js';
import { SessionTimers } from '../../../src/bgp/session/session-timers.js';
import { FakeClock } from '../../../src/util/clock.js';
import { msg } from '../../helpers/hex.js';
import { harness, kinds, KEEPALIVE } from './harness.js';

// 198.51.100.0/24 from AS 65000, ORIGIN IGP, next hop 10.0.0.1.
const UPDATE = msg(2, '0000 0014 40010100 40020602010000fde8 4003040a000001 18c63364');
const HOLD_MS = 9000;

const notifications = (ms: DecodedMessage[]): string[] => ms.flatMap((m) => (m.type === 'notification' ? [`${m.code}/${m.subcode}`] : []));

test('a session receiving UPDATEs steadily never expires, and the UPDATEs arm no timer each', async () => {
  const h = harness();
  const s = await h.establish();
  h.sent(s);
  let armed = 0;
  const setTimer = h.clock.setTimer.bind(h.clock);
  h.clock.setTimer = (ms, fn) => {
    armed++;
    return setTimer(ms, fn);
  };
  // Ten hold times of one UPDATE every 500 ms: the hold timer runs out again and again, and each time finds a later deadline.
  for (let t = 0; t < 10 * HOLD_MS; t += 500) {
    h.clock.advance(500);
    s.feed(UPDATE);
    await h.settle();
  }
  assert.equal(h.session.stateName, 'Established');
  assert.deepEqual(notifications(h.sent(s)), []);
  assert.equal(h.session.status().updates.in, 180);
  // KEEPALIVEs every 3 s (30) and the hold timer re-armed about once per hold time (10), not 180 times.
  assert.ok(armed <= 45, `${armed} timers armed for 180 UPDATEs`);

  // A burst of a thousand UPDATEs at one instant arms nothing at all.
  armed = 0;
  for (let i = 0; i < 1000; i++) s.feed(UPDATE);
  await h.settle();
  assert.equal(h.session.status().updates.in, 1180);
  assert.equal(armed, 0);
});

for (const [name, last] of [
  ['UPDATE', UPDATE],
  ['KEEPALIVE', KEEPALIVE],
] as const) {
  test(`silence ends the session exactly hold time after the last ${name}`, async () => {
    const h = harness();
    const s = await h.establish();
    h.clock.advance(2000);
    s.feed(UPDATE);
    await h.settle();
    h.clock.advance(2500);
    s.feed(last);
    await h.settle();
    h.sent(s);
    h.clock.advance(HOLD_MS - 1);
    assert.equal(h.session.stateName, 'Established');
    assert.deepEqual(notifications(h.sent(s)), []);
    h.clock.advance(1);
    // RFC 4271 6.5: Hold Timer Expired, code 4, subcode 0.
    assert.deepEqual(notifications(h.sent(s)), ['4/0']);
    assert.equal(h.session.stateName, 'Idle');
    assert.match(h.session.status().lastError ?? '', /Hold Timer Expired/);
  });
}

test('a KEEPALIVE that arrived before the hold time ran out keeps the session, even while it waits to be read', async () => {
  const h = harness();
  const s = await h.establish();
  h.clock.advance(HOLD_MS - 1);
  s.feed(KEEPALIVE); // queued; the slice that reads it has not run yet
  h.clock.advance(1);
  assert.equal(h.session.stateName, 'Established', 'the timer waits for what is queued');
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  h.sent(s);
  // It restarted the hold timer when it was read, at 9 s.
  h.clock.advance(HOLD_MS - 1);
  assert.equal(h.session.stateName, 'Established');
  h.clock.advance(1);
  assert.deepEqual(notifications(h.sent(s)), ['4/0']);
});

test('the hold timer of the OPEN exchange (4 minutes) gives way to the negotiated one', async () => {
  const h = harness();
  h.session.start();
  await h.settle();
  const s = h.sockets[0]!;
  // OpenSent: the large hold timer runs (RFC 4271 8.2.2).
  h.clock.advance(200_000);
  assert.equal(h.session.stateName, 'OpenSent');
  h.clock.advance(40_000);
  assert.equal(h.session.stateName, 'Idle', 'no OPEN within 240 s');

  const h2 = harness();
  const s2 = await h2.establish();
  h2.sent(s2);
  h2.clock.advance(HOLD_MS);
  assert.deepEqual(notifications(h2.sent(s2)), ['4/0'], 'Established uses the negotiated 9 s, not what was left of 240 s');
  assert.ok(s.ended);
});

test('KEEPALIVEs go out at a third of the hold time; silence from the peer for the hold time ends the session', async () => {
  const h = harness();
  const s = await h.establish();
  h.sent(s);
  h.clock.advance(3000);
  assert.deepEqual(kinds(h.sent(s)), ['keepalive']);
  h.clock.advance(3000);
  assert.deepEqual(kinds(h.sent(s)), ['keepalive']);
  h.clock.advance(3001);
  assert.deepEqual(kinds(h.sent(s)), ['notification 4/0']);
  assert.equal(h.session.stateName, 'Idle');
  assert.ok(s.ended);
  // Idle hold, then a new connection.
  h.clock.advance(1000);
  await h.settle();
  assert.equal(h.sockets.length, 2);
  assert.equal(h.session.stateName, 'OpenSent');
});

test('a KEEPALIVE from the peer restarts the hold timer', async () => {
  const h = harness();
  const s = await h.establish();
  for (let i = 0; i < 5; i++) {
    h.clock.advance(6000);
    s.feed(KEEPALIVE);
  }
  assert.equal(h.session.stateName, 'Established');
});

test('the send hold timer (RFC 9687) ends a session whose peer stops reading', async () => {
  const h = harness();
  const s = await h.establish();
  h.sent(s);
  s.writeOk = false; // from now on nothing we write drains
  // The peer keeps talking, so the hold timer never fires; only the send hold timer (8 minutes) can.
  for (let t = 0; t < 490_000 && h.session.stateName === 'Established'; t += 3000) {
    h.clock.advance(3000);
    s.feed(KEEPALIVE);
  }
  assert.deepEqual(kinds(h.sent(s)).slice(-1), ['notification 8/0']);
  assert.equal(h.session.stateName, 'Idle');
});

test('on its own: jitter only where RFC 4271 10 asks for it; a hold timer that runs out with input queued looks again shortly', () => {
  const clock = new FakeClock();
  const expired: string[] = [];
  let queued = false;
  const timers = new SessionTimers({ clock, random: () => 0, expired: (e) => expired.push(e.kind), inputQueued: () => queued, unsent: () => 0 });
  // random 0: jittered timers run 0.75 of their time.
  timers.start('keepalive', 4000);
  timers.start('connect-retry', 4000);
  timers.start('hold', 4000);
  clock.advance(3000);
  assert.deepEqual(expired.sort(), ['ConnectRetryTimerExpires', 'KeepaliveTimerExpires']);
  expired.length = 0;
  queued = true;
  clock.advance(1000);
  assert.deepEqual(expired, [], 'received bytes wait to be read');
  queued = false;
  clock.advance(10);
  assert.deepEqual(expired, ['HoldTimerExpires']);
});
