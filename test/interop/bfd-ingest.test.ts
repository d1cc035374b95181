// No false BFD Down while a table arrives on another session: floatd has a
// BGP session with BFD at its defaults (100 ms x 3) to one BIRD 2, and a
// second BGP session (`import: all`) from another BIRD that originates
// 200,000 prefixes. While floatd decodes and stores them, its event loop is
// busy; the BFD timing lives in the native thread, so the BFD session must
// stay Up on both sides throughout (no state change at all, sampled every
// 100 ms and counted at the end), and floatd must count the whole table.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import { LabError, Pending, holdsFor, now, waitFor } from '../../lab/netns.js';
import { request } from '../../src/control/client.js';
import type { BfdPeerStatus } from '../../src/daemon/bfd-links.js';
import { FLOATD_AS, PEER_AS, fmt, interopTest, makePair } from './scenario.js';

const N = 23;
const COUNT = 200_000;
const FEED_AS = 65010;
const BFD_TIMERS = { minRxMs: 100, minTxMs: 100, multiplier: 3 };

/** COUNT distinct /24s from 20.0.0.0/24 upwards. */
function tablePrefixes(): string[] {
  const out: string[] = [];
  for (let i = 0; i < COUNT; i++) out.push(`${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`);
  return out;
}

interopTest(`BFD to BIRD 2 stays Up on both sides while ${COUNT.toLocaleString('en')} prefixes arrive from another BIRD`, 'bfdtab', ['bird', 'birdc'], async (lab) => {
  const pair = await makePair(lab, N);
  const nsFeed = await lab.namespace('feed');
  const feed = `10.210.${N + 1}.1`;
  const fdFeed = `10.210.${N + 1}.2`;
  await lab.veth(nsFeed, pair.nsFloatd, { ifA: `fi${N}e`, ifB: `fi${N}d`, addrA: [`${feed}/30`], addrB: [`${fdFeed}/30`] });

  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: 'floatd', localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4', holdTime: 9, bfd: BFD_TIMERS }],
  });
  const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', {
    'router-id': pair.floatd.ipv4,
    'local-as': FLOATD_AS,
    neighbors: [
      { address: pair.peer.ipv4, 'peer-as': PEER_AS, 'local-address': pair.floatd.ipv4, 'hold-time': 9, 'connect-retry': 1, bfd: true },
      { address: feed, 'peer-as': FEED_AS, 'local-address': fdFeed, 'hold-time': 9, 'connect-retry': 1, import: 'all' },
    ],
    announce: [{ prefix: '192.0.2.10/32' }],
  });
  // The control socket itself, not a `floatd status` process per sample: samples stay tens of ms apart under load.
  const socket = join(lab.dir, 'floatd.sock');
  const peer = async (address: string) => ((await request(socket, 'status', 10_000)) as { peers: { address: string; prefixesReceived?: number; bfd?: BfdPeerStatus }[] }).peers.find((p) => p.address === address);
  const fdBfd = async (): Promise<BfdPeerStatus | undefined> => (await peer(pair.peer.ipv4))?.bfd;
  const birdBfd = async (): Promise<string> => {
    const line = (await bird.birdc('show', 'bfd', 'sessions')).split('\n').find((l) => l.trim().startsWith(`${pair.floatd.ipv4} `));
    return line?.trim().split(/\s+/).find((w) => /^(Up|Down|Init|AdminDown)$/.test(w)) ?? 'none';
  };
  const birdChanges = () => (bird.process.output().match(/changed state from Up to/g) ?? []).length;

  await floatd.waitEstablished(pair.peer.ipv4);
  const up = await waitFor('BFD Up at 100 ms on both sides', async () => {
    const b = await fdBfd();
    return b?.state === 'Up' && b.txIntervalMs === 100 && (await birdBfd()) === 'Up' ? b : new Pending(`floatd ${JSON.stringify(b)}`);
  }, { timeoutMs: 20_000, intervalMs: 200 });
  const birdBefore = birdChanges();

  // The table: a second BIRD with COUNT static routes, exported to floatd.
  const tFeed = now();
  const feeder = await Bird.start(lab, nsFeed, 'feed', {
    routerId: feed,
    sessions: [{ name: 'floatd', localAddress: feed, localAs: FEED_AS, neighborAddress: fdFeed, neighborAs: FLOATD_AS, family: 'ipv4', holdTime: 9 }],
    originate: tablePrefixes(),
  });
  const stillUp = async (): Promise<true | Pending> => {
    if (!floatd.process.running) throw new LabError(`floatd exited (${floatd.process.exitCode ?? floatd.process.exitSignal})`);
    const b = await fdBfd();
    if (b?.state !== 'Up' || b.stateChanges !== up.stateChanges || b.downs !== up.downs) return new Pending(`floatd's BFD ${JSON.stringify(b)}`);
    const theirs = await birdBfd();
    if (theirs !== 'Up' || birdChanges() !== birdBefore) return new Pending(`BIRD's BFD ${theirs}, ${birdChanges() - birdBefore} changes from Up`);
    return true;
  };
  let samples = 0;
  let midTable = 0;
  let counted = 0;
  let broke: string | undefined;
  const allMs = await waitFor(`floatd to count ${COUNT} prefixes`, async () => {
    const ok = await stillUp();
    if (ok !== true) broke = `BFD left Up ${fmt(now() - tFeed)} after the feeding BIRD started (${counted} prefixes in): ${ok.why}`;
    samples++;
    counted = (await peer(feed))?.prefixesReceived ?? 0;
    if (counted > 0 && counted < COUNT) midTable++;
    return counted >= COUNT || broke !== undefined ? now() - tFeed : new Pending(`${counted} counted`);
  }, { timeoutMs: 90_000, intervalMs: 100 });
  assert.equal(broke, undefined);
  // And for a while after (freeing and settling is load too).
  await holdsFor('BFD Up on both sides after the table', stillUp, 3_000, 100);

  const end = await fdBfd();
  assert.equal(end?.state, 'Up');
  assert.equal(end?.downs, up.downs, 'floatd saw no BFD Down');
  assert.equal(end?.stateChanges, up.stateChanges, 'floatd\'s BFD session did not change state');
  assert.equal(birdChanges(), birdBefore, 'BIRD\'s BFD session did not leave Up');
  assert.equal(await birdBfd(), 'Up');
  assert.equal((await peer(feed))?.prefixesReceived, COUNT, 'floatd holds the whole table');
  assert.equal((await feeder.channelRoutes('floatd')).find((c) => c.channel === 'ipv4')?.exported, COUNT, 'the feeding BIRD exported the whole table');
  console.log(
    `# ${COUNT} prefixes counted ${fmt(allMs)} after the feeding BIRD was started; BFD 100 ms x 3 Up on both sides in all ${samples} samples (${midTable} while the table was partly in); ` +
      `floatd's thread: worst gap ${end?.transmit.worstGapMs.toFixed(1)} ms, worst lateness ${end?.transmit.worstLateMs.toFixed(1)} ms, real-time ${String(end?.transmit.realtime)}`,
  );
});
