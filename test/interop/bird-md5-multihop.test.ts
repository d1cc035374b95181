// A Vultr-like set-up: BIRD at 169.254.169.254, AS 64515, two hops away
// behind a router namespace, with `multihop 2` and a TCP MD5 password.
//
//   floatd ns 10.210.6.2 -- 10.210.6.1 router ns 10.210.7.1 -- 10.210.7.2 bird ns (169.254.169.254 on lo)
//
// floatd has `multihop: 2` and a `password-file`. With the right key the
// session comes up and BIRD holds the route; with a wrong key it never does.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import type { Lab } from '../../lab/netns.js';
import { Pending, holdsFor, now, waitFor, within } from '../../lab/netns.js';
import { birdPeer } from './bird-peer.js';
import { ANNOUNCED, FLOATD_AS, PEER_PREFIXES, floatdConfig, fmt, interopTest, runScenario } from './scenario.js';

const BIRD_ADDRESS = '169.254.169.254';
const BIRD_AS = 64515;
const FLOATD_ADDRESS = '10.210.6.2';
const KEY = 'vultr-like-md5-key';
const PROTO = 'vultr';

async function twoHops(lab: Lab): Promise<{ nsFloatd: string; bird: Bird }> {
  const nsFloatd = await lab.namespace('floatd');
  const nsRouter = await lab.namespace('router');
  const nsBird = await lab.namespace('bird');
  await lab.veth(nsFloatd, nsRouter, { ifA: 'fi6f', ifB: 'fi6r', addrA: [`${FLOATD_ADDRESS}/30`], addrB: ['10.210.6.1/30'] });
  await lab.veth(nsRouter, nsBird, { ifA: 'fi7r', ifB: 'fi7b', addrA: ['10.210.7.1/30'], addrB: ['10.210.7.2/30'] });
  await lab.addAddress(nsBird, 'lo', `${BIRD_ADDRESS}/32`);
  await lab.sysctl(nsRouter, 'net.ipv4.ip_forward', '1');
  await lab.route(nsRouter, [`${BIRD_ADDRESS}/32`, 'via', '10.210.7.2']);
  await lab.route(nsFloatd, ['default', 'via', '10.210.6.1']);
  await lab.route(nsBird, ['default', 'via', '10.210.7.1']);
  const bird = await Bird.start(lab, nsBird, 'bird', {
    routerId: BIRD_ADDRESS,
    sessions: [{ name: PROTO, localAddress: BIRD_ADDRESS, localAs: BIRD_AS, neighborAddress: FLOATD_ADDRESS, neighborAs: FLOATD_AS, family: 'ipv4', multihop: 2, password: KEY }],
    originate: PEER_PREFIXES.ipv4,
    // BIRD resolves a multihop next hop through its own table.
    staticRoutes: [{ prefix: '10.210.6.0/30', via: '10.210.7.1' }],
  });
  return { nsFloatd, bird };
}

function config(keyFile: string) {
  return floatdConfig({ routerId: FLOATD_ADDRESS, family: 'ipv4', neighbor: { address: BIRD_ADDRESS, 'peer-as': BIRD_AS, multihop: 2, 'password-file': keyFile } });
}

interopTest('floatd <-> BIRD two hops away with multihop 2 and TCP MD5 (Vultr-like): session, route, withdraw and Cease on SIGTERM', 'mh', ['bird', 'birdc'], async (lab) => {
  const { nsFloatd, bird } = await twoHops(lab);
  const keyFile = join(lab.dir, 'vultr.md5');
  writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
  await runScenario({
    lab,
    family: 'ipv4',
    label: 'BIRD multihop+MD5',
    floatdAddress: FLOATD_ADDRESS,
    peerAddress: BIRD_ADDRESS,
    peerAs: BIRD_AS,
    nsFloatd,
    peer: birdPeer(bird, PROTO),
    floatd: config(keyFile),
  });
});

interopTest('floatd <-> BIRD two hops away with a wrong TCP MD5 key: the session never comes up; the right key then works', 'mhbad', ['bird', 'birdc'], async (lab) => {
  const { nsFloatd, bird } = await twoHops(lab);
  const wrongKey = join(lab.dir, 'wrong.md5');
  writeFileSync(wrongKey, 'not-the-key\n', { mode: 0o600 });
  const floatd = Floatd.start(lab, nsFloatd, 'floatd-wrong-key', config(wrongKey));
  // floatd must be up and trying before "never Established" means anything.
  const first = await waitFor('floatd status with the neighbor', async () => floatd.neighbor(BIRD_ADDRESS));
  const HOLD_MS = 10_000;
  let seen = first.state;
  await holdsFor(
    'neither side Established with a wrong key',
    async () => {
      seen = (await floatd.neighbor(BIRD_ADDRESS))?.state ?? 'missing';
      const birdUp = await bird.established(PROTO);
      const route = await bird.route(ANNOUNCED.ipv4, PROTO);
      return seen !== 'Established' && !birdUp && route === undefined ? true : new Pending(`floatd ${seen}, BIRD established ${birdUp}, BIRD route ${JSON.stringify(route)}`);
    },
    HOLD_MS,
  );
  const birdInfo = await bird.protocolInfo(PROTO);
  assert.equal(await within(floatd.process.stop('SIGTERM', 10_000), 15_000), 0, 'floatd exits 0 on SIGTERM');

  // The same topology with the right key: the failure above was the key.
  const rightKey = join(lab.dir, 'right.md5');
  writeFileSync(rightKey, `${KEY}\n`, { mode: 0o600 });
  const t0 = now();
  const good = Floatd.start(lab, nsFloatd, 'floatd-right-key', config(rightKey));
  await good.waitEstablished(BIRD_ADDRESS);
  const ms = now() - t0;
  console.log(`[BIRD multihop wrong key] ${HOLD_MS / 1000} s without a session: floatd state ${seen}, BIRD "${birdInfo}"; with the right key Established after ${fmt(ms)}`);
});

interopTest('floatd <-> BIRD two hops away without `multihop`: TTL 1 dies at the router, the session never comes up', 'mhttl', ['bird', 'birdc'], async (lab) => {
  const { nsFloatd, bird } = await twoHops(lab);
  const keyFile = join(lab.dir, 'vultr.md5');
  writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
  const cfg = config(keyFile);
  const neighbors = (cfg['neighbors'] as Record<string, unknown>[]).map(({ multihop: _drop, ...n }) => n);
  const floatd = Floatd.start(lab, nsFloatd, 'floatd', { ...cfg, neighbors });
  await waitFor('floatd status with the neighbor', async () => floatd.neighbor(BIRD_ADDRESS));
  const HOLD_MS = 8_000;
  let seen = '';
  await holdsFor(
    'neither side Established with eBGP TTL 1 over two hops',
    async () => {
      seen = (await floatd.neighbor(BIRD_ADDRESS))?.state ?? 'missing';
      const birdUp = await bird.established(PROTO);
      // floatd does not listen here, so an Established session means floatd's own SYN crossed the router with a TTL above 1.
      return seen !== 'Established' && !birdUp ? true : new Pending(`floatd ${seen}, BIRD ${await bird.protocolInfo(PROTO)}: floatd's connection crossed the router, so its TTL was above 1`);
    },
    HOLD_MS,
  );
  console.log(`[BIRD multihop missing] ${HOLD_MS / 1000} s without a session: floatd state ${seen}, BIRD "${await bird.protocolInfo(PROTO)}"`);
});
