// floatd run <-> GoBGP 3 over IPv4 and over IPv6 (10.210.3.0/30,
// fd00:210:3::/64). gobgpd's routes are added through its CLI once it runs;
// its RIB is read with `gobgp global rib -j` inside its namespace.

import { Gobgp } from '../../lab/daemons/gobgp.js';
import { Pending } from '../../lab/netns.js';
import { FLOATD_AS, PEER_AS, PEER_PREFIXES, SHUTDOWN_TEXT, floatdConfig, interopTest, makePair, runScenario } from './scenario.js';
import type { Family, PeerUnderTest } from './scenario.js';

const N = 3;

for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
  interopTest(`floatd <-> GoBGP over ${family}: session, attributes, received routes, withdraw and Cease on SIGTERM`, `gobgp${family === 'ipv4' ? 4 : 6}`, ['gobgpd', 'gobgp'], async (lab) => {
    const pair = await makePair(lab, N);
    const floatdAddress = pair.floatd[family];
    const gobgp = await Gobgp.start(lab, pair.nsPeer, 'gobgpd', {
      as: PEER_AS,
      routerId: pair.peer.ipv4,
      listenAddresses: [pair.peer[family]],
      neighbors: [{ address: floatdAddress, peerAs: FLOATD_AS, families: [`${family}-unicast`], localAddress: pair.peer[family] }],
    });
    for (const p of PEER_PREFIXES[family]) await gobgp.addRoute(p, pair.peer[family]);
    const peer: PeerUnderTest = {
      name: 'GoBGP',
      established: () => gobgp.established(floatdAddress),
      route: (prefix) => gobgp.route(prefix, floatdAddress),
      shutdownNotice: async () => {
        // gobgpd logs JSON: {"Code":6,"Subcode":2,"Communicated-Reason":"TEXT",...,"msg":"received notification"}
        for (const line of gobgp.log().split('\n')) {
          if (!line.includes('received notification')) continue;
          const j = JSON.parse(line) as Record<string, unknown>;
          if (j['Code'] === 6 && j['Subcode'] === 2 && j['Communicated-Reason'] === SHUTDOWN_TEXT) {
            return `log: received notification Code 6 Subcode 2 Communicated-Reason "${SHUTDOWN_TEXT}"`;
          }
          return new Pending(`log: ${line}`);
        }
        return new Pending('no "received notification" in the gobgpd log');
      },
    };
    await runScenario({
      lab,
      family,
      label: `GoBGP ${family}`,
      floatdAddress,
      peerAddress: pair.peer[family],
      nsFloatd: pair.nsFloatd,
      peer,
      floatd: floatdConfig({ routerId: pair.floatd.ipv4, family, listen: floatdAddress, neighbor: { address: pair.peer[family] } }),
    });
  });
}
