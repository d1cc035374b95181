import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedMessage } from '../../../src/bgp/codec/message.js';
import { endOfRibFamily } from '../../../src/bgp/codec/update.js';
import { msg } from '../../helpers/hex.js';
import { FakeSocket, harness, KEEPALIVE, PEER_OPEN, route } from './harness.js';

const kinds = (ms: DecodedMessage[]): string[] =>
  ms.map((m) => (m.type === 'update' ? (endOfRibFamily(m) !== undefined ? 'eor' : 'update') : m.type === 'notification' ? `notification ${m.code}/${m.subcode}` : m.type));
const announced = (ms: DecodedMessage[]): string[] =>
  ms.flatMap((m) => (m.type === 'update' ? m.nlri.map((p) => `${p.addr}/${p.len}${m.attributes.med === undefined ? '' : ` med ${m.attributes.med}`}`) : []));
const withdrawn = (ms: DecodedMessage[]): string[] => ms.flatMap((m) => (m.type === 'update' ? m.withdrawn.map((p) => `${p.addr}/${p.len}`) : []));

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
