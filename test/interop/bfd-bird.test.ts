// floatd's BFD against BIRD 2's `protocol bfd` (static neighbors), single
// hop over IPv4 and multihop with meticulous keyed SHA1 over IPv6.

import assert from 'node:assert/strict';
import { BirdBfd, FloatdBfd } from '../../lab/bfd/peers.js';
import { now } from '../../lab/netns.js';
import { Diag } from '../../src/bfd/packet.js';
import { interopTest } from './scenario.js';
import { bfdPair, dropFloatdBfd, peerReaches, peerStays } from './bfd-lab.js';

const T = { minRxMs: 100, minTxMs: 100, multiplier: 3 };
const FT = { minRxMs: 100, minTxMs: 100, multiplier: 3 };

interopTest('BFD floatd <-> BIRD 2 over IPv4: Up, timer change without a drop, Down in 300 ms when floatd falls silent, AdminDown on stop', 'bfdb4', ['bird', 'birdc', 'nft'], async (lab) => {
  const p = await bfdPair(lab, 1);
  const bird = await BirdBfd.start(lab, p.nsPeer, 'bird', { routerId: p.peer.ipv4, neighbors: [{ address: p.floatd.ipv4, local: p.peer.ipv4 }], timers: T });
  const view = () => bird.session(p.floatd.ipv4);
  const t0 = now();
  const fd = await FloatdBfd.start(lab, p.nsFloatd, 'floatd-bfd', { peer: p.peer.ipv4, local: p.floatd.ipv4, timers: FT });
  await fd.next('up');
  await peerReaches(view, 'up');
  console.log(`# BIRD: both Up ${(now() - t0).toFixed(0)} ms after floatd started`);

  // Timer change while Up: a Poll Sequence to 300 ms and back, BIRD never leaves Up.
  const before = fd.events.length;
  fd.send('timers 300 300 3');
  await peerStays(view, 'up', 3_000, 'BIRD Up while floatd moves to 300 ms');
  fd.send('timers 100 100 3');
  await peerStays(view, 'up', 2_000, 'BIRD Up while floatd moves back to 100 ms');
  assert.equal(fd.events.slice(before).filter((e) => e.ev === 'down').length, 0, 'floatd went down during a timer change');

  // floatd's packets dropped: BIRD declares it down within its detection time (300 ms; polled every 20 ms).
  const from = fd.events.length;
  const undo = await dropFloatdBfd(lab, p.nsFloatd);
  const cut = now();
  const seen = await peerReaches(view, 'down', 5_000);
  console.log(`# BIRD saw floatd down ${(seen - cut).toFixed(0)} ms after the drop began (detection 300 ms, birdc polled every 20 ms)`);
  assert.ok(seen - cut < 2_000, `BIRD took ${seen - cut} ms`);
  const down = await fd.next('down', 5_000, from);
  assert.equal(down['diag'], Diag.NeighborSignaledDown, 'floatd hears BIRD say Down');
  await undo();
  await fd.next('up', 10_000, from);
  await peerReaches(view, 'up');

  // Clean stop: BIRD hears AdminDown at once (well before its 300 ms detection time).
  const expiredBefore = (bird.log().match(/expired/g) ?? []).length;
  const stopAt = now();
  fd.send('stop');
  const gone = await peerReaches(view, 'down', 5_000);
  await fd.next('stopped', 5_000);
  console.log(`# BIRD down ${(gone - stopAt).toFixed(0)} ms after floatd's stop`);
  assert.ok(gone - stopAt < 2_000);
  // BIRD logs "expired" for a detection-time expiry; an AdminDown brings it Down without one.
  assert.equal((bird.log().match(/expired/g) ?? []).length, expiredBefore, 'BIRD saw an expiry, not the AdminDown');
  assert.match(bird.log().split('\n').at(-2) ?? '', /changed state from Up to Down/);
});

interopTest('BFD floatd <-> BIRD 2 multihop over IPv6 with meticulous keyed SHA1: the right key comes Up, a wrong key never does', 'bfdb6', ['bird', 'birdc'], async (lab) => {
  const p = await bfdPair(lab, 2);
  const auth = { type: 'meticulous keyed sha1' as const, keyId: 3, password: 'bfd-secret' };
  const bird = await BirdBfd.start(lab, p.nsPeer, 'bird', { routerId: p.peer.ipv4, neighbors: [{ address: p.floatd.ipv6, local: p.peer.ipv6, multihop: true }], timers: T, auth });
  const view = () => bird.session(p.floatd.ipv6);
  const args = { peer: p.peer.ipv6, local: p.floatd.ipv6, multihop: true, timers: FT };
  const wrong = await FloatdBfd.start(lab, p.nsFloatd, 'floatd-wrong', { ...args, auth: { type: 'meticulous-keyed-sha1', keyId: 3, key: 'bfd-secreT' } });
  await peerStays(view, 'down', 5_000, 'BIRD Down with a wrong key');
  assert.equal(wrong.events.filter((e) => e.ev === 'up').length, 0);
  wrong.send('stop');
  await wrong.next('stopped', 5_000);
  wrong.send('exit');
  await wrong.process.exited;
  const right = await FloatdBfd.start(lab, p.nsFloatd, 'floatd-right', { ...args, auth: { type: 'meticulous-keyed-sha1', keyId: 3, key: 'bfd-secret' } });
  await right.next('up');
  await peerReaches(view, 'up');
  await peerStays(view, 'up', 2_000, 'BIRD Up with the right key');
});
