// Two floatd BFD sessions talking over loopback through the native thread
// (127.x.y.1 <-> 127.x.y.2, chosen per process so parallel runs do not meet).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { BfdManager } from '../../src/bfd/manager.js';
import { bfdNative } from '../../src/bfd/native.js';
import { Diag } from '../../src/bfd/packet.js';
import type { BfdDown, BfdSession } from '../../src/bfd/bfd-session.js';

const net = `127.${(process.pid % 250) + 1}.${(process.pid >> 8) % 250}`;
let n = 0;
function pairAddresses(): [string, string] {
  n += 2;
  return [`${net}.${n}`, `${net}.${n + 1}`];
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms).unref())]);
}

async function upPair(o: Parameters<BfdManager['add']>[1] = {}, o2 = o) {
  const [a, b] = pairAddresses();
  const ma = new BfdManager();
  const mb = new BfdManager();
  const sa = ma.add(b, { ...o, local: a });
  const sb = mb.add(a, { ...o2, local: b });
  return { ma, mb, sa, sb };
}

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* the event loop is stuck, like during a large UPDATE burst */
  }
};

test('two sessions come Up over loopback and stay Up while the event loop is blocked for 1.5 s', async () => {
  const { ma, mb, sa, sb } = await upPair();
  try {
    await within(Promise.all([once(sa, 'up'), once(sb, 'up')]), 5_000, 'both Up');
    const downs: BfdDown[] = [];
    sa.on('down', (d) => downs.push(d));
    sb.on('down', (d) => downs.push(d));
    await new Promise((r) => setTimeout(r, 500)); // the Poll Sequence to 100 ms has finished
    const native = bfdNative();
    native.stats(sa.nativeId!);
    busy(1_500);
    await new Promise((r) => setTimeout(r, 200));
    const st = native.stats(sa.nativeId!);
    console.log(`# worst transmit gap while blocked: ${st.maxGapMs.toFixed(1)} ms (interval 100 ms, jitter 75-100 %)`);
    assert.deepEqual(downs, []);
    assert.equal(sa.state, 'Up');
    assert.equal(sb.state, 'Up');
    assert.equal(sa.snapshot.txBaseUs, 100_000);
    assert.ok(st.maxGapMs < 300, `a gap of ${st.maxGapMs} ms would have taken the session down`);
  } finally {
    await Promise.all([ma.stopAll(), mb.stopAll()]);
  }
});

test('a clean stop reaches the peer as AdminDown (diag 3 there); a silent peer expires with diag 1', async () => {
  const { ma, mb, sa, sb } = await upPair();
  try {
    await within(Promise.all([once(sa, 'up'), once(sb, 'up')]), 5_000, 'both Up');
    const down = once(sb, 'down') as Promise<[BfdDown]>;
    const t0 = bfdNative().now();
    await ma.remove(sb.options.local!);
    const [d] = await within(down, 2_000, 'b down');
    assert.equal(d.diag, Diag.NeighborSignaledDown);
    assert.match(d.reason, /administratively down/);
    assert.ok(d.at - t0 < 300, `AdminDown seen ${d.at - t0} ms after the stop`);
    assert.equal(sa.state, 'AdminDown');
  } finally {
    await Promise.all([ma.stopAll(), mb.stopAll()]);
  }
  const again = await upPair();
  try {
    await within(Promise.all([once(again.sa, 'up'), once(again.sb, 'up')]), 5_000, 'both Up');
    await new Promise((r) => setTimeout(r, 500));
    const down = once(again.sb, 'down') as Promise<[BfdDown]>;
    const t0 = bfdNative().now();
    bfdNative().close(again.sa.nativeId!); // gone without a word, like a frozen host
    const [d] = await within(down, 2_000, 'b down');
    assert.equal(d.diag, Diag.DetectionTimeExpired);
    console.log(`# silent peer declared down ${(d.at - t0).toFixed(1)} ms after its last chance to send (detection time 300 ms)`);
    assert.ok(d.at - t0 < 1_000, `${d.at - t0} ms`);
  } finally {
    await Promise.all([again.mb.stopAll()]);
  }
});

test('meticulous keyed SHA1: the same key comes Up, a different key never does', async () => {
  const auth = (k: string) => ({ auth: { type: 'meticulous-keyed-sha1' as const, keyId: 1, key: Buffer.from(k) } });
  const good = await upPair(auth('shared-secret'));
  try {
    await within(Promise.all([once(good.sa, 'up'), once(good.sb, 'up')]), 5_000, 'both Up with SHA1');
  } finally {
    await Promise.all([good.ma.stopAll(), good.mb.stopAll()]);
  }
  const bad = await upPair(auth('shared-secret'), auth('other-secret'));
  const ups: BfdSession[] = [];
  bad.sa.on('up', () => ups.push(bad.sa));
  bad.sb.on('up', () => ups.push(bad.sb));
  try {
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual(ups, []);
    assert.equal(bad.sa.state, 'Down');
    assert.equal(bad.sa.snapshot.remoteDiscr, 0, 'nothing from the wrong key got through');
    assert.equal(bfdNative().stats(bad.sa.nativeId!).rxCount, 0);
  } finally {
    await Promise.all([bad.ma.stopAll(), bad.mb.stopAll()]);
  }
});

test('manager: one session per peer address, canonical IPv6 keys, clear errors', () => {
  const m = new BfdManager({ native: bfdNative() });
  assert.throws(() => m.add('not-an-address'), { code: 'ERR_BFD_ADDRESS' });
  assert.throws(() => m.add('192.0.2.1', { local: 'x' }), { code: 'ERR_BFD_ADDRESS' });
  assert.throws(() => m.add('192.0.2.1', { timers: { minTxMs: 0, minRxMs: 100, multiplier: 3 } }), { code: 'ERR_BFD_TIMERS' });
  assert.equal(m.get('2001:DB8:0::1'), undefined);
  assert.deepEqual(m.peers, []);
});
