// floatd's multihop BFD (RFC 5883, UDP 4784) against FRR's bfdd with a
// `multihop` peer and its local address: Up on both sides, detection-time
// Down when floatd's packets are dropped, back Up, AdminDown on stop.

import assert from 'node:assert/strict';
import { FloatdBfd, FrrBfd } from '../../lab/bfd/peers.js';
import { now } from '../../lab/netns.js';
import { interopTest } from './scenario.js';
import { bfdPair, frrSeesSilenceThenStop, peerReaches, peerStays } from './bfd-lab.js';

const T = { minRxMs: 100, minTxMs: 100, multiplier: 3 };

interopTest('BFD floatd <-> FRR bfdd multihop over IPv4: Up, detection-time Down when floatd falls silent, Up again, AdminDown on stop', 'bfdfmh', ['vtysh', 'nft'], async (lab) => {
  const p = await bfdPair(lab, 4);
  const frr = await FrrBfd.start(lab, p.nsPeer, 'frr', { peers: [{ address: p.floatd.ipv4, local: p.peer.ipv4, multihop: true }], timers: T });
  const view = () => frr.session(p.floatd.ipv4);
  const t0 = now();
  const fd = await FloatdBfd.start(lab, p.nsFloatd, 'floatd-bfd', { peer: p.peer.ipv4, local: p.floatd.ipv4, multihop: true, timers: T });
  await fd.next('up');
  await peerReaches(view, 'up');
  console.log(`# FRR multihop: both Up ${(now() - t0).toFixed(0)} ms after floatd started`);
  const raw = (await view())!.raw as Record<string, unknown>;
  assert.equal(raw['multihop'], true, `FRR's session is its multihop one: ${JSON.stringify(raw)}`);
  assert.equal(raw['remote-transmit-interval'], 100);
  await peerStays(view, 'up', 2_000, 'FRR multihop Up');

  await frrSeesSilenceThenStop(lab, p.nsFloatd, fd, view);
});
