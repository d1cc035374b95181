import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { BfdManager, BfdNativeError, type BfdDown, type BfdSession } from '../../src/bfd/index.js';
import { type BfdNative, type NativeEvent, type NativeStats } from '../../src/bfd/native.js';
import { encodeControl } from '../../src/bfd/packet.js';
import { call } from '../../src/control/client.js';
import { BfdLinks, bfdMultihop, type BfdPeerStatus, type BfdTransition } from '../../src/daemon/bfd-links.js';
import type { SpeakerStatus } from '../../src/daemon/speaker.js';
import { Cleanup, FLOATD_AS, neighbor, now, Receiver, tempDir, TestDaemon, testLog, waitFor } from './helpers/harness.js';
import { silenceable } from '../helpers/silent-bfd.js';

// floatd's BFD beside its BGP session, over loopback: the BGP peer is a
// route server on 127.x.y.2, the BFD peer a BfdManager on the same address,
// run by the real addon. Addresses are chosen per process (UDP 3784 is one
// port for everybody on the host).

const T = { timeout: 40_000 };
const STATIC = '203.0.113.7/32';
const net = `127.${(process.pid % 200) + 50}.${(process.pid >> 8) % 250}`;


const bfdOf = (peers: SpeakerStatus): BfdPeerStatus | undefined => (peers.peers[0] as { bfd?: BfdPeerStatus } | undefined)?.bfd;

test('BFD Down resets the BGP session at once; BGP comes back without BFD; a stop sends AdminDown', T, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c);
    const local = `${net}.1`;
    const remote = `${net}.2`;
    const rx = await Receiver.start(c, remote, [local], 90);
    const { native, silence } = silenceable();
    const peerBfd = new BfdManager({ native });
    c.add(() => peerBfd.stopAll());
    let peer: BfdSession = peerBfd.add(local, { local: remote });
    const d = await TestDaemon.start(c, dir, {
      'router-id': local,
      'local-as': FLOATD_AS,
      // Hold time 90 s: only BFD can take this session down within the test.
      neighbors: [neighbor({ receiver: rx, local, holdTime: 90, extra: { bfd: true } })],
      announce: [{ prefix: STATIC }],
    });
    await waitFor('the route at the peer', () => rx.has(STATIC));
    await waitFor('BFD Up at 100 ms x 3 on both sides', () => peer.state === 'Up' && bfdOf(d.daemon.control().peers() as SpeakerStatus)?.txIntervalMs === 100);

    const shown = bfdOf((await call(d.controlSocket, 'peers', {})) as SpeakerStatus)!;
    assert.equal(shown.state, 'Up');
    assert.equal(shown.multihop, false);
    assert.equal(shown.txIntervalMs, 100);
    assert.equal(shown.rxIntervalMs, 100);
    assert.equal(shown.detectionTimeMs, 300);
    assert.equal(shown.downs, 0);
    assert.equal(shown.lastDown, undefined);

    // The BFD peer goes silent: floatd's thread declares it down after 300 ms, and the BGP session (hold time 90 s) goes with it.
    const downsBefore = rx.downs(local).length;
    const t0 = now();
    silence(peer.nativeId!);
    await waitFor('the BGP session reset by BFD', () => rx.downs(local).length > downsBefore, 10_000);
    const resetMs = (rx.downs(local).at(-1)?.at ?? now()) - t0;
    console.log(`# BGP session reset ${resetMs.toFixed(0)} ms after the BFD peer went silent (detection time 300 ms)`);
    assert.ok(resetMs < 30_000, 'far sooner than the 90 s hold time');
    assert.match(rx.downs(local).at(-1)?.lastError ?? '', /BFD down: control detection time expired/);
    const after = bfdOf(d.daemon.control().peers() as SpeakerStatus)!;
    assert.equal(after.state, 'Down');
    assert.equal(after.downs, 1);
    assert.equal(after.lastDown?.reason, 'control detection time expired');
    assert.equal(after.lastDown?.diag, 1);

    // Not held down: the BGP session comes back by its reconnect while BFD stays Down.
    await waitFor('BGP back while BFD is Down', () => rx.established(local) && rx.has(STATIC));
    assert.equal(bfdOf(d.daemon.control().peers() as SpeakerStatus)?.state, 'Down');

    // The peer runs BFD again: Up again, and the BGP session was not touched by it.
    await peerBfd.remove(local);
    peer = peerBfd.add(local, { local: remote });
    await waitFor('BFD Up again', () => peer.state === 'Up', 10_000);
    const downsNow = rx.downs(local).length;

    // Clean stop: the peer sees AdminDown (diag 7), not a detection expiry.
    const seen = once(peer, 'down') as Promise<[BfdDown]>;
    await d.daemon.stop();
    const [down] = await seen;
    assert.equal(down.diag, 3, 'the peer reports "neighbor signaled session down"');
    assert.equal(peer.snapshot.remoteState, 'AdminDown');
    assert.equal(rx.downs(local).length, downsNow + 1, 'one goodbye from the stop, none from BFD');
  } finally {
    await c.run();
  }
});

test('a neighbor with bfd cannot start without the addon: the error reaches the caller', () => {
  const broken: BfdNative = {
    open: () => {
      throw new BfdNativeError('BFD needs the native addon');
    },
    update: () => true,
    setAuth: () => undefined,
    close: () => undefined,
    now: () => 0,
    stats: () => ({ txCount: 0, rxCount: 0, maxGapMs: 0, maxLateMs: 0, realtime: false }),
  };
  const links = new BfdLinks({ manager: new BfdManager({ native: broken }), bgp: { resetPeer: () => true }, log: testLog });
  const n = { address: '192.0.2.1', localAddress: undefined, multihop: 1, ttlSecurity: false as const, bfd: { minRxMs: 100, minTxMs: 100, multiplier: 3 } };
  assert.throws(() => links.start({ neighbors: [n] } as never), (e: Error) => e instanceof BfdNativeError && e.message.includes('native addon'));
});

test('BFD is single hop for a directly connected peer, multihop when the BGP session may cross routers', () => {
  assert.equal(bfdMultihop({ multihop: 1, ttlSecurity: false }), false);
  assert.equal(bfdMultihop({ multihop: 2, ttlSecurity: false }), true);
  assert.equal(bfdMultihop({ multihop: 255, ttlSecurity: false }), true);
  assert.equal(bfdMultihop({ multihop: 255, ttlSecurity: 1 }), false);
  assert.equal(bfdMultihop({ multihop: 255, ttlSecurity: 3 }), true);
});

test('every state change goes to the event list; Down carries its diagnostic and decision delay; transmit figures keep the worst', async () => {
  // A scripted addon: the test delivers the peer's packets and an expiry itself.
  let deliver: (e: NativeEvent) => void = () => undefined;
  let clock = 1000;
  const reads: NativeStats[] = [
    { txCount: 10, rxCount: 9, maxGapMs: 98.5, maxLateMs: 1.5, realtime: true },
    { txCount: 20, rxCount: 19, maxGapMs: 60, maxLateMs: 4.2, realtime: true },
  ];
  const native: BfdNative = {
    open: (_o, cb) => ((deliver = cb), 0),
    update: () => true,
    setAuth: () => undefined,
    close: () => undefined,
    now: () => clock,
    stats: () => reads.shift() ?? { txCount: 20, rxCount: 19, maxGapMs: 0, maxLateMs: 0, realtime: true },
  };
  const seen: [string, BfdTransition][] = [];
  const resets: string[] = [];
  const links = new BfdLinks({
    manager: new BfdManager({ native, randomInt: () => 4242 }),
    bgp: { resetPeer: (_a, why) => (resets.push(why), true) },
    log: testLog,
    wallTime: () => Date.UTC(2025, 2, 1),
    onTransition: (n, t) => seen.push([n, t]),
  });
  const n = { address: '192.0.2.1', localAddress: undefined, multihop: 1, ttlSecurity: false as const, bfd: { minRxMs: 100, minTxMs: 100, multiplier: 3 } };
  links.start({ neighbors: [n] } as never);
  const peer = (state: 'Down' | 'Up', yourDiscr: number) =>
    encodeControl({ diag: 0, state, poll: false, final: false, cpi: false, demand: false, multipoint: false, detectMult: 3, myDiscr: 77, yourDiscr, desiredMinTxUs: 100_000, requiredMinRxUs: 100_000, requiredMinEchoRxUs: 0 });
  deliver({ type: 'rx', packet: peer('Down', 0), at: clock, ttl: 255 });
  deliver({ type: 'rx', packet: peer('Up', 4242), at: clock, ttl: 255 });
  // The thread decided at 1000 ms; the event loop gets there 12.34 ms later.
  clock += 12.34;
  deliver({ type: 'expire', at: 1000, expiries: 1 });

  assert.deepEqual(seen.map(([a, t]) => [a, t.from, t.to, t.diag]), [
    ['192.0.2.1', 'Down', 'Init', 0],
    ['192.0.2.1', 'Init', 'Up', 0],
    ['192.0.2.1', 'Up', 'Down', 1],
  ]);
  assert.equal(seen[2]![1].reason, 'control detection time expired');
  assert.deepEqual(resets, ['BFD down: control detection time expired']);
  const st = links.status('192.0.2.1')!;
  assert.deepEqual(st.lastDown, { reason: 'control detection time expired', diag: 1, at: '2025-03-01T00:00:00.000Z', delayMs: 12.3 });
  // The addon clears its maxima on each read (one was made for the 'BFD up' log line): the worst of all reads stays.
  assert.deepEqual(st.transmit, { packets: 20, worstGapMs: 98.5, worstLateMs: 4.2, realtime: true });
  assert.deepEqual(links.status('192.0.2.1')!.transmit, { packets: 20, worstGapMs: 98.5, worstLateMs: 4.2, realtime: true });

  await links.close();
  assert.deepEqual(seen.at(-1)?.[1], { from: 'Down', to: 'AdminDown', diag: 7, reason: 'disabled (administratively down)' });
});
