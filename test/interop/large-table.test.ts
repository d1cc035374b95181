// A large table: BIRD originates 100,000 IPv4 /24s (a `protocol static` of
// blackhole routes written by the test) and exports them to floatd, once
// with `import: all` (floatd stores them) and once with `import: none`
// (floatd only counts them). floatd's status must reach 100,000 received
// prefixes while the session stays Established throughout (sampled while
// the table arrives and for 5 s after), with hold time 9 on both sides.
// Prints the time to receive everything and floatd's memory (VmRSS/VmHWM).
// BIRD 2.0.12 sends its last partial UPDATE and End-of-RIB about 2-3 s after
// the rest (seen with tcpdump), so "all" includes that pause; "99 %" does not.
// One pair on 10.210.12.0/30; the /24s start at 20.0.0.0, away from it.

import assert from 'node:assert/strict';
import { RECEIVED_SHOWN } from '../../src/daemon/speaker.js';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import { LabError, Pending, now, processMemory, sleep, waitFor } from '../../lab/netns.js';
import { ANNOUNCED, FLOATD_AS, PEER_AS, floatdConfig, fmt, interopTest, makePair } from './scenario.js';

const N = 12;
const PROTO = 'floatd';
const COUNT = 100_000;
const LOAD_MS = 30_000;
const AFTER_MS = 5_000;

/** COUNT distinct /24s from 20.0.0.0/24 upwards. */
function tablePrefixes(): string[] {
  const out: string[] = [];
  for (let i = 0; i < COUNT; i++) out.push(`${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`);
  return out;
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

for (const mode of ['all', 'none'] as const) {
  interopTest(`floatd (import: ${mode}) <-> BIRD 2 sending ${COUNT.toLocaleString('en')} prefixes: all counted, session Established throughout`, `big${mode}`, ['bird', 'birdc'], async (lab) => {
    const pair = await makePair(lab, N);
    const tBird = now();
    const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
      routerId: pair.peer.ipv4,
      sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4' }],
      originate: tablePrefixes(),
    });
    const birdStartMs = now() - tBird;
    const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', floatdConfig({ routerId: pair.floatd.ipv4, family: 'ipv4', listen: pair.floatd.ipv4, neighbor: { address: pair.peer.ipv4, import: mode } }));
    const baseline = await floatd.waitEstablished(pair.peer.ipv4);
    const tUp = now();
    const transitions = baseline.establishedTransitions ?? 1;

    // Sample while the table arrives: every sample must show the same session, Established.
    const samples: string[] = [];
    let mostMs: number | undefined;
    let slowestStatusMs = 0;
    const sample = async (): Promise<number> => {
      const t = now();
      const n = await floatd.neighbor(pair.peer.ipv4);
      slowestStatusMs = Math.max(slowestStatusMs, now() - t);
      if (n?.state !== 'Established' || (n.establishedTransitions ?? 1) !== transitions) {
        throw new LabError(`the session left Established ${fmt(now() - tUp)} into the table: ${JSON.stringify(n)}`);
      }
      return n.prefixesReceived ?? n.prefixes?.received ?? 0;
    };
    const allMs = await waitFor(
      `floatd to count ${COUNT} prefixes from BIRD`,
      async () => {
        const got = await sample();
        samples.push(`${fmt(now() - tUp)}:${got}`);
        if (mostMs === undefined && got >= COUNT * 0.99) mostMs = now() - tUp;
        if (!floatd.process.running) throw new LabError(`floatd exited (${floatd.process.exitCode ?? floatd.process.exitSignal})`);
        return got >= COUNT ? now() - tUp : new Pending(`${got} counted`);
      },
      { timeoutMs: LOAD_MS, intervalMs: 500 },
    );
    const loaded = processMemory(floatd.process.pid);

    const settleEnd = now() + AFTER_MS;
    while (now() < settleEnd) {
      assert.equal(await sample(), COUNT, 'floatd counts exactly the prefixes BIRD sent');
      await sleep(1_000);
    }
    const mem = processMemory(floatd.process.pid);
    assert.ok(mem, 'floatd is still running');
    assert.ok(await bird.established(PROTO), 'BIRD still reports the session Established');
    const exported = (await bird.channelRoutes(PROTO)).find((c) => c.channel === 'ipv4')?.exported;
    assert.equal(exported, COUNT, 'BIRD exported the whole table to floatd');
    await waitFor('BIRD to hold floatd\'s route', async () => (await bird.route(ANNOUNCED.ipv4, PROTO)) ?? new Pending('no route yet'));
    const end = await floatd.neighbor(pair.peer.ipv4);
    if (mode === 'all') {
      // One control answer carries the first RECEIVED_SHOWN routes and the count, never the whole table.
      const routes = (await floatd.routes()).find((n) => n.neighbor === pair.peer.ipv4);
      assert.equal(routes?.receivedTotal, COUNT);
      assert.equal(routes?.received?.length, RECEIVED_SHOWN);
    }

    console.log(
      `[large table, import: ${mode}] BIRD started with ${COUNT} routes in ${fmt(birdStartMs)}; floatd counted 99 % by ${fmt(mostMs ?? allMs)} and all ${COUNT} by ${fmt(allMs)} after Established ` +
        `(status samples ${samples.join(' ')}); still Established ${AFTER_MS / 1000} s later ` +
        `(messages in ${String(end?.messages?.in)}, updates in ${String(end?.updates?.in)}); ` +
        `slowest status reply ${fmt(slowestStatusMs)}; floatd VmRSS ${loaded ? mib(loaded.rssKiB) : '?'} when loaded, ${mib(mem.rssKiB)} at the end, VmHWM ${mib(mem.hwmKiB)}`,
    );
  });
}
