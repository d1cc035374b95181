// TCP MD5 (RFC 2385) against BIRD, FRR, GoBGP and ExaBGP (OpenBGPD and BIRD
// multihop have their own tests). Each daemon is configured with KEY; floatd
// first runs with a wrong key from its `password-file`: for 10 s neither side
// may reach Established. Then floatd runs with the right key: the session
// comes up, the peer holds floatd's route with its attributes, and floatd
// holds the peer's prefixes. Families alternate between daemons so both
// address families are signed somewhere: BIRD and GoBGP over IPv6, FRR and
// ExaBGP over IPv4. Pairs use 10.210.9.0/30 and fd00:210:9::/64.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bird } from '../../lab/daemons/bird.js';
import { Exabgp } from '../../lab/daemons/exabgp.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import { Frr } from '../../lab/daemons/frr.js';
import { Gobgp } from '../../lab/daemons/gobgp.js';
import type { PeerRoute } from '../../lab/daemons/peer-route.js';
import type { Lab } from '../../lab/netns.js';
import { Pending, holdsFor, now, waitFor, within } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, assertRoute, expectedRoute, floatdConfig, fmt, interopTest, makePair } from './scenario.js';
import type { Family, Pair } from './scenario.js';

const N = 9;
const KEY = 'interop-md5-key-2385';
const WRONG_KEY = 'not-the-key';
const WRONG_KEY_MS = 10_000;

interface Md5Peer {
  readonly name: string;
  established(): Promise<boolean>;
  route(prefix: string): Promise<PeerRoute | undefined>;
}

/** The wrong key for 10 s, then the right key; prints what it saw. */
async function md5Case(lab: Lab, pair: Pair, family: Family, peer: Md5Peer, floatdPassive = false): Promise<void> {
  const floatdAddress = pair.floatd[family];
  const peerAddress = pair.peer[family];
  const start = (name: string, key: string) => {
    const keyFile = join(lab.dir, `${name}.md5`);
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    const neighbor = { address: peerAddress, 'password-file': keyFile, ...(floatdPassive ? { passive: true } : {}) };
    return Floatd.start(lab, pair.nsFloatd, name, floatdConfig({ routerId: pair.floatd.ipv4, family, listen: floatdAddress, neighbor }));
  };

  const wrong = start('floatd-wrong-key', WRONG_KEY);
  // floatd must be up and trying before "never Established" means anything.
  await waitFor('floatd status with the neighbor', async () => wrong.neighbor(peerAddress));
  const states = new Set<string>();
  await holdsFor(
    `neither floatd nor ${peer.name} Established with a wrong key`,
    async () => {
      const state = (await wrong.neighbor(peerAddress))?.state ?? 'missing';
      states.add(state);
      const peerUp = await peer.established();
      const route = await peer.route(ANNOUNCED[family]);
      return state !== 'Established' && !peerUp && route === undefined ? true : new Pending(`floatd ${state}, ${peer.name} established ${peerUp}, ${peer.name} route ${JSON.stringify(route)}`);
    },
    WRONG_KEY_MS,
  );
  const wrongStatus = await wrong.neighbor(peerAddress);
  assert.equal(wrongStatus?.establishedTransitions ?? 0, 0, 'floatd never reached Established with the wrong key');
  assert.equal(await within(wrong.process.stop('SIGTERM', 10_000), 15_000), 0, 'floatd (wrong key) exits 0 on SIGTERM');

  const t0 = now();
  const right = start('floatd-right-key', KEY);
  // ExaBGP reconnects on its own schedule (about 8 s here), so this wait is longer than the default.
  await right.waitEstablished(peerAddress, 25_000);
  const upMs = now() - t0;
  await waitFor(`${peer.name} to report the session Established`, () => peer.established());
  const r = await waitFor(`${peer.name} to hold ${ANNOUNCED[family]}`, async () => (await peer.route(ANNOUNCED[family])) ?? new Pending('no route yet'));
  const routeMs = now() - t0;
  assertRoute(r, expectedRoute(family, floatdAddress), peer.name);
  const received = await waitFor(
    `floatd to hold ${PEER_PREFIXES[family].length} prefixes from ${peer.name}`,
    async () => {
      const n = await right.neighbor(peerAddress);
      return n?.prefixesReceived === PEER_PREFIXES[family].length ? n.prefixesReceived : new Pending(`status entry ${JSON.stringify(n)}`);
    },
    { timeoutMs: 10_000 },
  );
  console.log(
    `[${peer.name} MD5 ${family}] wrong key: ${WRONG_KEY_MS / 1000} s without a session (floatd states seen: ${[...states].join(', ')}; last error ${wrongStatus?.lastError ?? 'none'}); ` +
      `right key: Established after ${fmt(upMs)}, route on ${peer.name} after ${fmt(routeMs)}, floatd received ${received} prefixes`,
  );
}

interopTest('floatd <-> BIRD 2 with TCP MD5 over ipv6: a wrong key never establishes (10 s), the right key does and routes flow', 'md5b', ['bird', 'birdc'], async (lab) => {
  const pair = await makePair(lab, N);
  const PROTO = 'floatd';
  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv6, localAs: PEER_AS, neighborAddress: pair.floatd.ipv6, neighborAs: FLOATD_AS, family: 'ipv6', password: KEY }],
    originate: PEER_PREFIXES.ipv6,
  });
  await md5Case(lab, pair, 'ipv6', { name: 'BIRD', established: () => bird.established(PROTO), route: (p) => bird.route(p, PROTO) });
});

interopTest('floatd <-> FRR bgpd with TCP MD5 over ipv4: a wrong key never establishes (10 s), the right key does and routes flow', 'md5f', ['vtysh', '/usr/lib/frr/zebra', '/usr/lib/frr/bgpd'], async (lab) => {
  const pair = await makePair(lab, N);
  const frr = await Frr.start(lab, pair.nsPeer, 'frr', {
    as: PEER_AS,
    routerId: pair.peer.ipv4,
    neighbors: [{ address: pair.floatd.ipv4, peerAs: FLOATD_AS, localAddress: pair.peer.ipv4, password: KEY }],
    originate: PEER_PREFIXES.ipv4,
  });
  await md5Case(lab, pair, 'ipv4', { name: 'FRR', established: () => frr.established(pair.floatd.ipv4), route: (p) => frr.route(p, pair.floatd.ipv4) });
});

interopTest('floatd <-> GoBGP with TCP MD5 over ipv6: a wrong key never establishes (10 s), the right key does and routes flow', 'md5g', ['gobgpd', 'gobgp'], async (lab) => {
  const pair = await makePair(lab, N);
  const gobgp = await Gobgp.start(lab, pair.nsPeer, 'gobgpd', {
    as: PEER_AS,
    routerId: pair.peer.ipv4,
    listenAddresses: [pair.peer.ipv6],
    neighbors: [{ address: pair.floatd.ipv6, peerAs: FLOATD_AS, families: ['ipv6-unicast'], localAddress: pair.peer.ipv6, password: KEY }],
  });
  for (const p of PEER_PREFIXES.ipv6) await gobgp.addRoute(p, pair.peer.ipv6);
  await md5Case(lab, pair, 'ipv6', { name: 'GoBGP', established: () => gobgp.established(pair.floatd.ipv6), route: (p) => gobgp.route(p, pair.floatd.ipv6) });
});

interopTest('floatd (passive) <-> ExaBGP with TCP MD5 over ipv4: a wrong key never establishes (10 s), the right key does and routes flow', 'md5e', ['/usr/sbin/python3-exabgp', '/usr/bin/python3'], async (lab) => {
  const pair = await makePair(lab, N);
  const exabgp = Exabgp.start(lab, pair.nsPeer, 'exabgp', {
    routerId: pair.peer.ipv4,
    localAddress: pair.peer.ipv4,
    localAs: PEER_AS,
    neighborAddress: pair.floatd.ipv4,
    peerAs: FLOATD_AS,
    family: 'ipv4',
    md5Password: KEY,
    originate: PEER_PREFIXES.ipv4,
  });
  await md5Case(lab, pair, 'ipv4', { name: 'ExaBGP', established: async () => exabgp.state() === 'up', route: async (p) => exabgp.rib().get(p) }, true);
});
