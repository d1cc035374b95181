// BFD under a busy event loop: floatd's BFD session (in a runner process
// started with --expose-gc) against BIRD 2 in a namespace, while the
// runner's main thread is kept busy with synchronous slices of 50-200 ms
// that make garbage, plus a forced full GC after every fifth slice.
//
// Figures per timer set (100 ms x 3, 50 ms x 3):
//  - worst transmit gap and worst lateness of a periodic packet (native thread's own counters);
//  - false Downs: Downs on either side during a loaded phase with no loss;
//  - receive-to-decision delay: in a second loaded phase, nftables drops
//    BIRD's packets in floatd's namespace a few times; the thread declares
//    the peer down on its own at the deadline, and the figure is the time
//    from that moment to the JS 'down' event (the event loop's share).
//
// Run as root: npm run bench:bfd [-- --seconds N --drops N]
// Prints figures; asserts nothing.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BirdBfd, FloatdBfd } from '../lab/bfd/peers.js';
import { Lab, check, requireLab, sleep } from '../lab/netns.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 20);
const DROPS = arg('drops', 8);

async function dropPeerPackets(lab: Lab, ns: string): Promise<() => Promise<void>> {
  const f = join(lab.dir, `nft-in-${ns}.conf`);
  writeFileSync(f, 'table inet fdbfdin {\n  chain in { type filter hook input priority 0; udp dport 3784 drop; }\n}\n');
  await check('ip', ['netns', 'exec', ns, 'nft', '-f', f]);
  return async () => void (await check('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', 'fdbfdin']));
}

async function one(intervalMs: number): Promise<void> {
  const lab = new Lab('bfdbench');
  try {
    const nsPeer = await lab.namespace('peer');
    const nsFd = await lab.namespace('fd');
    await lab.veth(nsPeer, nsFd, { ifA: 'bbp', ifB: 'bbf', addrA: ['10.212.0.1/30'], addrB: ['10.212.0.2/30'] });
    const timers = { minRxMs: intervalMs, minTxMs: intervalMs, multiplier: 3 };
    const bird = await BirdBfd.start(lab, nsPeer, 'bird', { routerId: '10.212.0.1', neighbors: [{ address: '10.212.0.2', local: '10.212.0.1' }], timers });
    const fd = await FloatdBfd.start(lab, nsFd, 'floatd-bfd', { peer: '10.212.0.1', local: '10.212.0.2', timers }, ['--expose-gc']);
    await fd.next('up');
    await sleep(2_000);
    const birdDowns = () => (bird.log().match(/changed state from Up to Down/g) ?? []).length;

    // Phase 1: load, no loss. Any Down is false.
    fd.send('stats');
    const s0 = fd.events.length;
    const bd0 = birdDowns();
    fd.send(`load 50 200 ${SECONDS}`);
    const loaded = await fd.next('loaded', (SECONDS + 30) * 1000, s0);
    fd.send('stats');
    const st = await fd.next('stats', 10_000, s0 + 1);
    const falseDowns = fd.events.slice(s0).filter((e) => e.ev === 'down').length + (birdDowns() - bd0);

    // Phase 2: load, with BIRD's packets dropped now and then: the decision delay of each detection.
    const s1 = fd.events.length;
    fd.send(`load 50 200 ${SECONDS}`);
    const delays: number[] = [];
    for (let i = 0; i < DROPS; i++) {
      await sleep(500 + Math.random() * 500);
      const from = fd.events.length;
      const undo = await dropPeerPackets(lab, nsFd);
      const d = await fd.next('down', 5_000, from);
      delays.push(Number(d['delayMs']));
      await undo();
      await fd.next('up', 10_000, from);
    }
    await fd.next('loaded', (SECONDS + 30) * 1000, s1);
    delays.sort((a, b) => a - b);
    console.log(
      `${intervalMs} ms x 3 vs BIRD: load ${Number(loaded['slices'])} slices (longest ${Number(loaded['longestMs']).toFixed(0)} ms, ${Number(loaded['gcs'])} forced GCs) over ${SECONDS} s; ` +
        `worst transmit gap ${Number(st['maxGapMs']).toFixed(1)} ms (interval ${intervalMs}, jitter 75-100 %), worst lateness ${Number(st['maxLateMs']).toFixed(1)} ms; false Downs ${falseDowns}; thread real-time: ${String(st['realtime'])}`,
    );
    console.log(
      `${intervalMs} ms x 3 vs BIRD: detection-to-decision delay over ${delays.length} detections under load: median ${delays[Math.floor(delays.length / 2)]?.toFixed(1)} ms, worst ${delays.at(-1)?.toFixed(1)} ms`,
    );
    fd.send('stop');
    await fd.next('stopped', 5_000);
  } finally {
    await lab.cleanup();
  }
}

requireLab(['bird', 'birdc', 'nft']);
for (const ms of [100, 50]) await one(ms);
