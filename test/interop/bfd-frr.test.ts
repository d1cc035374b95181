// floatd's BFD against FRR's bfdd (with zebra), single hop over IPv4.
// FRR 8.4's bfdd has no authentication, so the key tests run against BIRD.

import assert from 'node:assert/strict';
import { FloatdBfd, FrrBfd } from '../../lab/bfd/peers.js';
import { now } from '../../lab/netns.js';
import { interopTest } from './scenario.js';
import { bfdPair, frrSeesSilenceThenStop, peerReaches, peerStays } from './bfd-lab.js';

const T = { minRxMs: 100, minTxMs: 100, multiplier: 3 };

interopTest('BFD floatd <-> FRR bfdd over IPv4: Up, timer change without a drop, detection-time Down when floatd falls silent, AdminDown on stop', 'bfdf4', ['vtysh', 'nft'], async (lab) => {
  const p = await bfdPair(lab, 3);
  const frr = await FrrBfd.start(lab, p.nsPeer, 'frr', { peers: [{ address: p.floatd.ipv4, local: p.peer.ipv4 }], timers: T });
  const view = () => frr.session(p.floatd.ipv4);
  const t0 = now();
  const fd = await FloatdBfd.start(lab, p.nsFloatd, 'floatd-bfd', { peer: p.peer.ipv4, local: p.floatd.ipv4, timers: T });
  await fd.next('up');
  await peerReaches(view, 'up');
  console.log(`# FRR: both Up ${(now() - t0).toFixed(0)} ms after floatd started`);

  const before = fd.events.length;
  fd.send('timers 300 300 3');
  await peerStays(view, 'up', 3_000, 'FRR Up while floatd moves to 300 ms');
  const raw = (await view())!.raw as Record<string, unknown>;
  console.log(`# FRR's view after the change: remote transmit ${String(raw['remote-transmit-interval'])} ms, remote receive ${String(raw['remote-receive-interval'])} ms, transmit ${String(raw['transmit-interval'])} ms`);
  assert.equal(raw['remote-transmit-interval'], 300);
  fd.send('timers 100 100 3');
  await peerStays(view, 'up', 2_000, 'FRR Up while floatd moves back to 100 ms');
  assert.equal(fd.events.slice(before).filter((e) => e.ev === 'down').length, 0, 'floatd went down during a timer change');

  await frrSeesSilenceThenStop(lab, p.nsFloatd, fd, view);
});
