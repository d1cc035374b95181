// floatd run <-> BIRD 2 over IPv4 and over IPv6 (10.210.1.0/30, fd00:210:1::/64).
// BIRD connects out as well as floatd (floatd also listens), so the sessions
// may meet in a collision that one side must resolve.

import { Bird } from '../../lab/daemons/bird.js';
import { birdPeer } from './bird-peer.js';
import { FLOATD_AS, PEER_AS, PEER_PREFIXES, floatdConfig, interopTest, makePair, runScenario } from './scenario.js';
import type { Family } from './scenario.js';

const N = 1;
const PROTO = 'floatd';

for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
  interopTest(`floatd <-> BIRD 2 over ${family}: session, attributes, received routes, withdraw and Cease on SIGTERM`, `bird${family === 'ipv4' ? 4 : 6}`, ['bird', 'birdc'], async (lab) => {
    const pair = await makePair(lab, N);
    const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
      routerId: pair.peer.ipv4,
      sessions: [{ name: PROTO, localAddress: pair.peer[family], localAs: PEER_AS, neighborAddress: pair.floatd[family], neighborAs: FLOATD_AS, family }],
      originate: PEER_PREFIXES[family],
    });
    await runScenario({
      lab,
      family,
      label: `BIRD ${family}`,
      floatdAddress: pair.floatd[family],
      peerAddress: pair.peer[family],
      nsFloatd: pair.nsFloatd,
      peer: birdPeer(bird, PROTO),
      floatd: floatdConfig({ routerId: pair.floatd.ipv4, family, listen: pair.floatd[family], neighbor: { address: pair.peer[family] } }),
    });
  });
}
