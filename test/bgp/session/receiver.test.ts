// The receive path: a socket's 'data' handler only queues the chunk; framing
// and decoding happen in the slices, one message at a time, whatever the
// chunk boundaries. UPDATEs are counted (import: none) or stored (import: all).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedMessage } from '../../../src/bgp/codec/message.js';
import { msg } from '../../helpers/hex.js';
import { harness, kinds, KEEPALIVE } from './harness.js';

// 198.51.100.0/24 and 203.0.113.0/24 from AS 65000, ORIGIN IGP, next hop 10.0.0.1.
const ANNOUNCE_TWO = msg(2, '0000 0014 40010100 40020602010000fde8 4003040a000001 18c63364 18cb0071');
// Withdrawn routes: 198.51.100.0/24.
const WITHDRAW_ONE = msg(2, '0004 18c63364 0000');
// 192.0.2.0/24 with MED 7 (optional, non-transitive: flags 0x80, type 4).
const ANNOUNCE_MED = msg(2, '0000 001b 40010100 40020602010000fde8 4003040a000001 800404 00000007 18c00002');

const notifications = (ms: DecodedMessage[]): string[] => ms.flatMap((m) => (m.type === 'notification' ? [`${m.code}/${m.subcode}`] : []));
const held = (h: ReturnType<typeof harness>): string[] => [...h.session.receivedRoutes()].map((r) => r.prefix).sort();

test('the data handler only queues: nothing is framed or decoded until a slice runs', async () => {
  const h = harness({ importMode: 'all' });
  const s = await h.establish();
  const before = h.session.status().messages.in;
  s.feed(Buffer.concat([ANNOUNCE_TWO, KEEPALIVE]));
  assert.equal(h.session.status().messages.in, before);
  assert.deepEqual(held(h), []);
  await h.settle();
  assert.equal(h.session.status().messages.in, before + 2);
  assert.deepEqual(held(h), ['198.51.100.0/24', '203.0.113.0/24']);
});

test('messages packed in one chunk, or split at any byte, reach the Adj-RIB-In the same', async () => {
  const stream = Buffer.concat([ANNOUNCE_TWO, KEEPALIVE, WITHDRAW_ONE, ANNOUNCE_MED, KEEPALIVE]);
  for (let i = 0; i <= stream.length; i++) {
    const h = harness({ importMode: 'all' });
    const s = await h.establish();
    const before = h.session.status().messages.in;
    s.feed(stream.subarray(0, i));
    s.feed(stream.subarray(i));
    await h.settle();
    assert.deepEqual(held(h), ['192.0.2.0/24', '203.0.113.0/24'], `split at ${i}`);
    assert.equal(h.session.status().messages.in - before, 5, `split at ${i}`);
    const med = [...h.session.receivedRoutes()].find((r) => r.prefix === '192.0.2.0/24');
    assert.equal(med?.attributes.med, 7, `split at ${i}`);
  }
});

test('the same buffer arriving twice is taken twice', async () => {
  const h = harness();
  const s = await h.establish();
  const before = h.session.status().messages.in;
  s.feed(KEEPALIVE);
  s.feed(KEEPALIVE);
  await h.settle();
  assert.equal(h.session.status().messages.in - before, 2);
});

test('a bad header after good messages in one chunk: the good ones count, then Message Header Error ends the session', async () => {
  const h = harness({ importMode: 'all' });
  const s = await h.establish();
  h.sent(s);
  // Type 9 does not exist: Bad Message Type (RFC 4271 6.1).
  s.feed(Buffer.concat([ANNOUNCE_TWO, Buffer.from('ffffffffffffffffffffffffffffffff001309', 'hex'), ANNOUNCE_MED]));
  await h.settle();
  assert.deepEqual(notifications(h.sent(s)), ['1/3']);
  assert.equal(h.session.stateName, 'Idle');
  assert.equal(h.session.status().updates.in, 1, 'the UPDATE before the bad header was handled, the one after it never');
  assert.ok(s.paused, 'nothing more is read from a stream that lost its framing');
});

test('with extended message, an UPDATE over 4096 octets in the chunk of the KEEPALIVE that establishes the session is accepted (RFC 8654)', async () => {
  const h = harness({}, { local: { localAs: 65001, routerId: '10.0.0.2', holdTime: 9, families: ['ipv4'], extendedNextHopIpv4: false, extendedMessage: true } });
  // 1100 /24s in 10.0.0.0/8 .. : 4400 octets of NLRI.
  const nlri = Array.from({ length: 1100 }, (_, i) => `18 0a${(i >> 8).toString(16).padStart(2, '0')}${(i & 0xff).toString(16).padStart(2, '0')}`).join(' ');
  const big = msg(2, `0000 0014 40010100 40020602010000fde8 4003040a000001 ${nlri}`);
  assert.ok(big.length > 4096);
  h.session.start();
  await h.settle();
  const s = h.sockets[0]!;
  s.feed(msg(1, '04 fde8 0009 0a000001 10 020e 0104 00010001 0200 4104 0000fde8'));
  s.feed(Buffer.concat([KEEPALIVE, big]));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  assert.equal(h.session.status().prefixes.received, 1100);
});

test('import none counts received prefixes; import all stores them; treat-as-withdraw removes them', async () => {
  // 198.51.100.0/24 and 203.0.113.0/24 from AS 65000, next hop 10.0.0.1.
  const update = msg(2, '0000 0014 40010100 40020602010000fde8 4003040a000001 18c63364 18cb0071');
  const none = harness();
  let s = await none.establish();
  s.feed(update);
  await none.settle();
  assert.equal(none.session.status().prefixes.received, 2);
  assert.deepEqual([...none.session.receivedRoutes()], []);

  const all = harness({ importMode: 'all' });
  s = await all.establish();
  s.feed(update);
  await all.settle();
  assert.equal(all.session.status().prefixes.received, 2);
  assert.deepEqual([...all.session.receivedRoutes()].map((r) => r.prefix), ['198.51.100.0/24', '203.0.113.0/24']);
  // The same prefixes with an invalid ORIGIN (3): RFC 7606 treat-as-withdraw, the session stays up.
  s.feed(msg(2, '0000 0014 40010103 40020602010000fde8 4003040a000001 18c63364 18cb0071'));
  await all.settle();
  assert.equal(all.session.stateName, 'Established');
  assert.equal(all.session.status().prefixes.received, 0);
  // A route whose AS_PATH holds our own AS 65001 is a loop (RFC 4271 9.1.2): not stored, counted apart.
  s.feed(msg(2, '0000 0018 40010100 40020a02020000fde80000fde9 4003040a000001 18c63364'));
  await all.settle();
  assert.equal(all.session.status().prefixes.received, 0);
  assert.equal(all.session.status().prefixes.looped, 1);
});

test('an UPDATE error that resets the session sends its NOTIFICATION', async () => {
  const h = harness();
  const s = await h.establish();
  h.sent(s);
  // Withdrawn routes length 0x00ff overruns the message: Malformed Attribute List.
  s.feed(msg(2, '00ff 0000'));
  await h.settle();
  assert.deepEqual(kinds(h.sent(s)), ['notification 3/1']);
  assert.equal(h.session.stateName, 'Idle');
});

test('a bad header is answered with a Message Header Error', async () => {
  const h = harness();
  const s = await h.establish();
  h.sent(s);
  s.feed(Buffer.from('ffffffffffffffffffffffffffffffff001309', 'hex'));
  await h.settle();
  assert.deepEqual(kinds(h.sent(s)), ['notification 1/3']);
});

test('a full table arriving at once is processed in slices; KEEPALIVEs still leave on time', async () => {
  const h = harness({ sliceMs: 5 });
  const s = await h.establish();
  h.sent(s);
  // 3000 UPDATEs in one chunk; each slice handles at most what fits in 5 ms of (fake) time.
  const one = msg(2, '0000 0014 40010100 40020602010000fde8 4003040a000001 18c63364 18cb0071');
  s.feed(Buffer.concat(new Array(3000).fill(one)));
  h.clock.advance(3000);
  assert.deepEqual(kinds(h.sent(s)), ['keepalive'], 'the KEEPALIVE timer fires between slices');
  await h.settle();
  assert.equal(h.session.status().updates.in, 3000);
});
