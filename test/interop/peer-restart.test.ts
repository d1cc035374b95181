// The peer dies and comes back: BIRD (passive, so only floatd can bring the
// session back) is killed with SIGKILL while Established. floatd must see
// the session go (the kernel closes BIRD's socket), keep retrying with its
// back-off while connections are refused, and re-establish on its own once
// a new BIRD listens; the restarted BIRD then holds floatd's route again.
// One pair on 10.210.10.0/30.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import type { BirdConfig } from '../../lab/daemons/bird.js';
import { Floatd, logLineTime } from '../../lab/daemons/floatd.js';
import { Pending, now, sleep, waitFor, within } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, PEER_PREFIXES, assertRoute, expectedRoute, floatdConfig, fmt, interopTest, makePair } from './scenario.js';

const N = 10;
const PROTO = 'floatd';
/** How long BIRD stays dead: long enough for several refused connects and a growing back-off. */
const DEAD_MS = 3_000;

interopTest('floatd <-> BIRD 2 killed with SIGKILL and restarted: floatd notices, retries with back-off and re-establishes on its own', 'prst', ['bird', 'birdc'], async (lab) => {
  const pair = await makePair(lab, N);
  const birdConfig: BirdConfig = {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4', passive: true }],
    originate: PEER_PREFIXES.ipv4,
  };
  const first = await Bird.start(lab, pair.nsPeer, 'bird', birdConfig);
  // No `listen`: floatd only connects out, so every new session is floatd's own doing.
  const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', floatdConfig({ routerId: pair.floatd.ipv4, family: 'ipv4', neighbor: { address: pair.peer.ipv4 } }));
  await floatd.waitEstablished(pair.peer.ipv4);
  await waitFor('BIRD to hold floatd\'s route', async () => (await first.route(ANNOUNCED.ipv4, PROTO)) ?? new Pending('no route yet'));
  await waitFor('floatd to hold BIRD\'s prefixes', async () => {
    const held = (await floatd.routes()).find((x) => x.neighbor === pair.peer.ipv4)?.received ?? [];
    return held.length === PEER_PREFIXES.ipv4.length ? true : new Pending(`floatd routes holds ${held.map((x) => x.prefix).join(', ') || 'nothing'}`);
  });

  const killedAt = Date.now();
  const tKill = now();
  first.process.signal('SIGKILL');
  assert.notEqual(await within(first.process.exited, 5_000), 'timeout', 'BIRD died on SIGKILL');
  const down = await waitFor(
    'floatd to leave Established after BIRD died',
    async () => {
      const n = await floatd.neighbor(pair.peer.ipv4);
      return n !== undefined && n.state !== 'Established' ? { n, ms: now() - tKill } : new Pending(JSON.stringify(n));
    },
    // A FIN or RST arrives at once; 15 s also covers the hold timer (9 s) had nothing arrived.
    { timeoutMs: 15_000 },
  );
  const downLine = floatd.logLines().find((l) => l['from'] === 'Established' && (logLineTime(l) ?? 0) >= killedAt - 1_000);
  // BIRD's graceful restart capability (its default "aware" mode) lists no family, so nothing is kept as stale (RFC 4724 4.2).
  const kept = await waitFor(
    'floatd to drop the routes of the dead BIRD',
    async () => {
      const held = (await floatd.routes()).find((x) => x.neighbor === pair.peer.ipv4)?.received ?? [];
      return held.length === 0 ? true : new Pending(`floatd routes still holds ${held.map((x) => x.prefix).join(', ')}`);
    },
    { timeoutMs: 5_000 },
  );
  assert.equal(kept, true);
  const countedWhileDown = (await floatd.neighbor(pair.peer.ipv4))?.prefixesReceived;

  await sleep(DEAD_MS);
  const restartedAt = Date.now();
  const tRestart = now();
  const second = await Bird.start(lab, pair.nsPeer, 'bird-restarted', birdConfig);
  const up = await floatd.waitEstablished(pair.peer.ipv4, 30_000);
  const reMs = now() - tRestart;
  const route = await waitFor('the restarted BIRD to hold floatd\'s route', async () => (await second.route(ANNOUNCED.ipv4, PROTO)) ?? new Pending('no route yet'));
  assertRoute(route, expectedRoute('ipv4', pair.floatd.ipv4), 'restarted BIRD');
  const back = await waitFor('floatd to hold the restarted BIRD\'s prefixes', async () => {
    const n = await floatd.neighbor(pair.peer.ipv4);
    return n?.prefixesReceived === PEER_PREFIXES.ipv4.length ? n : new Pending(JSON.stringify(n));
  });
  assert.equal(back.establishedTransitions, 2, 'floatd counted two Established transitions');
  assert.ok(floatd.process.running, 'floatd kept running');

  const failedConnects = floatd.logLines().filter((l) => {
    const t = logLineTime(l) ?? 0;
    return t >= killedAt && t <= restartedAt + reMs && String(l['msg'] ?? '').startsWith('connect to ');
  }).length;
  console.log(
    `[BIRD SIGKILL/restart] floatd left Established ${fmt(down.ms)} after SIGKILL (${String(downLine?.['msg'] ?? '?')}); ` +
      `floatd routes held none of BIRD's prefixes while down (status prefixesReceived ${String(countedWhileDown)}); ${failedConnects} failed connect(s) logged; ` +
      `re-established ${fmt(reMs)} after BIRD restarted (${fmt(DEAD_MS)} dead), uptime ${String(up.uptimeSeconds)} s at first sight; route back on BIRD`,
  );
});
