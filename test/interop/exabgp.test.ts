// floatd run (passive: it only listens) <-> ExaBGP 4.2 over IPv4 and over IPv6
// (10.210.4.0/30, fd00:210:4::/64). ExaBGP connects; what it receives is
// read from the JSON its API process records, which also shows the order of
// messages: the WITHDRAW must come before the NOTIFICATION.

import assert from 'node:assert/strict';
import { Exabgp } from '../../lab/daemons/exabgp.js';
import { Pending } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, SHUTDOWN_TEXT, floatdConfig, interopTest, makePair, runScenario } from './scenario.js';
import type { Family, PeerUnderTest } from './scenario.js';

const N = 4;

for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
  interopTest(`floatd (passive) <-> ExaBGP over ${family}: session, attributes, received routes, WITHDRAW then Cease on SIGTERM`, `exa${family === 'ipv4' ? 4 : 6}`, ['/usr/sbin/python3-exabgp', '/usr/bin/python3'], async (lab) => {
    const pair = await makePair(lab, N);
    const floatdAddress = pair.floatd[family];
    const exabgp = Exabgp.start(lab, pair.nsPeer, 'exabgp', {
      routerId: pair.peer.ipv4,
      localAddress: pair.peer[family],
      localAs: PEER_AS,
      neighborAddress: floatdAddress,
      peerAs: FLOATD_AS,
      family,
      originate: PEER_PREFIXES[family],
    });
    const peer: PeerUnderTest = {
      name: 'ExaBGP',
      established: async () => exabgp.state() === 'up',
      route: async (prefix) => exabgp.rib().get(prefix),
      shutdownNotice: async () => {
        // ExaBGP 4.2 cannot parse a shutdown text, but records the raw NOTIFICATION: code, subcode, length, UTF-8 text (RFC 9003 2).
        const n = exabgp.events().find((e) => e.kind === 'notification');
        if (n?.kind !== 'notification') return new Pending('no NOTIFICATION recorded');
        const text = n.data.subarray(1, 1 + (n.data[0] ?? 0)).toString('utf8');
        if (n.code !== 6 || n.subcode !== 2 || text !== SHUTDOWN_TEXT) return new Pending(`NOTIFICATION ${n.code}/${n.subcode} data ${n.data.toString('hex')}`);
        return `raw NOTIFICATION code 6 subcode 2, shutdown text "${text}"`;
      },
    };
    await runScenario({
      lab,
      family,
      label: `ExaBGP ${family}`,
      floatdAddress,
      peerAddress: pair.peer[family],
      nsFloatd: pair.nsFloatd,
      peer,
      floatd: floatdConfig({ routerId: pair.floatd.ipv4, family, listen: floatdAddress, neighbor: { address: pair.peer[family], passive: true } }),
    });

    const events = exabgp.events();
    const announced = events.findIndex((e) => e.kind === 'announce' && e.routes.some((r) => r.prefix === ANNOUNCED[family]));
    const withdrawn = events.findIndex((e) => e.kind === 'withdraw' && e.prefixes.includes(ANNOUNCED[family]));
    const notified = events.findIndex((e) => e.kind === 'notification');
    assert.ok(announced >= 0, 'ExaBGP recorded the announcement');
    assert.ok(withdrawn > announced, `ExaBGP recorded a WITHDRAW of ${ANNOUNCED[family]} after its announcement`);
    assert.ok(notified > withdrawn, 'the NOTIFICATION came after the WITHDRAW');
    const w = events[withdrawn]!;
    const nt = events[notified]!;
    console.log(`[ExaBGP ${family}] WITHDRAW recorded ${((nt.time - w.time) * 1000).toFixed(1)} ms before the NOTIFICATION (ExaBGP's clock)`);
  });
}
