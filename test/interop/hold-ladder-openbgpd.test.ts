// Hold-time ladder against OpenBGPD: `holdtime min 30` refuses 3 s and 9 s
// with NOTIFICATION OPEN Message Error / Unacceptable Hold Time (RFC 4271
// 6.2). floatd with the ladder [3, 9, 30, 90] climbs two steps, a second or
// so apart, and comes up with 30 s. One pair on 10.210.20.0/30; OpenBGPD is
// passive, so each connection carries floatd's OPEN first.

import assert from 'node:assert/strict';
import { Floatd, logLineTime } from '../../lab/daemons/floatd.js';
import { Openbgpd } from '../../lab/daemons/openbgpd.js';
import { Pending, waitFor } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, floatdConfig, fmt, interopTest, makePair } from './scenario.js';

const N = 20;
const MIN_HOLD = 30;

interopTest(`floatd <-> OpenBGPD with holdtime min ${MIN_HOLD}: 3 s and 9 s refused (2/6), Established with 30 s`, 'ladobgp', ['bgpd', 'bgpctl'], async (lab) => {
  const pair = await makePair(lab, N);
  const bgpd = await Openbgpd.start(lab, pair.nsPeer, 'bgpd', {
    as: PEER_AS,
    routerId: pair.peer.ipv4,
    listenOn: [pair.peer.ipv4],
    neighbors: [{ address: pair.floatd.ipv4, remoteAs: FLOATD_AS, localAddress: pair.peer.ipv4, passive: true, holdTime: 90, minHoldTime: MIN_HOLD }],
    originate: PEER_PREFIXES.ipv4,
  });
  const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', floatdConfig({ routerId: pair.floatd.ipv4, family: 'ipv4', neighbor: { address: pair.peer.ipv4, 'hold-time': [3, 9, 30, 90] } }));
  const up = await floatd.waitEstablished(pair.peer.ipv4, 30_000);
  assert.deepEqual(
    [up.holdTimeProposed, up.peerHoldTime, up.holdTime, up.keepaliveTime, up.holdLadder],
    [30, 90, 30, 10, { candidates: [3, 9, 30, 90], step: 3, exhausted: false }],
    'proposed, peer\'s, negotiated hold time, keepalive and ladder step',
  );
  await waitFor('OpenBGPD to hold floatd\'s route', async () => (await bgpd.route(ANNOUNCED.ipv4, pair.floatd.ipv4)) ?? new Pending('no route yet'));
  // bgpctl -j nests the negotiated timers; take every `holdtime` it shows.
  const n = await bgpd.neighbor(pair.floatd.ipv4);
  const holds: unknown[] = [];
  JSON.stringify(n, (k, v: unknown) => (k === 'holdtime' && holds.push(v), v));
  assert.ok(holds.includes(30), `OpenBGPD's hold times: ${JSON.stringify(holds)} in ${JSON.stringify(n)}`);

  const lines = floatd.logLines();
  const climbs = lines.filter((l) => /refuses hold time \d+ s: the next OPEN proposes/.test(String(l['msg'] ?? '')));
  assert.deepEqual(
    climbs.map((l) => /proposes (\d+) s/.exec(String(l['msg']))?.[1]),
    ['9', '30'],
    'one climb per refusal, to 9 s and then to 30 s',
  );
  const upAt = logLineTime(lines.find((l) => String(l['msg'] ?? '').startsWith('session established')) ?? {}) ?? NaN;
  const firstAt = logLineTime(climbs[0]!) ?? NaN;
  // How soon each retry comes is the session test's to check with a fake clock; here the time is printed only.
  assert.ok(upAt > firstAt, 'Established after the first refusal');
  const said = bgpd.log().split('\n').filter((l) => /holdtime/i.test(l));
  console.log(`[OpenBGPD holdtime min ${MIN_HOLD}] ${said.map((l) => l.trim()).join(' | ') || 'no bgpd log line'}; floatd Established with ${up.holdTime} s ${fmt(upAt - firstAt)} after the first refusal`);
});
