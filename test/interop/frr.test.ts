// floatd run <-> FRR 8 bgpd (with zebra) over IPv4 and over IPv6
// (10.210.2.0/30, fd00:210:2::/64). Both sides connect out; FRR's view is
// read as JSON through vtysh.

import { Frr } from '../../lab/daemons/frr.js';
import { Pending } from '../../lab/netns.js';
import { FLOATD_AS, PEER_AS, PEER_PREFIXES, SHUTDOWN_TEXT, floatdConfig, interopTest, makePair, runScenario } from './scenario.js';
import type { Family, PeerUnderTest } from './scenario.js';

const N = 2;

for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
  interopTest(`floatd <-> FRR bgpd over ${family}: session, attributes, received routes, withdraw and Cease on SIGTERM`, `frr${family === 'ipv4' ? 4 : 6}`, ['vtysh', '/usr/lib/frr/zebra', '/usr/lib/frr/bgpd'], async (lab) => {
    const pair = await makePair(lab, N);
    const floatdAddress = pair.floatd[family];
    const frr = await Frr.start(lab, pair.nsPeer, 'frr', {
      as: PEER_AS,
      routerId: pair.peer.ipv4,
      neighbors: [{ address: floatdAddress, peerAs: FLOATD_AS, localAddress: pair.peer[family] }],
      originate: PEER_PREFIXES[family],
    });
    const peer: PeerUnderTest = {
      name: 'FRR',
      established: () => frr.established(floatdAddress),
      route: (prefix) => frr.route(prefix, floatdAddress),
      shutdownNotice: async () => {
        const n = await frr.neighbor(floatdAddress);
        const reason = n?.['lastNotificationReason'];
        const text = n?.['lastShutdownDescription'];
        if (reason !== 'Cease/Administrative Shutdown' || text !== SHUTDOWN_TEXT) {
          return new Pending(`lastNotificationReason ${String(reason)}, lastShutdownDescription ${String(text)}`);
        }
        return `lastNotificationReason "${reason}", lastShutdownDescription "${text}", lastResetDueTo "${String(n?.['lastResetDueTo'])}"`;
      },
    };
    await runScenario({
      lab,
      family,
      label: `FRR ${family}`,
      floatdAddress,
      peerAddress: pair.peer[family],
      nsFloatd: pair.nsFloatd,
      peer,
      peerSent: () => frr.advertisedCount(floatdAddress, family),
      floatd: floatdConfig({ routerId: pair.floatd.ipv4, family, listen: floatdAddress, neighbor: { address: pair.peer[family] } }),
    });
  });
}
