// floatd's BGP session with BFD against FRR (bgpd `neighbor X bfd` with a
// bfdd profile at 100 ms x 3), in namespaces. floatd's BFD packets dropped
// (the link and BGP keep working): FRR's bfdd declares floatd Down, bgpd
// drops the session and floatd's route long before the 30 s hold time;
// floatd hears bfdd's Down and resets its side too.
// The drop lifted: BFD Up again on both sides and the route back.

import assert from 'node:assert/strict';
import { Frr } from '../../lab/daemons/frr.js';
import { Pending, now, waitFor } from '../../lab/netns.js';
import { BFD_100MS_X3, dropFloatdBfd, floatdWithBfd } from './bfd-lab.js';
import { FLOATD_AS, PEER_AS, fmt, interopTest, makePair } from './scenario.js';

const N = 24;
const PREFIX = '192.0.2.10/32';
const HOLD_S = 30;

interopTest('BGP + BFD <-> FRR: floatd silent -> FRR bfdd Down and bgpd drops the route well before the hold time; BFD, BGP and the route come back', 'bgpbfdf', ['vtysh', 'nft'], async (lab) => {
  const pair = await makePair(lab, N);
  const frr = await Frr.start(lab, pair.nsPeer, 'frr', {
    as: PEER_AS,
    routerId: pair.peer.ipv4,
    neighbors: [{ address: pair.floatd.ipv4, peerAs: FLOATD_AS, localAddress: pair.peer.ipv4, holdTime: HOLD_S, bfd: BFD_100MS_X3 }],
  });
  // Logs each NOTIFICATION bgpd sends or receives (off in FRR's traditional defaults).
  await frr.vtysh('configure terminal', `router bgp ${PEER_AS}`, 'bgp log-neighbor-changes');
  const { floatd, bfd: bfdOf } = floatdWithBfd(lab, pair, { prefix: PREFIX, holdS: HOLD_S, localAs: FLOATD_AS, peerAs: PEER_AS });
  const route = () => frr.route(PREFIX, pair.floatd.ipv4);
  const frrBfd = async () => String((await frr.bfdPeer(pair.floatd.ipv4))?.['status'] ?? 'none');
  const bothUp = (what: string) =>
    waitFor(`BFD Up at 100 ms on floatd and FRR ${what}`, async () => {
      const [b, f] = [await bfdOf(), await frrBfd()];
      return b?.state === 'Up' && b.txIntervalMs === 100 && f === 'up' ? b : new Pending(`floatd ${JSON.stringify(b)}, FRR ${f}`);
    }, { timeoutMs: 30_000, intervalMs: 200 });

  await floatd.waitEstablished(pair.peer.ipv4);
  await waitFor(`FRR to hold ${PREFIX}`, route, { timeoutMs: 15_000 });
  const up = await bothUp('at start');
  assert.equal(up.detectionTimeMs, 300);
  const peer = (await frr.bfdPeer(pair.floatd.ipv4))!;
  assert.equal(peer['remote-transmit-interval'], 100, `FRR's view of floatd: ${JSON.stringify(peer)}`);
  assert.equal(peer['multihop'], false);
  const bgpBefore = await frr.neighbor(pair.floatd.ipv4);
  assert.equal(bgpBefore?.['bgpState'], 'Established');

  // floatd falls silent on BFD only: BGP still flows, so only BFD can take the route away this soon.
  const undo = await dropFloatdBfd(lab, pair.nsFloatd);
  const cut = now();
  const goneMs = await waitFor(`${PREFIX} to leave FRR`, async () => ((await route()) === undefined ? now() - cut : false), { timeoutMs: 5_000, intervalMs: 20 });
  console.log(`# floatd's BFD dropped -> ${PREFIX} gone from FRR after ${fmt(goneMs)} (BFD 100 ms x 3; hold time ${HOLD_S} s; vtysh polled every 20 ms)`);
  const down = (await frr.bfdPeer(pair.floatd.ipv4))!;
  assert.equal(down['status'], 'down', `FRR's BFD view: ${JSON.stringify(down)}`);
  assert.equal(down['diagnostic'], 'control detection time expired');
  // bgpd's own view of the neighbor's BFD, and why the session ended. Both ends act on the same BFD Down at
  // once, so whichever NOTIFICATION goes first wins: FRR's Cease/BFD Down (6/10, RFC 9384) or floatd's Cease
  // with its BFD reason. (bgpd's lastResetDueTo follows that race, so it is printed, not asserted.)
  const reset = await frr.neighbor(pair.floatd.ipv4);
  const bgpBfd = reset?.['peerBfdInfo'] as { status?: string; type?: string } | undefined;
  assert.equal(bgpBfd?.status, 'Down', `bgpd's BFD view: ${JSON.stringify(bgpBfd)}`);
  assert.equal(bgpBfd?.type, 'single hop');
  const ended = await waitFor("FRR's log of the NOTIFICATION that ended the session", () =>
    frr.log().match(/NOTIFICATION: (sent to neighbor \S+ 6\/10 \(Cease\/BFD Down\)|received from neighbor \S+ 6\/4 \(Cease\/Administrative Reset\) "BFD down: [^"]*")/)?.[1], { timeoutMs: 5_000 });
  console.log(`# FRR bgpd: BFD ${bgpBfd.status} (${bgpBfd.type}); NOTIFICATION ${ended}; last reset "${String(reset?.['lastResetDueTo'])}"`);
  // floatd still hears FRR, which now says Down: floatd's BFD follows (diag 3) and resets its side too.
  const line = await waitFor('floatd to log the BFD Down', () => floatd.logLines().find((l) => String(l['msg'] ?? '').startsWith('BFD down: neighbor signaled session down')), { timeoutMs: 5_000 });
  assert.match(String(line['msg']), /BGP session reset/);
  await undo();

  // The drop lifted: BFD Up on both sides, the session and the route back.
  await bothUp('after the drop');
  await waitFor(`${PREFIX} back on FRR`, route, { timeoutMs: 30_000, intervalMs: 100 });
  assert.equal((await frr.neighbor(pair.floatd.ipv4))?.['bgpState'], 'Established');
});
