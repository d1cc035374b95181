import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Capability } from '../../../src/bgp/codec/capabilities.js';
import { decodeOpen, encodeOpen, type OpenMessage } from '../../../src/bgp/codec/open.js';
import { buildLocalOpen, type LocalSpeaker } from '../../../src/bgp/fsm/local-open.js';
import { checkPeerOpen, receiveContext, type Negotiated, type PeerExpectations } from '../../../src/bgp/fsm/negotiate.js';
import { LOCAL, PEER, PEER_CAPS, peerOpen } from './fixtures.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function accept(open: OpenMessage, local: LocalSpeaker = LOCAL, peer: PeerExpectations = PEER): Negotiated {
  const r = checkPeerOpen(local, peer, open);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.negotiated;
}

function refuse(open: OpenMessage, want: string, local: LocalSpeaker = LOCAL, peer: PeerExpectations = PEER): string {
  const r = checkPeerOpen(local, peer, open);
  assert.ok(!r.ok, 'accepted');
  const n = r.notification;
  assert.equal(`${n.code}/${n.subcode} ${toHex(n.data)}`, want);
  assert.ok(r.reason.length > 0);
  return r.reason;
}

test('our OPEN: 2-octet AS, IPv4 and IPv6, extended next hop and extended message', () => {
  assert.equal(
    toHex(encodeOpen(buildLocalOpen(LOCAL))),
    toHex(
      hex(`
        04 fde9 005a c0000201             # version 4, AS 65001, hold 90, 192.0.2.1
        22 02 20                          # parameters 34 octets: capabilities 32 octets
        01 04 0001 00 01                  # multiprotocol IPv4 unicast
        01 04 0002 00 01                  # multiprotocol IPv6 unicast
        02 00                             # route refresh
        46 00                             # enhanced route refresh
        41 04 0000fde9                    # 4-octet AS 65001
        05 06 0001 0001 0002              # extended next hop: IPv4 unicast over IPv6
        06 00                             # extended message
      `),
    ),
  );
});

test('our OPEN: 4-octet AS behind AS_TRANS, graceful restart, ADD-PATH and FQDN', () => {
  const local: LocalSpeaker = {
    localAs: 4200000001,
    routerId: '10.0.0.1',
    holdTime: 180,
    families: ['ipv4', 'ipv6'],
    extendedNextHopIpv4: false,
    extendedMessage: false,
    gracefulRestart: { restartTime: 120, restarting: false, forwarding: true },
    hostname: 'fd1',
    domainName: 'example',
    addPathReceive: ['ipv4', 'ipv6'],
    addPathSend: ['ipv6'],
  };
  assert.equal(
    toHex(encodeOpen(buildLocalOpen(local))),
    toHex(
      hex(`
        04 5ba0 00b4 0a000001             # AS_TRANS, hold 180, 10.0.0.1
        3c 02 3a                          # parameters 60 octets: capabilities 58 octets
        01 04 0001 00 01
        01 04 0002 00 01
        02 00
        46 00
        41 04 fa56ea01                    # 4-octet AS 4200000001
        40 0a 0078 0001 01 80 0002 01 80  # graceful restart 120 s, forwarding kept for both
        45 08 0001 01 01 0002 01 03       # ADD-PATH: IPv4 receive, IPv6 both
        49 0c 03 666431 07 6578616d706c65 # FQDN fd1 / example
      `),
    ),
  );
  assert.equal(buildLocalOpen({ ...local, localAs: 65535 }).myAs, 65535);
  assert.equal(buildLocalOpen({ ...local, localAs: 65536 }).myAs, 23456);
});

test('Bad Peer AS, with the 2-octet My AS field as data', () => {
  refuse(peerOpen({ myAs: 65003, capabilities: [] }), '2/2 fdeb');
  // 4-octet capability disagrees with the configuration.
  refuse(peerOpen({ myAs: 23456, capabilities: [...PEER_CAPS.slice(0, 3), { kind: 'four-octet-as', asn: 4200000002 }] }), '2/2 5ba0');
  // AS_TRANS without the capability names no AS at all, whatever is configured.
  refuse(peerOpen({ myAs: 23456, capabilities: [] }), '2/2 5ba0', LOCAL, { peerAs: 23456 });
  refuse(peerOpen({ myAs: 23456, capabilities: [] }), '2/2 5ba0');
});

test('a 4-octet peer AS is taken from the capability', () => {
  const caps: Capability[] = [...PEER_CAPS.slice(0, 3), { kind: 'four-octet-as', asn: 4200000002 }];
  const n = accept(peerOpen({ myAs: 23456, capabilities: caps }), LOCAL, { peerAs: 4200000002 });
  assert.equal(n.peerAs, 4200000002);
  assert.equal(n.fourOctetAs, true);
  // A 2-octet speaker without the capability.
  const old = accept(peerOpen({ capabilities: [] }));
  assert.equal(old.peerAs, 65002);
  assert.equal(old.fourOctetAs, false);
  assert.equal(old.rx.fourOctetAs, false);
  assert.equal(old.tx.fourOctetAs, false);
});

test('Unacceptable Hold Time for 1 and 2 seconds', () => {
  refuse(peerOpen({ holdTime: 1 }), '2/6 ');
  refuse(peerOpen({ holdTime: 2 }), '2/6 ');
  accept(peerOpen({ holdTime: 3 }));
  accept(peerOpen({ holdTime: 0 }));
});

test('Bad BGP Identifier: 0.0.0.0, or our own on an iBGP session', () => {
  refuse(peerOpen({ bgpId: '0.0.0.0' }), '2/3 ');
  const ibgp: PeerExpectations = { peerAs: 65001 };
  const ibgpCaps: Capability[] = [...PEER_CAPS.slice(0, 3), { kind: 'four-octet-as', asn: 65001 }];
  refuse(peerOpen({ myAs: 65001, capabilities: ibgpCaps, bgpId: '192.0.2.1' }), '2/3 ', LOCAL, ibgp);
  accept(peerOpen({ myAs: 65001, capabilities: ibgpCaps, bgpId: '192.0.2.9' }), LOCAL, ibgp);
  // Between ASes the same identifier is allowed (RFC 6286 2.2).
  assert.equal(accept(peerOpen({ bgpId: '192.0.2.1' })).peerRouterId, '192.0.2.1');
});

test('Unsupported Capability when no family is shared, with the multiprotocol capabilities we need as data', () => {
  const v6only: LocalSpeaker = { ...LOCAL, families: ['ipv6'] };
  // No multiprotocol capability at all: IPv4 unicast only (RFC 4760 8).
  refuse(peerOpen({ capabilities: [] }), '2/7 010400020001', v6only);
  refuse(peerOpen({ capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }] }), '2/7 010400020001', v6only);
  // IPv4 multicast is not IPv4 unicast.
  const v4only: LocalSpeaker = { ...LOCAL, families: ['ipv4'] };
  refuse(peerOpen({ capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 2 }] }), '2/7 010400010001', v4only);
});

test('requireFamilies refuses a peer that lacks any of ours; otherwise the intersection is used', () => {
  const v6peer = peerOpen({ capabilities: [{ kind: 'multiprotocol', afi: 2, safi: 1 }] });
  refuse(v6peer, '2/7 010400010001', LOCAL, { ...PEER, requireFamilies: true });
  assert.deepEqual(accept(v6peer).families, ['ipv6']);
  assert.deepEqual(accept(peerOpen({ capabilities: [] })).families, ['ipv4']);
  assert.deepEqual(accept(peerOpen()).families, ['ipv4', 'ipv6']);
  // Our order, not theirs.
  assert.deepEqual(accept(peerOpen(), { ...LOCAL, families: ['ipv6', 'ipv4'] }).families, ['ipv6', 'ipv4']);
});

test('the checks run in RFC 4271 6.2 order: peer AS before hold time before identifier', () => {
  refuse(peerOpen({ myAs: 65003, capabilities: [], holdTime: 1, bgpId: '0.0.0.0' }), '2/2 fdeb');
  refuse(peerOpen({ holdTime: 2, bgpId: '0.0.0.0' }), '2/6 ');
  refuse(peerOpen({ bgpId: '0.0.0.0', capabilities: [{ kind: 'four-octet-as', asn: 65002 }, { kind: 'multiprotocol', afi: 3, safi: 1 }] }), '2/3 ');
});

test('hold time: the smaller of the two, 0 if either is 0; keepalive a third', () => {
  const ours = [0, 3, 9, 90, 180];
  const theirs = [0, 3, 30, 90];
  // Rows: our hold time; columns: theirs. Each cell "hold/keepalive".
  const want = [
    ['0/0', '0/0', '0/0', '0/0'],
    ['0/0', '3/1', '3/1', '3/1'],
    ['0/0', '3/1', '9/3', '9/3'],
    ['0/0', '3/1', '30/10', '90/30'],
    ['0/0', '3/1', '30/10', '90/30'],
  ];
  const got = ours.map((o) =>
    theirs.map((t) => {
      const n = accept(peerOpen({ holdTime: t }), { ...LOCAL, holdTime: o });
      return `${n.holdTime}/${n.keepaliveTime}`;
    }),
  );
  assert.deepEqual(got, want);
});

test('route refresh, enhanced route refresh and extended message', () => {
  const bare = accept(peerOpen({ capabilities: [{ kind: 'four-octet-as', asn: 65002 }] }));
  assert.equal(bare.routeRefresh, false);
  assert.equal(bare.enhancedRouteRefresh, false);
  const full = accept(peerOpen({ capabilities: [...PEER_CAPS, { kind: 'enhanced-route-refresh' }, { kind: 'extended-message' }] }));
  assert.equal(full.routeRefresh, true);
  assert.equal(full.enhancedRouteRefresh, true);
  assert.equal(full.extendedMessage, true);
  assert.equal(full.rx.extendedMessage, true);
  assert.equal(full.tx.extendedMessage, true);
  // We offered it, they did not: they may send large messages to us, we may not to them (RFC 8654 3).
  const oursOnly = accept(peerOpen());
  assert.equal(oursOnly.extendedMessage, false);
  assert.equal(oursOnly.rx.extendedMessage, true);
  assert.equal(oursOnly.tx.extendedMessage, false);
  const theirsOnly = accept(peerOpen({ capabilities: [...PEER_CAPS, { kind: 'extended-message' }] }), { ...LOCAL, extendedMessage: false });
  assert.deepEqual([theirsOnly.extendedMessage, theirsOnly.rx.extendedMessage, theirsOnly.tx.extendedMessage], [false, false, false]);
});

test('extended next hop for IPv4 over IPv6 needs both sides', () => {
  const enh = (entries: { afi: number; safi: number; nextHopAfi: number }[]): Capability => ({ kind: 'extended-next-hop', entries });
  const both = peerOpen({ capabilities: [...PEER_CAPS, enh([{ afi: 1, safi: 1, nextHopAfi: 2 }])] });
  assert.equal(accept(both).extendedNextHopIpv4, true);
  assert.equal(accept(both, { ...LOCAL, extendedNextHopIpv4: false }).extendedNextHopIpv4, false);
  assert.equal(accept(peerOpen()).extendedNextHopIpv4, false);
  // Other entries do not count: IPv4 VPN (SAFI 128), or next hop AFI 1.
  const other = peerOpen({ capabilities: [...PEER_CAPS, enh([{ afi: 1, safi: 128, nextHopAfi: 2 }, { afi: 1, safi: 1, nextHopAfi: 1 }])] });
  assert.equal(accept(other).extendedNextHopIpv4, false);
});

test('ADD-PATH: our receive pairs with their send, our send with their receive', () => {
  const local: LocalSpeaker = { ...LOCAL, addPathReceive: ['ipv4', 'ipv6'], addPathSend: ['ipv4', 'ipv6'] };
  const addPath = (v4: 'receive' | 'send' | 'both', v6: 'receive' | 'send' | 'both'): OpenMessage =>
    peerOpen({
      capabilities: [
        ...PEER_CAPS,
        { kind: 'add-path', entries: [{ afi: 1, safi: 1, mode: v4 }, { afi: 2, safi: 1, mode: v6 }] },
      ],
    });
  const a = accept(addPath('send', 'receive'), local);
  assert.deepEqual(a.addPath, { rxIpv4: true, rxIpv6: false, txIpv4: false, txIpv6: true });
  assert.deepEqual(a.rx, { fourOctetAs: true, extendedMessage: true, addPathIpv4: true, addPathIpv6: false, external: true });
  assert.deepEqual(a.tx, { fourOctetAs: true, extendedMessage: false, addPathIpv4: false, addPathIpv6: true });
  assert.deepEqual(accept(addPath('both', 'both'), local).addPath, { rxIpv4: true, rxIpv6: true, txIpv4: true, txIpv6: true });
  // We only receive: their "both" gives us rx, never tx.
  assert.deepEqual(accept(addPath('both', 'both'), { ...LOCAL, addPathReceive: ['ipv4'] }).addPath, {
    rxIpv4: true,
    rxIpv6: false,
    txIpv4: false,
    txIpv6: false,
  });
  // Not without the capability, nor for a family not negotiated.
  assert.deepEqual(accept(peerOpen(), local).addPath, { rxIpv4: false, rxIpv6: false, txIpv4: false, txIpv6: false });
  const v4only = accept(addPath('both', 'both'), { ...local, families: ['ipv4'] });
  assert.deepEqual(v4only.addPath, { rxIpv4: true, rxIpv6: false, txIpv4: true, txIpv6: false });
});

test('the peer\'s graceful restart and hostname are reported', () => {
  const n = accept(
    peerOpen({
      capabilities: [
        ...PEER_CAPS,
        {
          kind: 'graceful-restart',
          restarting: true,
          notification: false,
          restartTime: 120,
          families: [
            { afi: 1, safi: 1, forwarding: true },
            { afi: 2, safi: 1, forwarding: false },
            { afi: 1, safi: 128, forwarding: true },
          ],
        },
        { kind: 'fqdn', hostname: 'edge1', domain: 'example.net' },
      ],
    }),
  );
  assert.deepEqual(n.peerGracefulRestart, {
    restartTime: 120,
    restarting: true,
    notification: false,
    families: [
      { family: 'ipv4', forwarding: true },
      { family: 'ipv6', forwarding: false },
    ],
  });
  assert.equal(n.peerHostname, 'edge1');
  const plain = accept(peerOpen());
  assert.equal(plain.peerGracefulRestart, undefined);
  assert.equal(plain.peerHostname, undefined);
});

test('a router-style OPEN from hand-written bytes negotiates as expected', () => {
  // AS 65002, hold 240, 10.0.0.2; IPv4 and IPv6 unicast, route refresh, enhanced route refresh,
  // graceful restart (120 s, no families), 4-octet AS, ADD-PATH IPv4 send, extended message.
  const body = hex(`
    04 fdea 00f0 0a000002
    24 02 22
    01 04 0001 00 01
    01 04 0002 00 01
    02 00
    46 00
    40 02 0078
    41 04 0000fdea
    45 04 0001 01 02
    06 00
  `);
  const open = decodeOpen(body, 0, body.length);
  const n = accept(open, { ...LOCAL, addPathReceive: ['ipv4'] });
  assert.equal(n.peerAs, 65002);
  assert.equal(n.peerRouterId, '10.0.0.2');
  assert.equal(n.holdTime, 90);
  assert.equal(n.keepaliveTime, 30);
  assert.deepEqual(n.families, ['ipv4', 'ipv6']);
  assert.deepEqual(
    [n.fourOctetAs, n.routeRefresh, n.enhancedRouteRefresh, n.extendedMessage, n.extendedNextHopIpv4],
    [true, true, true, true, false],
  );
  assert.deepEqual(n.addPath, { rxIpv4: true, rxIpv6: false, txIpv4: false, txIpv6: false });
  assert.deepEqual(n.peerGracefulRestart, { restartTime: 120, restarting: false, notification: false, families: [] });
});

test('RFC 4271 6.3 / RFC 7606 7.3: a peer on another host may not give a loopback NEXT_HOP; one on this host (a local route server) may', () => {
  const rx = { fourOctetAs: true, extendedMessage: false, addPathIpv4: false, addPathIpv6: false, external: true };
  assert.equal(receiveContext(rx, '192.0.2.1').rejectLoopbackNextHop, true);
  assert.equal(receiveContext(rx, '2001:db8::1').rejectLoopbackNextHop, true);
  assert.equal(receiveContext(rx, '127.0.0.1').rejectLoopbackNextHop, undefined);
  assert.equal(receiveContext(rx, '127.0.0.3').rejectLoopbackNextHop, undefined);
  assert.equal(receiveContext(rx, '::1').rejectLoopbackNextHop, undefined);
  assert.equal(receiveContext(rx, '::ffff:127.0.0.2').rejectLoopbackNextHop, undefined);
  assert.deepEqual({ ...receiveContext(rx, '192.0.2.1'), rejectLoopbackNextHop: undefined }, { ...rx, rejectLoopbackNextHop: undefined });
});
