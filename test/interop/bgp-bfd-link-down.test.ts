// floatd's BGP session with BFD against BIRD 2, the two behind a switch (a
// bridge in its own namespace), when floatd's link goes down (`ip link set`
// in floatd's namespace). BIRD's own link stays up, so its interface tells it
// nothing: its BFD takes the session and floatd's route down long before the
// 30 s hold time, and floatd's BFD declares BIRD down and resets the session
// too. The link back up brings BFD, the session and the route back.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import { check, now, waitFor } from '../../lab/netns.js';
import { BFD_100MS_X3, switchedPair, floatdWithBfd } from './bfd-lab.js';
import { FLOATD_AS, PEER_AS, fmt, interopTest } from './scenario.js';

const N = 25;
const PROTO = 'floatd';
const PREFIX = '192.0.2.10/32';
const HOLD_S = 30;

interopTest('BGP + BFD <-> BIRD 2 behind a switch: floatd\'s link down -> BIRD\'s BFD drops the route well before the hold time and floatd resets on BFD; link up -> all back', 'bgpbfdl', ['bird', 'birdc'], async (lab) => {
  const pair = await switchedPair(lab, N);
  const IFACE = pair.iface;
  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4', holdTime: HOLD_S, bfd: BFD_100MS_X3 }],
  });
  const { floatd, bfd: bfdOf, up: bfdUpWithin } = floatdWithBfd(lab, pair, { prefix: PREFIX, holdS: HOLD_S, localAs: FLOATD_AS, peerAs: PEER_AS });
  const route = () => bird.route(PREFIX, PROTO);
  const bfdUp = () => bfdUpWithin(30_000);

  await floatd.waitEstablished(pair.peer.ipv4);
  await waitFor(`BIRD to hold ${PREFIX}`, route, { timeoutMs: 15_000 });
  const up = await bfdUp();
  const downsBefore = up.downs ?? 0;

  // floatd's end of the link down: nothing crosses it, BGP's TCP session included.
  await check('ip', ['-n', pair.nsFloatd, 'link', 'set', 'dev', IFACE, 'down']);
  const cut = now();
  const goneMs = await waitFor(`${PREFIX} to leave BIRD`, async () => ((await route()) === undefined ? now() - cut : false), { timeoutMs: 5_000, intervalMs: 20 });
  const why = (await bird.protocolDetails(PROTO)).match(/Last error:\s+(.*)/)?.[1] ?? '?';
  console.log(`# ${IFACE} down -> ${PREFIX} gone from BIRD after ${fmt(goneMs)} (BFD 100 ms x 3; hold time ${HOLD_S} s; birdc polled every 20 ms); BIRD's last error: ${why}`);
  // A direct link down would also reach BIRD as its own link down (`check link`, on for direct sessions) within
  // the kernel's up to 1 s link-watch delay; behind the switch only BFD can tell it.
  assert.match(why, /BFD session down/);
  const peerLink = JSON.parse(await check('ip', ['-n', pair.nsPeer, '-j', 'link', 'show', 'dev', `peersw${N}`])) as { flags?: string[] }[];
  assert.ok(peerLink[0]?.flags?.includes('LOWER_UP'), `BIRD's link kept its carrier: ${JSON.stringify(peerLink[0]?.flags)}`);
  // floatd's side: its BFD hears nothing from BIRD and resets the BGP session itself, without waiting for the hold time.
  const line = await waitFor('floatd to log the BFD Down', () => floatd.logLines().find((l) => String(l['msg'] ?? '').startsWith('BFD down: control detection time expired')), { timeoutMs: 5_000 });
  assert.match(String(line['msg']), /BGP session reset/);
  const after = await bfdOf();
  assert.equal(after?.lastDown?.reason, 'control detection time expired');
  assert.ok((after?.downs ?? 0) > downsBefore);
  assert.notEqual((await floatd.neighbor(pair.peer.ipv4))?.state, 'Established');

  // The link back up: BFD Up again, the session re-established, the route back.
  await check('ip', ['-n', pair.nsFloatd, 'link', 'set', 'dev', IFACE, 'up']);
  const back = now();
  await waitFor(`${PREFIX} back on BIRD`, route, { timeoutMs: 30_000, intervalMs: 100 });
  await bfdUp();
  console.log(`# ${IFACE} up -> ${PREFIX} back on BIRD after ${fmt(now() - back)}`);
  assert.equal((await floatd.neighbor(pair.peer.ipv4))?.state, 'Established');
});
