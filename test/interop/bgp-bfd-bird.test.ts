// floatd's BGP session with BFD against BIRD 2 (`protocol bfd` and `bfd on`
// in its bgp protocol), in namespaces. floatd's BFD packets dropped: BIRD
// takes the BGP session and floatd's route down in about the 300 ms
// detection time, not the 30 s hold time. BIRD's BFD packets dropped: floatd
// declares BIRD down and resets its own BGP session the same way.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import { now, waitFor } from '../../lab/netns.js';
import { BFD_100MS_X3, dropFloatdBfd, floatdWithBfd } from './bfd-lab.js';
import { FLOATD_AS, PEER_AS, fmt, interopTest, makePair } from './scenario.js';

const N = 17;
const PROTO = 'floatd';
const PREFIX = '192.0.2.10/32';
const HOLD_S = 30;

interopTest('BGP + BFD <-> BIRD 2: floatd silent -> BIRD drops the route in ~0.3 s; BIRD silent -> floatd resets its session', 'bgpbfd', ['bird', 'birdc', 'nft'], async (lab) => {
  const pair = await makePair(lab, N);
  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4', holdTime: HOLD_S, bfd: BFD_100MS_X3 }],
  });
  const { floatd, bfd: bfdOf, up: bfdUpWithin } = floatdWithBfd(lab, pair, { prefix: PREFIX, holdS: HOLD_S, localAs: FLOATD_AS, peerAs: PEER_AS });
  const route = () => bird.route(PREFIX, PROTO);
  const bfdUp = () => bfdUpWithin(20_000);

  await floatd.waitEstablished(pair.peer.ipv4);
  await waitFor(`BIRD to hold ${PREFIX}`, route, { timeoutMs: 15_000 });
  const up = await bfdUp();
  assert.equal(up.detectionTimeMs, 300);

  // floatd falls silent (its BFD packets dropped; BGP keeps flowing): BIRD's BFD expires and takes the session down.
  const undo = await dropFloatdBfd(lab, pair.nsFloatd);
  const cut = now();
  const goneMs = await waitFor(`${PREFIX} to leave BIRD`, async () => ((await route()) === undefined ? now() - cut : false), { timeoutMs: 10_000, intervalMs: 20 });
  console.log(`# floatd's BFD dropped -> ${PREFIX} gone from BIRD after ${fmt(goneMs)} (BFD 100 ms x 3; hold time ${HOLD_S} s; birdc polled every 20 ms)`);
  assert.ok(goneMs < (HOLD_S * 1000) / 3, `gone after ${goneMs} ms: BFD, not the hold timer`);
  // BIRD's own account of why the session went: its BFD, not the hold timer.
  assert.match(await bird.protocolDetails(PROTO), /Last error:\s+(Error: )?BFD session down/);
  await undo();

  // Both come back: BGP by its reconnect, BFD Up again.
  await waitFor(`${PREFIX} back on BIRD`, route, { timeoutMs: 30_000, intervalMs: 100 });
  await bfdUp();
  const downsBefore = (await bfdOf())?.downs ?? 0;

  // BIRD falls silent: floatd's BFD expires and floatd resets the BGP session itself.
  const undoPeer = await dropFloatdBfd(lab, pair.nsPeer);
  const cut2 = now();
  const gone2Ms = await waitFor(`${PREFIX} to leave BIRD once floatd resets`, async () => ((await route()) === undefined ? now() - cut2 : false), { timeoutMs: 10_000, intervalMs: 20 });
  const line = await waitFor('floatd to log the BFD Down', () => floatd.logLines().find((l) => String(l['msg'] ?? '').startsWith('BFD down: control detection time expired')), { timeoutMs: 5_000 });
  console.log(`# BIRD's BFD dropped -> floatd reset its session; ${PREFIX} gone from BIRD after ${fmt(gone2Ms)}`);
  assert.ok(gone2Ms < (HOLD_S * 1000) / 3, `gone after ${gone2Ms} ms`);
  assert.match(String(line['msg']), /BGP session reset/);
  const after = await bfdOf();
  assert.equal(after?.lastDown?.reason, 'control detection time expired');
  assert.ok((after?.downs ?? 0) > downsBefore);
  await undoPeer();
  await waitFor(`${PREFIX} back on BIRD after the second drop`, route, { timeoutMs: 30_000, intervalMs: 100 });
});
