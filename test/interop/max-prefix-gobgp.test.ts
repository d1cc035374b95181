// floatd run <-> GoBGP 3 over IPv4 (10.210.21.0/30) with max-prefix 1: GoBGP
// announces two prefixes, floatd ends the session with Cease / Maximum Number
// of Prefixes Reached (RFC 4486 4), GoBGP logs that NOTIFICATION, and
// `floatd status --json` shows the session held Idle with the reason.

import assert from 'node:assert/strict';
import { Gobgp } from '../../lab/daemons/gobgp.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import { Pending, waitFor } from '../../lab/netns.js';
import { FLOATD_AS, PEER_AS, PEER_PREFIXES, floatdConfig, interopTest, makePair } from './scenario.js';

interopTest('floatd <-> GoBGP: more prefixes than max-prefix end the session with Cease subcode 1, and floatd holds it Idle', 'gobgpmp', ['gobgpd', 'gobgp'], async (lab) => {
  const pair = await makePair(lab, 21);
  const floatdAddress = pair.floatd.ipv4;
  const gobgp = await Gobgp.start(lab, pair.nsPeer, 'gobgpd', {
    as: PEER_AS,
    routerId: pair.peer.ipv4,
    listenAddresses: [pair.peer.ipv4],
    neighbors: [{ address: floatdAddress, peerAs: FLOATD_AS, families: ['ipv4-unicast'], localAddress: pair.peer.ipv4 }],
  });
  for (const p of PEER_PREFIXES.ipv4) await gobgp.addRoute(p, pair.peer.ipv4);
  const floatd = Floatd.start(
    lab,
    pair.nsFloatd,
    'floatd',
    floatdConfig({ routerId: floatdAddress, family: 'ipv4', neighbor: { address: pair.peer.ipv4, 'max-prefix': { limit: 1, restart: 120 } } }),
  );
  const notice = await waitFor('GoBGP to log Cease / Maximum Number of Prefixes Reached', () => {
    for (const line of gobgp.log().split('\n')) {
      if (!line.includes('received notification')) continue;
      const j = JSON.parse(line) as Record<string, unknown>;
      if (j['Code'] === 6 && j['Subcode'] === 1) return line;
      return new Pending(`log: ${line}`);
    }
    return new Pending('no "received notification" in the gobgpd log');
  }, { timeoutMs: 30_000 });
  assert.match(notice, /"Subcode":1/);
  const held = await waitFor('floatd to show the session held', async () => {
    const n = (await floatd.neighbor(pair.peer.ipv4)) as unknown as { state: string; held?: { reason: string; restartInSeconds: number }; receiveLimitEvents?: number } | undefined;
    return n?.held ? n : new Pending(JSON.stringify(n));
  });
  assert.equal(held.state, 'Idle');
  assert.equal(held.held!.reason, 'max-prefix 1 reached (a further ipv4 prefix was refused)');
  assert.ok(held.held!.restartInSeconds > 100 && held.held!.restartInSeconds <= 120, String(held.held!.restartInSeconds));
  assert.equal(held.receiveLimitEvents, 1);
});
