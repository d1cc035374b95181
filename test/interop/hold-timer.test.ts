// Hold timer (RFC 4271 6.5): with hold time 6 negotiated, BIRD falls silent
// without closing anything (nftables in its namespace drops every segment to
// or from port 179, both ways). floatd must leave Established on its own
// hold timer, about 4..6 s later (the last KEEPALIVE came at most one
// keepalive interval before the drop), and log the expiry. Once the rules
// are gone, the session comes back. One pair on 10.210.11.0/30.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd, logLineTime } from '../../lab/daemons/floatd.js';
import { Pending, now, sleep, waitFor } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, floatdConfig, fmt, interopTest, makePair } from './scenario.js';

const N = 11;
const PROTO = 'floatd';
const HOLD = 6;
const KEEPALIVE = HOLD / 3;

interopTest(`floatd <-> BIRD 2 falling silent (nftables drop): floatd's hold timer (${HOLD} s) expires, it logs why, and the session returns once packets flow`, 'hold', ['bird', 'birdc', 'nft'], async (lab) => {
  const pair = await makePair(lab, N);
  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4', holdTime: HOLD }],
    originate: PEER_PREFIXES.ipv4,
  });
  const floatd = Floatd.start(
    lab,
    pair.nsFloatd,
    'floatd',
    floatdConfig({ routerId: pair.floatd.ipv4, family: 'ipv4', listen: pair.floatd.ipv4, neighbor: { address: pair.peer.ipv4, 'hold-time': HOLD } }),
  );
  const up = await floatd.waitEstablished(pair.peer.ipv4);
  assert.equal(up.holdTime, HOLD, 'negotiated hold time');
  assert.equal(up.keepaliveTime, KEEPALIVE, 'keepalive time');
  await waitFor('BIRD to hold floatd\'s route', async () => (await bird.route(ANNOUNCED.ipv4, PROTO)) ?? new Pending('no route yet'));
  // A few KEEPALIVEs first, so the drop lands at an arbitrary point of the keepalive cycle.
  await sleep(2_500);
  assert.equal((await floatd.neighbor(pair.peer.ipv4))?.state, 'Established', 'still Established before the drop');

  const undo = await lab.dropTcpPort(pair.nsPeer, 179);
  const droppedAt = Date.now();
  const tDrop = now();
  let restored = false;
  try {
    const polled = await waitFor(
      'floatd to leave Established while BIRD is silent',
      async () => {
        const n = await floatd.neighbor(pair.peer.ipv4);
        return n !== undefined && n.state !== 'Established' ? { state: n.state, ms: now() - tDrop } : new Pending(JSON.stringify(n));
      },
      { timeoutMs: HOLD * 1000 + 14_000, intervalMs: 100 },
    );
    const lines = floatd.logLines().filter((l) => (logLineTime(l) ?? 0) >= droppedAt - 50);
    const expiry = lines.find((l) => l['from'] === 'Established');
    assert.ok(expiry, 'floatd logged leaving Established');
    assert.equal(expiry['event'], 'HoldTimerExpires', `floatd left Established because of ${String(expiry['event'])}: ${String(expiry['msg'])}`);
    const detectMs = (logLineTime(expiry) ?? NaN) - droppedAt;
    // The timer restarts on every message received; the last came about a keepalive interval before the drop (two if BIRD was late).
    assert.ok(detectMs >= (HOLD - 2 * KEEPALIVE) * 1000, `the hold timer fired only ${fmt(detectMs)} after the drop`);
    const notice = lines.find((l) => String(l['msg'] ?? '').startsWith('NOTIFICATION sent'));

    await undo();
    restored = true;
    const tUndo = now();
    await floatd.waitEstablished(pair.peer.ipv4, 25_000);
    const backMs = now() - tUndo;
    await waitFor('BIRD to hold floatd\'s route again', async () => (await bird.route(ANNOUNCED.ipv4, PROTO)) ?? new Pending('no route yet'));
    const birdSaw = bird.log().split('\n').find((l) => /hold timer expired/i.test(l));
    console.log(
      `[BIRD silent, hold ${HOLD} s] floatd's hold timer expired ${fmt(detectMs)} after the drop by its log (status showed ${polled.state} after ${fmt(polled.ms)}): ` +
        `"${String(expiry['msg'])}"; ${notice ? `"${String(notice['msg'])}" (dropped on the way)` : 'no NOTIFICATION logged'}; ` +
        `BIRD: ${birdSaw?.replace(/^.*?<\w+> /, '').trim() ?? 'no hold timer line'}; session back ${fmt(backMs)} after the rules went`,
    );
  } finally {
    if (!restored) await undo();
  }
});
