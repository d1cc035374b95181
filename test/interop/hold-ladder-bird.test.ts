// Hold-time ladder against a real refusal: BIRD 2 with `min hold time 9`
// answers an OPEN proposing 3 s with NOTIFICATION OPEN Message Error /
// Unacceptable Hold Time (RFC 4271 6.2). floatd, configured with the ladder
// [3, 9, 30], must propose 9 s on its next connection, promptly, reach
// Established with hold time 9 and say so in its status and log. One pair on
// 10.210.19.0/30; BIRD is passive so every connection is floatd's OPEN first.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd, logLineTime } from '../../lab/daemons/floatd.js';
import { Pending, waitFor } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, floatdConfig, fmt, interopTest, makePair } from './scenario.js';

const N = 19;
const PROTO = 'floatd';
const BIRD_MIN_HOLD = 9;
const BIRD_HOLD = 240;

interopTest(`floatd <-> BIRD 2 with min hold time ${BIRD_MIN_HOLD}: 3 s is refused (2/6), the next OPEN proposes 9 s and the session comes up with it`, 'ladder', ['bird', 'birdc'], async (lab) => {
  const pair = await makePair(lab, N);
  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [
      {
        name: PROTO,
        localAddress: pair.peer.ipv4,
        localAs: PEER_AS,
        neighborAddress: pair.floatd.ipv4,
        neighborAs: FLOATD_AS,
        family: 'ipv4',
        passive: true,
        holdTime: BIRD_HOLD,
        minHoldTime: BIRD_MIN_HOLD,
      },
    ],
    originate: PEER_PREFIXES.ipv4,
  });
  const startedAt = Date.now();
  const floatd = Floatd.start(
    lab,
    pair.nsFloatd,
    'floatd',
    floatdConfig({ routerId: pair.floatd.ipv4, family: 'ipv4', neighbor: { address: pair.peer.ipv4, 'hold-time': [3, 9, 30] } }),
  );
  const up = await floatd.waitEstablished(pair.peer.ipv4, 30_000);
  assert.deepEqual(
    [up.holdTimeProposed, up.peerHoldTime, up.holdTime, up.keepaliveTime, up.holdLadder],
    [9, BIRD_HOLD, 9, 3, { candidates: [3, 9, 30], step: 2, exhausted: false }],
    'proposed, peer\'s, negotiated hold time, keepalive and ladder step',
  );
  await waitFor('BIRD to hold floatd\'s route', async () => (await bird.route(ANNOUNCED.ipv4, PROTO)) ?? new Pending('no route yet'));

  const lines = floatd.logLines();
  const refusal = lines.find((l) => String(l['msg'] ?? '').includes('refuses hold time 3 s'));
  assert.ok(refusal, 'floatd logged the refusal');
  assert.match(String(refusal['msg']), /the next OPEN proposes 9 s \(step 2 of 3\)/);
  const established = lines.find((l) => String(l['msg'] ?? '').startsWith('session established'));
  const refusedAt = logLineTime(refusal) ?? NaN;
  const upAt = logLineTime(established ?? {}) ?? NaN;
  // How soon the retry comes is the session test's to check with a fake clock
  // (test/bgp/session/hold-ladder.test.ts); here BIRD may refuse a first retry
  // while it is still idle after its own error, so the time is printed only.
  assert.ok(upAt > refusedAt, 'Established after the refusal');
  const birdSaw = bird.log().split('\n').find((l) => /hold time/i.test(l));
  const proto = await bird.birdc('show', 'protocols', 'all', PROTO);
  assert.match(proto, /Hold timer:\s+[\d.]+\/9/, 'BIRD runs hold time 9 too');
  console.log(
    `[BIRD min hold time ${BIRD_MIN_HOLD}] floatd proposed 3 s, BIRD refused it (${birdSaw?.replace(/^.*?<\w+> /, '').trim() ?? 'no BIRD log line'}); ` +
      `floatd proposed 9 s and was Established ${fmt(upAt - refusedAt)} after the refusal, ${fmt(upAt - startedAt)} after start; negotiated ${up.holdTime} s, keepalive ${up.keepaliveTime} s`,
  );
});
