// max-prefix on a session (RFC 4486 4): past the bound, teardown sends Cease /
// Maximum Number of Prefixes Reached with AFI, SAFI and the limit, closes, and
// stays Idle for the restart time; warn mode keeps the session and stores no
// more. The peer's bytes are built by hand; the clock is fake.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../../helpers/hex.js';
import { harness, kinds } from './harness.js';
import { captureLog } from './log-capture.js';
import { DEFAULT_POLICY } from '../../../src/bgp/rib/receive-limits.js';

const ATTRS = '40010100 40020602010000fde8 4003040a000001';
/** One UPDATE from AS 65000 announcing the /24s given as hex NLRI (e.g. '18c63364'). */
const announce = (...nlri: string[]): Buffer => msg(2, `0000 0014 ${ATTRS} ${nlri.join(' ')}`);
const withdraw = (...nlri: string[]): Buffer => msg(2, `${(nlri.join('').length / 2).toString(16).padStart(4, '0')} ${nlri.join(' ')} 0000`);
const P1 = '18c63364'; // 198.51.100.0/24
const P2 = '18cb0071'; // 203.0.113.0/24
const P3 = '18c00002'; // 192.0.2.0/24
const P4 = '18c00003'; // 192.0.3.0/24

test('max-prefix exceeded: NOTIFICATION Cease/1 with AFI 1, SAFI 1 and the limit, close, then idle for the restart time', async () => {
  const h = harness({ importMode: 'all', receiveLimits: { limits: { prefixes: 2 }, action: 'teardown', restartMs: 60_000 } });
  const s = await h.establish();
  h.sent(s);
  s.feed(announce(P1, P2));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  s.feed(announce(P3));
  await h.settle();
  // Marker, length 28, type 3 (NOTIFICATION), Cease (6) / 1, AFI 1, SAFI 1, limit 2.
  assert.equal(s.written[s.written.length - 1]!.toString('hex'), `${'ff'.repeat(16)}001c03 0601 0001 01 00000002`.replace(/ /g, ''));
  assert.equal(h.session.stateName, 'Idle');
  assert.ok(s.ended || s.destroyed);
  const st = h.session.status();
  assert.equal(st.held?.reason, 'max-prefix 2 reached (a further ipv4 prefix was refused)');
  assert.equal(st.held?.restartInSeconds, 60);
  assert.equal(st.receiveLimitEvents, 1);
  assert.match(st.lastError ?? '', /Cease/);
  // No reconnect before the restart time, whatever else would restart the session.
  h.clock.advance(59_000);
  await h.settle();
  assert.equal(h.sockets.length, 1);
  assert.equal(h.session.stateName, 'Idle');
  assert.equal(h.session.status().held?.restartInSeconds, 1);
  h.clock.advance(1000);
  await h.settle();
  assert.equal(h.sockets.length, 2);
  assert.notEqual(h.session.stateName, 'Idle');
  assert.equal(h.session.status().held, undefined);
});

test('max-prefix ipv6 names AFI 2 in the NOTIFICATION', async () => {
  const h = harness({ importMode: 'all', receiveLimits: { limits: { ipv6: 0 }, action: 'teardown', restartMs: 1000 } }, {
    local: { localAs: 65001, routerId: '10.0.0.2', holdTime: 9, families: ['ipv4', 'ipv6'], extendedNextHopIpv4: false, extendedMessage: false },
  });
  h.session.start();
  await h.settle();
  const s = h.sockets[0]!;
  // The peer's OPEN with IPv4 and IPv6 unicast, route refresh, 4-octet AS 65000.
  s.feed(msg(1, '04 fde8 0009 0a000001 16 0214 0104 00010001 0104 00020001 0200 4104 0000fde8'));
  s.feed(msg(4, ''));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  h.sent(s);
  // 2001:db8::/32 via 2001:db8::1 in MP_REACH_NLRI (RFC 4760 3).
  s.feed(msg(2, `0000 002a 40010100 40020602010000fde8 800e1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8`));
  await h.settle();
  assert.equal(s.written[s.written.length - 1]!.toString('hex'), `${'ff'.repeat(16)}001c03 0601 0002 01 00000000`.replace(/ /g, ''));
});

test('max-prefix warn: the session stays, routes past the limit are not stored, one line per crossing', async () => {
  const cap = captureLog();
  const h = harness({ importMode: 'all', log: cap.log, receiveLimits: { limits: { prefixes: 2 }, action: 'warn', restartMs: 60_000 } });
  const s = await h.establish();
  h.sent(s);
  const warned = (): string[] => cap.lines.filter((l) => l.includes('max-prefix'));
  s.feed(announce(P1, P2, P3));
  s.feed(announce(P4));
  s.feed(announce(P4));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  assert.deepEqual(kinds(h.sent(s)), []);
  assert.deepEqual([...h.session.receivedRoutes()].map((r) => r.prefix), ['198.51.100.0/24', '203.0.113.0/24']);
  assert.deepEqual(warned(), ['max-prefix 2 reached (a further ipv4 prefix was refused): routes past it are not stored (max-prefix action warn)']);
  // A prefix already held may still change.
  s.feed(msg(2, `0000 001b 40010100 40020602010000fde8 4003040a000001 800404 00000007 ${P1}`));
  await h.settle();
  assert.equal([...h.session.receivedRoutes()].find((r) => r.prefix === '198.51.100.0/24')?.attributes.med, 7);
  // Below the limit again, then past it: the second crossing is logged once more.
  s.feed(withdraw(P1));
  s.feed(announce(P3));
  s.feed(announce(P4));
  await h.settle();
  assert.equal(warned().length, 2);
  assert.equal(h.session.status().receiveLimitEvents, 2);
  assert.equal(h.session.status().prefixes.received, 2);
});

test('attribute-bytes exceeded: Cease / Out of Resources, the distinct attribute sets counted once each', async () => {
  const h = harness({ importMode: 'all', receiveLimits: { limits: { attributeBytes: 60 }, action: 'teardown', restartMs: 5000 } });
  const s = await h.establish();
  h.sent(s);
  // The same 20-octet attribute set for four prefixes: 20 bytes held.
  s.feed(announce(P1, P2));
  s.feed(announce(P3, P4));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  // A second set with MED 7 (27 octets): 47 held.
  s.feed(msg(2, `0000 001b ${ATTRS} 800404 00000007 ${P1}`));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  // A third, with MED 8: 74 would pass 60.
  s.feed(msg(2, `0000 001b ${ATTRS} 800404 00000008 ${P2}`));
  await h.settle();
  assert.deepEqual(kinds(h.sent(s)), ['notification 6/8']);
  assert.equal(h.session.stateName, 'Idle');
  assert.equal(h.session.status().held?.reason, "attribute-bytes 60 reached (the peer's distinct attribute sets would take more)");
});

test('regression: 1,100 prefixes with 63 KB attribute sets each no longer grow import all without bound (default attribute-bytes 64 MiB)', async () => {
  const h = harness({ importMode: 'all', receiveLimits: DEFAULT_POLICY }, {
    local: { localAs: 65001, routerId: '10.0.0.2', holdTime: 9, families: ['ipv4'], extendedNextHopIpv4: false, extendedMessage: true },
  });
  h.session.start();
  await h.settle();
  const s = h.sockets[0]!;
  // The peer's OPEN with IPv4 unicast, route refresh, 4-octet AS 65000 and extended message (RFC 8654).
  s.feed(msg(1, '04 fde8 0009 0a000001 12 0210 0104 00010001 0200 4104 0000fde8 0600'));
  s.feed(msg(4, ''));
  await h.settle();
  assert.equal(h.session.stateName, 'Established');
  h.sent(s);
  const VALUE = 63_000;
  for (let i = 0; i < 1100; i++) {
    // An optional transitive attribute (type 99, extended length) of 63,000 octets, different in each UPDATE.
    const big = Buffer.alloc(4 + VALUE, i & 0xff);
    big.writeUInt8(0xd0, 0);
    big.writeUInt8(99, 1);
    big.writeUInt16BE(VALUE, 2);
    big.writeUInt16BE(i, 4);
    const attrs = Buffer.concat([Buffer.from(ATTRS.replace(/ /g, ''), 'hex'), big]);
    const body = Buffer.concat([Buffer.from([0, 0, attrs.length >> 8, attrs.length & 0xff]), attrs, Buffer.from([24, 10, i >> 8, i & 0xff])]);
    const header = Buffer.alloc(19, 0xff);
    header.writeUInt16BE(19 + body.length, 16);
    header.writeUInt8(2, 18);
    s.feed(Buffer.concat([header, body]));
  }
  await h.settle();
  assert.deepEqual(kinds(h.sent(s)), ['notification 6/8']);
  assert.equal(h.session.stateName, 'Idle');
  assert.equal(h.session.status().receiveLimitEvents, 1);
});
