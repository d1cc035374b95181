// floatd run <-> OpenBGPD 7 over IPv4 and over IPv6 (10.210.5.0/30,
// fd00:210:5::/64), both sessions signed with TCP MD5 (RFC 2385): floatd
// reads the key from a `password-file`, OpenBGPD has `tcp md5sig password`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Openbgpd } from '../../lab/daemons/openbgpd.js';
import { Pending } from '../../lab/netns.js';
import { FLOATD_AS, PEER_AS, PEER_PREFIXES, SHUTDOWN_TEXT, floatdConfig, interopTest, makePair, runScenario } from './scenario.js';
import type { Family, PeerUnderTest } from './scenario.js';

const N = 5;
const KEY = 'interop-md5-key';

for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
  interopTest(`floatd <-> OpenBGPD with TCP MD5 over ${family}: session, attributes, received routes, withdraw and Cease on SIGTERM`, `obgp${family === 'ipv4' ? 4 : 6}`, ['bgpd', 'bgpctl'], async (lab) => {
    const pair = await makePair(lab, N);
    const floatdAddress = pair.floatd[family];
    const bgpd = await Openbgpd.start(lab, pair.nsPeer, 'bgpd', {
      as: PEER_AS,
      routerId: pair.peer.ipv4,
      listenOn: [pair.peer[family]],
      neighbors: [{ address: floatdAddress, remoteAs: FLOATD_AS, localAddress: pair.peer[family], md5Password: KEY }],
      originate: PEER_PREFIXES[family],
    });
    const keyFile = join(lab.dir, 'bgpd.md5');
    writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
    const peer: PeerUnderTest = {
      name: 'OpenBGPD',
      established: () => bgpd.established(floatdAddress),
      route: (prefix) => bgpd.route(prefix, floatdAddress),
      shutdownNotice: async () => {
        const n = await bgpd.neighbor(floatdAddress);
        const reason = n?.['last_shutdown_reason'];
        const error = n?.['last_error_received'];
        if (reason !== SHUTDOWN_TEXT || error !== 'Cease, administratively down') return new Pending(`last_error_received ${String(error)}, last_shutdown_reason ${String(reason)}`);
        return `last_error_received "${error}", last_shutdown_reason "${reason}"`;
      },
    };
    await runScenario({
      lab,
      family,
      label: `OpenBGPD ${family} MD5`,
      floatdAddress,
      peerAddress: pair.peer[family],
      nsFloatd: pair.nsFloatd,
      peer,
      floatd: floatdConfig({ routerId: pair.floatd.ipv4, family, listen: floatdAddress, neighbor: { address: pair.peer[family], 'password-file': keyFile } }),
    });
  });
}
