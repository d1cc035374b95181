// Extended next hop (RFC 8950): floatd on one IPv6 session (fd00:210:8::/64)
// carrying both families announces 192.0.2.10/32 and 2001:db8:10::/64. FRR
// (`capability extended-nexthop`) and BIRD (`extended next hop on`) must hold
// the IPv4 route with floatd's IPv6 global address as next hop, usable (not
// unreachable), and floatd must hold the peer's IPv4 route with the peer's
// IPv6 address as next hop.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import type { FloatdConfig } from '../../lab/daemons/floatd.js';
import { Frr } from '../../lab/daemons/frr.js';
import type { PeerRoute } from '../../lab/daemons/peer-route.js';
import type { Lab } from '../../lab/netns.js';
import { Pending, now, waitFor } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, fmt, interopTest, makePair } from './scenario.js';
import type { Pair } from './scenario.js';

const N = 8;
const PEER_V4 = PEER_PREFIXES.ipv4[0]!;
const PEER_V6 = PEER_PREFIXES.ipv6[0]!;

function config(pair: Pair): FloatdConfig {
  return {
    'router-id': pair.floatd.ipv4,
    'local-as': FLOATD_AS,
    listen: { address: pair.floatd.ipv6, port: 179 },
    neighbors: [
      {
        address: pair.peer.ipv6,
        'peer-as': PEER_AS,
        'hold-time': 9,
        'connect-retry': 1,
        import: 'all',
        families: ['ipv4', 'ipv6'],
        'extended-next-hop': true,
      },
    ],
    announce: [{ prefix: ANNOUNCED.ipv4 }, { prefix: ANNOUNCED.ipv6 }],
  };
}

interface EnhPeer {
  readonly name: string;
  established(): Promise<boolean>;
  route(prefix: string): Promise<PeerRoute | undefined>;
  /** Undefined when the peer takes the route as usable; otherwise why not. */
  unusable(prefix: string): Promise<string | undefined>;
}

/** Starts floatd against a running peer and checks both directions of both families. */
async function runEnh(lab: Lab, pair: Pair, peer: EnhPeer): Promise<string> {
  const t0 = now();
  const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', config(pair));
  const st = await floatd.waitEstablished(pair.peer.ipv6);
  const upMs = now() - t0;
  const caps = st.capabilities ?? {};
  assert.equal(caps['extendedNextHopIpv4'], true, `floatd negotiated extended next hop with ${peer.name}: ${JSON.stringify(caps)}`);
  assert.deepEqual([...((caps['families'] as string[] | undefined) ?? [])].sort(), ['ipv4', 'ipv6'], 'negotiated families');
  await waitFor(`${peer.name} to report the session Established`, () => peer.established());

  for (const prefix of [ANNOUNCED.ipv4, ANNOUNCED.ipv6]) {
    const r = await waitFor(`${peer.name} to hold ${prefix}`, async () => (await peer.route(prefix)) ?? new Pending('no route yet'));
    assert.equal(r.nextHop, pair.floatd.ipv6, `${peer.name}'s next hop for ${prefix}`);
    assert.deepEqual([...r.asPath], [FLOATD_AS], `${peer.name}'s AS path for ${prefix}`);
    assert.equal(await peer.unusable(prefix), undefined, `${peer.name} takes ${prefix} as usable`);
  }

  const held = await waitFor(`floatd to hold ${PEER_V4} and ${PEER_V6} from ${peer.name}`, async () => {
    const rs = (await floatd.routes()).find((x) => x.neighbor === pair.peer.ipv6)?.received ?? [];
    const v4 = rs.find((x) => x.prefix === PEER_V4);
    const v6 = rs.find((x) => x.prefix === PEER_V6);
    return v4 && v6 ? { v4, v6 } : new Pending(`floatd holds ${rs.map((x) => x.prefix).join(', ') || 'nothing'}`);
  });
  assert.equal(held.v4.nextHops[0], pair.peer.ipv6, `floatd's next hop for ${PEER_V4} (IPv4 over an IPv6 next hop)`);
  assert.equal(held.v6.nextHops[0], pair.peer.ipv6, `floatd's next hop for ${PEER_V6}`);
  return `Established after ${fmt(upMs)}; ${peer.name} holds ${ANNOUNCED.ipv4} via ${pair.floatd.ipv6}; floatd holds ${PEER_V4} via ${held.v4.nextHops.join(' ')}`;
}

interopTest('floatd <-> BIRD 2, extended next hop (RFC 8950): IPv4 routes over an IPv6 session carry IPv6 next hops both ways', 'enhb', ['bird', 'birdc'], async (lab) => {
  const pair = await makePair(lab, N);
  const PROTO = 'floatd';
  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    direct: ['ipv6'],
    sessions: [
      {
        name: PROTO,
        localAddress: pair.peer.ipv6,
        localAs: PEER_AS,
        neighborAddress: pair.floatd.ipv6,
        neighborAs: FLOATD_AS,
        family: 'ipv6',
        channels: ['ipv4', 'ipv6'],
        extendedNextHop: true,
      },
    ],
    originate: [PEER_V4, PEER_V6],
  });
  const figures = await runEnh(lab, pair, {
    name: 'BIRD',
    established: () => bird.established(PROTO),
    route: (prefix) => bird.route(prefix, PROTO),
    unusable: async (prefix) => {
      // BIRD prints `unreachable` instead of `unicast` and no `via` when it cannot resolve the next hop.
      const text = (await bird.routeText(prefix)) ?? '';
      return text.includes(' unicast [') && text.includes(`via ${pair.floatd.ipv6} `) ? undefined : text;
    },
  });
  const via = ((await bird.routeText(ANNOUNCED.ipv4)) ?? '').split('\n').find((l) => l.includes('via')) ?? '?';
  console.log(`[BIRD extended next hop] ${figures}; BIRD: ${via.trim().replace(/\s+/g, ' ')}`);
});

interopTest('floatd <-> FRR bgpd, extended next hop (RFC 8950): IPv4 routes over an IPv6 session carry IPv6 next hops both ways', 'enhf', ['vtysh', '/usr/lib/frr/zebra', '/usr/lib/frr/bgpd'], async (lab) => {
  const pair = await makePair(lab, N);
  const frr = await Frr.start(lab, pair.nsPeer, 'frr', {
    as: PEER_AS,
    routerId: pair.peer.ipv4,
    neighbors: [{ address: pair.floatd.ipv6, peerAs: FLOATD_AS, localAddress: pair.peer.ipv6, families: ['ipv4', 'ipv6'], extendedNextHop: true }],
    originate: [PEER_V4, PEER_V6],
  });
  const figures = await runEnh(lab, pair, {
    name: 'FRR',
    established: () => frr.established(pair.floatd.ipv6),
    route: (prefix) => frr.route(prefix, pair.floatd.ipv6),
    unusable: async (prefix) => {
      const fam = prefix.includes(':') ? 'ipv6' : 'ipv4';
      const r = await frr.vtyshJson<{ paths?: { valid?: boolean; peer?: { peerId?: string } }[] }>(`show bgp ${fam} unicast ${prefix} json`);
      const p = (r.paths ?? []).find((x) => x.peer?.peerId === pair.floatd.ipv6);
      return p?.valid === true ? undefined : `FRR's path: ${JSON.stringify(p)}`;
    },
  });
  // zebra installs the IPv4 route with an IPv6 gateway (`via inet6`) when the kernel supports it; printed, not asserted.
  const kernel = await waitFor(
    `the kernel route for ${ANNOUNCED.ipv4} in FRR's namespace`,
    async () => {
      const r = await lab.exec(pair.nsPeer, 'ip', ['route', 'show', ANNOUNCED.ipv4]);
      return r.stdout.trim() !== '' ? r.stdout.trim() : new Pending('none yet');
    },
    { timeoutMs: 5_000 },
  ).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  console.log(`[FRR extended next hop] ${figures}; kernel (zebra): ${kernel}`);
});
