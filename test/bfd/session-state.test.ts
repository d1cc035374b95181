import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeControl, encodeControl, Diag, type ControlPacket } from '../../src/bfd/packet.js';
import {
  detectionDeadline,
  detectionTimeUs,
  initialSession,
  packetOf,
  remoteDetectionTimeUs,
  stepSession,
  txIntervalUs,
  type SessionAction,
  type SessionState,
} from '../../src/bfd/session-state.js';
import { jitteredUs, type BfdTimers } from '../../src/bfd/timing.js';

const FAST: BfdTimers = { desiredMinTxUs: 100_000, requiredMinRxUs: 100_000, detectMult: 3 };

/** A seeded generator, so runs are repeatable. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Packets through bytes, so the machine sees what the wire carries. */
const wire = (s: SessionState, final = false): ControlPacket => {
  const r = decodeControl(encodeControl(packetOf(s, final)));
  assert.ok(r.ok, 'a machine sent an invalid packet');
  return r.packet;
};

interface Side {
  name: string;
  s: SessionState;
  nextTx: number;
  sent: { at: number; p: ControlPacket }[];
  log: SessionAction[];
}

/**
 * Two machines joined by a link with 1 ms of delay, on fake time: each sends
 * at its jittered interval, answers Polls at once, and expires on its deadline.
 * `cut` drops what a side sends while it returns true.
 */
class Pair {
  readonly a: Side;
  readonly b: Side;
  now = 0;
  private flight: { at: number; to: Side; p: ControlPacket }[] = [];
  cut: (from: Side, at: number) => boolean = () => false;

  constructor(ta: BfdTimers, tb: BfdTimers, private readonly random = lcg(7)) {
    this.a = { name: 'a', s: initialSession(0x1111, ta), nextTx: 0, sent: [], log: [] };
    this.b = { name: 'b', s: initialSession(0x2222, tb), nextTx: 3, sent: [], log: [] };
    for (const x of [this.a, this.b]) this.apply(x, { kind: 'enable' });
  }

  apply(x: Side, e: Parameters<typeof stepSession>[1]): void {
    const before = txIntervalUs(x.s);
    const r = stepSession(x.s, e, this.now);
    x.s = r.state;
    // A shorter interval applies to the packet already scheduled (as the native thread does).
    const after = txIntervalUs(x.s);
    if (after > 0 && after < before) {
      const last = x.sent.at(-1)?.at ?? this.now;
      x.nextTx = Math.min(x.nextTx, Math.max(this.now, last + jitteredUs(after, x.s.config.detectMult, this.random) / 1000));
    }
    x.log.push(...r.actions);
    for (const a of r.actions) {
      if (a.kind !== 'send-now') continue;
      this.send(x, a.final);
      // A state change packet restarts the periodic schedule (a Final does not).
      const i = txIntervalUs(x.s);
      if (!a.final && i > 0) x.nextTx = this.now + jitteredUs(i, x.s.config.detectMult, this.random) / 1000;
    }
  }

  private send(x: Side, final: boolean): void {
    const p = wire(x.s, final);
    x.sent.push({ at: this.now, p });
    if (!this.cut(x, this.now)) this.flight.push({ at: this.now + 1, to: x === this.a ? this.b : this.a, p });
  }

  run(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const times: number[] = [this.a.nextTx, this.b.nextTx, ...this.flight.map((f) => f.at)];
      for (const x of [this.a, this.b]) {
        const d = detectionDeadline(x.s);
        if (d !== undefined) times.push(d);
      }
      const t = Math.min(...times);
      if (t > end) break;
      this.now = t;
      const due = this.flight.filter((f) => f.at <= t);
      this.flight = this.flight.filter((f) => f.at > t);
      for (const f of due) this.apply(f.to, { kind: 'rx', packet: f.p });
      for (const x of [this.a, this.b]) {
        const d = detectionDeadline(x.s);
        if (d !== undefined && d <= t) this.apply(x, { kind: 'expire' });
        if (x.nextTx <= t) {
          const i = txIntervalUs(x.s);
          if (i > 0) this.send(x, false);
          x.nextTx = t + (i > 0 ? jitteredUs(i, x.s.config.detectMult, this.random) / 1000 : 1000);
        }
      }
    }
    this.now = end;
  }
}

const gaps = (x: Side, from: number, to: number, periodicOnly = true): number[] => {
  const at = x.sent.filter((e) => e.at >= from && e.at <= to && (!periodicOnly || !e.p.final)).map((e) => e.at);
  return at.slice(1).map((t, i) => t - at[i]!);
};

test('two sessions come Up through Down/Init, then leave the 1 s rate by a Poll Sequence', () => {
  const pair = new Pair(FAST, FAST);
  pair.run(5_000);
  for (const x of [pair.a, pair.b]) {
    assert.equal(x.s.state, 'Up', x.name);
    assert.equal(x.s.polling, false, `${x.name} finished its Poll Sequence`);
    assert.equal(txIntervalUs(x.s), 100_000);
    assert.equal(detectionTimeUs(x.s), 300_000);
    assert.ok(x.log.some((a) => a.kind === 'poll-done'));
    assert.ok(!x.log.some((a) => a.kind === 'down'));
  }
  const states = (x: Side) => x.log.filter((a) => a.kind === 'state').map((a) => (a as { to: string }).to);
  assert.ok(['Down,Init,Up', 'Down,Up'].includes(states(pair.a).join(',')), states(pair.a).join(','));
  // The first Up packet carried P and the new 100 ms; the answer carried F and no P.
  const firstUp = pair.a.sent.find((e) => e.p.state === 'Up')!;
  assert.equal(firstUp.p.poll, true);
  assert.equal(firstUp.p.desiredMinTxUs, 100_000);
  assert.ok(pair.b.sent.some((e) => e.p.final && !e.p.poll));
});

test('while not Up: never faster than one packet a second (jittered), and Desired Min TX advertised as at least 1 s', () => {
  const pair = new Pair({ desiredMinTxUs: 10_000, requiredMinRxUs: 10_000, detectMult: 3 }, FAST);
  pair.cut = (from) => from === pair.b; // a hears nothing: it stays Down
  pair.run(10_000);
  assert.equal(pair.a.s.state, 'Down');
  const g = gaps(pair.a, 0, 10_000);
  assert.ok(g.length >= 8, `a sent ${g.length + 1} packets`);
  assert.ok(Math.min(...g) >= 750, `smallest gap ${Math.min(...g)} ms`);
  for (const e of pair.a.sent) assert.ok(e.p.desiredMinTxUs >= 1_000_000);
  // Even when the peer asks for 1 ms: the peer's Required Min RX cannot speed up a session that is not Up.
  const s = stepSession(initialSession(5, FAST), { kind: 'enable' }, 0).state;
  const heard = stepSession(s, { kind: 'rx', packet: { ...wire(s), myDiscr: 9, requiredMinRxUs: 1_000, state: 'Down' } }, 1).state;
  assert.equal(heard.state, 'Init');
  assert.equal(txIntervalUs(heard), 1_000_000);
});

test('jitter: 75-100 % of the interval, at most 90 % with detect mult 1', () => {
  assert.equal(jitteredUs(100_000, 3, () => 0), 75_000);
  assert.equal(jitteredUs(100_000, 3, () => 0.999999), 99_999);
  assert.equal(jitteredUs(100_000, 1, () => 0.999999), 89_999);
  const r = lcg(1);
  for (let i = 0; i < 10_000; i++) {
    const j3 = jitteredUs(100_000, 3, r);
    const j1 = jitteredUs(100_000, 1, r);
    assert.ok(j3 >= 75_000 && j3 < 100_000, String(j3));
    assert.ok(j1 >= 75_000 && j1 <= 90_000, String(j1));
  }
  const pair = new Pair(FAST, FAST);
  pair.run(6_000);
  const g = gaps(pair.a, 3_000, 6_000);
  assert.ok(Math.min(...g) >= 75 && Math.max(...g) <= 100, `${Math.min(...g)}..${Math.max(...g)}`);
});

test('timer change while Up: slower TX waits for the Final, and neither side drops', () => {
  const pair = new Pair(FAST, FAST);
  pair.run(4_000);
  const t0 = pair.now;
  pair.apply(pair.a, { kind: 'set-timers', timers: { desiredMinTxUs: 400_000, requiredMinRxUs: 400_000, detectMult: 3 } });
  assert.equal(pair.a.s.polling, true);
  assert.equal(pair.a.s.txBaseUs, 100_000, 'raised TX is held until the Final');
  assert.equal(pair.a.s.rxBaseUs, 400_000, 'raised RX applies at once');
  pair.run(8_000);
  for (const x of [pair.a, pair.b]) {
    assert.equal(x.s.state, 'Up');
    assert.ok(!x.log.some((a) => a.kind === 'down'), `${x.name} went down`);
  }
  assert.equal(pair.a.s.polling, false);
  assert.equal(txIntervalUs(pair.a.s), 400_000);
  assert.equal(txIntervalUs(pair.b.s), 400_000, 'b follows a\'s Required Min RX');
  assert.equal(detectionTimeUs(pair.b.s), 1_200_000);
  // The Poll went out before any packet came at the slower rate.
  const firstPoll = pair.a.sent.find((e) => e.at >= t0 && e.p.poll)!;
  const firstSlow = gaps(pair.a, t0, pair.now).findIndex((g) => g > 100);
  assert.ok(firstPoll !== undefined && firstSlow >= 0);
  // And back to fast: a lowered RX keeps the old detection time until the Final.
  pair.apply(pair.a, { kind: 'set-timers', timers: FAST });
  assert.equal(pair.a.s.rxBaseUs, 400_000);
  assert.equal(pair.a.s.txBaseUs, 100_000, 'lowered TX applies at once');
  pair.run(5_000);
  assert.equal(pair.a.s.state, 'Up');
  assert.equal(detectionTimeUs(pair.a.s), 300_000);
  assert.ok(!pair.b.log.some((a) => a.kind === 'down'));
});

test('Poll/Final: a Poll is answered at once with F and without P; a Final ends only our own Poll', () => {
  const pair = new Pair(FAST, FAST);
  pair.run(4_000);
  const s = pair.a.s;
  const poll = { ...wire(pair.b.s), poll: true };
  const r = stepSession(s, { kind: 'rx', packet: poll }, pair.now);
  assert.deepEqual(r.actions, [{ kind: 'send-now', final: true }]);
  const f = packetOf(r.state, true);
  assert.equal(f.final, true);
  assert.equal(f.poll, false);
  // Not polling: a stray Final changes nothing.
  const stray = stepSession(s, { kind: 'rx', packet: { ...wire(pair.b.s), final: true } }, pair.now);
  assert.deepEqual(stray.actions, []);
  // Polling: P on periodic packets, F on the Final only.
  const polling = stepSession(s, { kind: 'set-timers', timers: { ...FAST, desiredMinTxUs: 200_000 } }, pair.now).state;
  assert.equal(packetOf(polling).poll, true);
  assert.equal(packetOf(polling, true).poll, false);
  const done = stepSession(polling, { kind: 'rx', packet: { ...wire(pair.b.s), final: true } }, pair.now);
  assert.deepEqual(done.actions, [{ kind: 'poll-done' }]);
  assert.equal(done.state.txBaseUs, 200_000);
});

test('silence: Down with diag 1 one detection time after the last packet, and the remote discriminator forgotten', () => {
  const pair = new Pair(FAST, FAST);
  pair.run(4_000);
  let lastFromA = 0;
  pair.cut = (from, at) => {
    if (from !== pair.a) return false;
    return at >= 4_000;
  };
  lastFromA = pair.a.sent.filter((e) => e.at < 4_000).at(-1)!.at;
  pair.run(1_000);
  const down = pair.b.log.find((a) => a.kind === 'down') as { diag: number } | undefined;
  assert.equal(down?.diag, Diag.DetectionTimeExpired);
  assert.equal(pair.b.s.remoteDiscr, 0);
  const st = pair.b.log.filter((a) => a.kind === 'state').at(-1)!;
  assert.equal((st as { to: string }).to, 'Down');
  // b learns a is gone 300 ms (+1 ms link) after a's last packet; a learns from b's Down packet.
  const bDownAt = pair.b.sent.find((e) => e.at > 4_000 && e.p.state === 'Down')!.at;
  assert.ok(Math.abs(bDownAt - (lastFromA + 1 + 300)) < 1e-6, `b down at ${bDownAt}, last from a ${lastFromA}`);
  // a hears b's Down packet, sent at once on leaving Up: it goes Down with diag 3.
  assert.equal((pair.a.log.find((x) => x.kind === 'down') as { diag: number }).diag, Diag.NeighborSignaledDown);
  assert.ok(pair.a.s.state !== 'Up');
});

test('AdminDown: the peer goes Down with diag 3, the disabled side ignores what it receives', () => {
  const pair = new Pair(FAST, FAST);
  pair.run(4_000);
  const holdUs = remoteDetectionTimeUs(pair.a.s);
  assert.equal(holdUs, 300_000);
  pair.apply(pair.a, { kind: 'disable' });
  assert.equal(pair.a.s.state, 'AdminDown');
  assert.equal(pair.a.s.localDiag, Diag.AdministrativelyDown);
  assert.ok(pair.a.log.some((a) => a.kind === 'down'));
  assert.equal(pair.a.sent.at(-1)!.p.state, 'AdminDown', 'the AdminDown packet leaves at once');
  pair.run(3_000);
  assert.equal(pair.a.s.state, 'AdminDown');
  assert.equal(pair.b.s.state, 'Down');
  assert.equal((pair.b.log.find((a) => a.kind === 'down') as { diag: number }).diag, Diag.NeighborSignaledDown);
  // Enabled again, both come back.
  pair.apply(pair.a, { kind: 'enable' });
  pair.run(5_000);
  assert.equal(pair.a.s.state, 'Up');
  assert.equal(pair.b.s.state, 'Up');
});

test('reception discards: a discriminator not ours, authentication missing or unexpected', () => {
  const s = stepSession(initialSession(77, FAST), { kind: 'enable' }, 0).state;
  const peer: ControlPacket = { ...wire(s), myDiscr: 5, yourDiscr: 78, state: 'Init' };
  const code = (st: SessionState, p: ControlPacket) => (stepSession(st, { kind: 'rx', packet: p }, 0).actions[0] as { code?: string }).code;
  assert.equal(code(s, peer), 'your-discr');
  const withAuth = initialSession(77, FAST, 'meticulous-keyed-sha1');
  assert.equal(code(withAuth, { ...peer, yourDiscr: 0, state: 'Down' }), 'auth-missing');
  assert.equal(code(s, { ...peer, yourDiscr: 77, auth: { type: 'keyed-sha1', keyId: 1, seq: 1, digest: Buffer.alloc(20) } }), 'auth-unexpected');
  // Up straight from Down on the peer's Init; a packet before enable is discarded as AdminDown.
  assert.equal(stepSession(s, { kind: 'rx', packet: { ...peer, yourDiscr: 77 } }, 0).state.state, 'Up');
  assert.equal(code(initialSession(77, FAST), { ...peer, yourDiscr: 0, state: 'Down' }), 'admin-down');
});

test('detection deadline: none before the first packet; in Down it only forgets the remote discriminator', () => {
  let s = stepSession(initialSession(1, FAST), { kind: 'enable' }, 0).state;
  assert.equal(detectionDeadline(s), undefined);
  const p: ControlPacket = { ...wire(s), myDiscr: 9, state: 'AdminDown', desiredMinTxUs: 1_000_000 };
  s = stepSession(s, { kind: 'rx', packet: p }, 10).state;
  assert.equal(s.state, 'Down');
  assert.equal(detectionDeadline(s), 10 + 3_000);
  const e = stepSession(s, { kind: 'expire' }, 3_010);
  assert.equal(e.state.state, 'Down');
  assert.equal(e.state.remoteDiscr, 0);
  assert.deepEqual(e.actions, []);
  assert.equal(detectionDeadline(e.state), undefined);
  assert.throws(() => initialSession(0, FAST), RangeError);
});
