import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareAddresses,
  effectivePriority,
  initialVrrpState,
  masterDownMs,
  skewMs,
  step,
  type VrrpAction,
  type VrrpEvent,
  type VrrpParams,
  type VrrpState,
} from '../../src/vrrp/instance-state.js';

const P: VrrpParams = {
  vrid: 7,
  priority: 100,
  advertIntervalMs: 1000,
  preempt: true,
  preemptDelayMs: 0,
  primaryAddress: '10.0.0.2',
  addresses: ['10.0.0.100'],
  announceCount: 3,
  announceIntervalMs: 200,
};

const advert = (from: string, priority: number, intervalCs = 100): VrrpEvent => ({ kind: 'advert', from, advert: { vrid: 7, priority, intervalCs, addresses: ['10.0.0.100'] } });
const kinds = (a: readonly VrrpAction[]): string[] => a.map((x) => (x.kind === 'send-advert' ? `send-advert:${x.priority}` : x.kind === 'start-adverts' ? `start-adverts:${x.priority}` : x.kind));
const downMs = (a: readonly VrrpAction[]): number | undefined => {
  const d = a.find((x) => x.kind === 'set-master-down');
  return d?.kind === 'set-master-down' ? d.ms : undefined;
};

function run(params: Partial<VrrpParams>, events: [number, VrrpEvent][]): { state: VrrpState; actions: VrrpAction[] }[] {
  let s = initialVrrpState({ ...P, ...params });
  return events.map(([at, ev]) => {
    const r = step(s, ev, at);
    s = r.state;
    return r;
  });
}

const backup = (params: Partial<VrrpParams> = {}): VrrpState => run(params, [[0, { kind: 'startup' }]])[0]!.state;
const active = (params: Partial<VrrpParams> = {}): VrrpState => step(backup(params), { kind: 'master-down-timer' }, 3610).state;

test('skew and master-down interval follow RFC 9568 6.1', () => {
  assert.equal(skewMs(100, 1000), 609.375);
  assert.equal(masterDownMs(100, 1000), 3609.375);
  assert.equal(masterDownMs(254, 100), 300 + (2 * 100) / 256);
  assert.equal(masterDownMs(1, 1000), 3000 + 996.09375);
  // A higher priority waits less, so it wins the race after a silent Active.
  assert.ok(masterDownMs(200, 1000) < masterDownMs(100, 1000));
});

test('startup: a non-owner listens for the master-down interval, then becomes Active', () => {
  const [boot, down] = run({}, [
    [0, { kind: 'startup' }],
    [3610, { kind: 'master-down-timer' }],
  ]);
  assert.equal(boot!.state.name, 'Backup');
  assert.deepEqual(kinds(boot!.actions), ['transition', 'set-master-down']);
  assert.equal(downMs(boot!.actions), 3609.375);
  assert.equal(down!.state.name, 'Active');
  assert.deepEqual(kinds(down!.actions), ['transition', 'cancel-master-down', 'add-addresses', 'start-adverts:100', 'announce']);
  const ann = down!.actions.find((a) => a.kind === 'announce');
  assert.deepEqual(ann, { kind: 'announce', count: 3, intervalMs: 200 });
  assert.equal(down!.state.last?.reason, 'no Active router heard');
  assert.equal(down!.state.activeAddress, '10.0.0.2');
});

test('startup: the address owner (255) becomes Active at once', () => {
  const [boot] = run({ priority: 255 }, [[0, { kind: 'startup' }]]);
  assert.equal(boot!.state.name, 'Active');
  assert.ok(kinds(boot!.actions).includes('start-adverts:255'));
});

test('Backup: an advert of higher or equal priority re-arms the timer with the sender interval', () => {
  const s = backup();
  const hi = step(s, advert('10.0.0.3', 150, 50), 100);
  assert.equal(downMs(hi.actions), masterDownMs(100, 500));
  assert.equal(hi.state.activeAddress, '10.0.0.3');
  assert.equal(hi.state.activePriority, 150);
  const eq = step(s, advert('10.0.0.1', 100), 100);
  assert.equal(downMs(eq.actions), 3609.375);
});

test('Backup with preempt discards a lower-priority advert, so its timer runs out and it takes over', () => {
  const s = backup();
  const lo = step(s, advert('10.0.0.3', 50), 100);
  assert.deepEqual(lo.actions, []);
  const down = step(lo.state, { kind: 'master-down-timer' }, 3610);
  assert.equal(down.state.name, 'Active');
  assert.match(down.state.last!.reason, /no advert from 10\.0\.0\.3/);
  const arm = step(s, advert('10.0.0.3', 150), 0).actions.find((a) => a.kind === 'set-master-down');
  assert.equal(arm?.kind === 'set-master-down' && arm.minPriority, 100);
});

test('Backup without preempt accepts a lower-priority Active', () => {
  const s = backup({ preempt: false });
  const lo = step(s, advert('10.0.0.3', 50), 100);
  assert.equal(downMs(lo.actions), 3609.375);
  const arm = lo.actions.find((a) => a.kind === 'set-master-down');
  assert.equal(arm?.kind === 'set-master-down' && arm.minPriority, 1);
});

test('preempt delay: a lower-priority Active is tolerated for the delay, then discarded', () => {
  const s0 = backup({ preemptDelayMs: 5000 });
  const r1 = step(s0, advert('10.0.0.3', 50), 1000);
  assert.equal(downMs(r1.actions), 5000);
  const r2 = step(r1.state, advert('10.0.0.3', 50), 2000);
  assert.equal(downMs(r2.actions), 4000);
  const r3 = step(r2.state, advert('10.0.0.3', 50), 5000);
  assert.equal(downMs(r3.actions), 3609.375);
  const r4 = step(r3.state, advert('10.0.0.3', 50), 6000);
  assert.deepEqual(r4.actions, []);
  // A higher-priority advert in between starts the delay over.
  const r5 = step(step(r2.state, advert('10.0.0.4', 150), 2500).state, advert('10.0.0.3', 50), 3000);
  assert.equal(downMs(r5.actions), 5000);
});

test('Backup: priority 0 from the Active means take over after the skew time only', () => {
  const s = step(backup(), advert('10.0.0.3', 150), 0).state;
  const r = step(s, advert('10.0.0.3', 0), 500);
  assert.equal(downMs(r.actions), 609.375);
  const d = step(r.state, { kind: 'master-down-timer' }, 1110);
  assert.equal(d.state.name, 'Active');
  assert.equal(d.state.last?.reason, '10.0.0.3 left (priority 0)');
});

test('Active: a higher priority advert sends it to Backup, addresses removed, no priority 0 advert', () => {
  const r = step(active(), advert('10.0.0.3', 150), 4000);
  assert.equal(r.state.name, 'Backup');
  assert.deepEqual(kinds(r.actions), ['stop-adverts', 'remove-addresses', 'transition', 'set-master-down']);
  assert.match(r.state.last!.reason, /higher priority 150/);
});

test('Active: equal priority is broken by the primary address (RFC 9568 6.4.3)', () => {
  const hi = step(active(), advert('10.0.0.9', 100), 4000);
  assert.equal(hi.state.name, 'Backup');
  assert.match(hi.state.last!.reason, /same priority and a higher address/);
  const lo = step(active(), advert('10.0.0.1', 100), 4000);
  assert.equal(lo.state.name, 'Active');
  assert.deepEqual(kinds(lo.actions), ['send-advert:100']);
});

test('Active: a lower-priority Active is answered at once, at most once per interval', () => {
  const r1 = step(active(), advert('10.0.0.3', 50), 4000);
  assert.deepEqual(kinds(r1.actions), ['send-advert:100']);
  const r2 = step(r1.state, advert('10.0.0.3', 50), 4500);
  assert.deepEqual(r2.actions, []);
  const r3 = step(r2.state, advert('10.0.0.3', 50), 5000);
  assert.deepEqual(kinds(r3.actions), ['send-advert:100']);
});

test('Active: priority 0 from another router is answered with an advert', () => {
  const r = step(active(), advert('10.0.0.3', 0), 4000);
  assert.equal(r.state.name, 'Active');
  assert.deepEqual(kinds(r.actions), ['send-advert:100']);
});

test('adverts for another VRID, and any advert in Initialize, are ignored', () => {
  const other: VrrpEvent = { kind: 'advert', from: '10.0.0.3', advert: { vrid: 8, priority: 200, intervalCs: 100, addresses: ['10.0.0.100'] } };
  assert.deepEqual(step(active(), other, 4000).actions, []);
  assert.deepEqual(step(initialVrrpState(P), advert('10.0.0.3', 200), 0).actions, []);
});

test('shutdown while Active: adverts stop, the addresses go, then a priority 0 advert', () => {
  const r = step(active(), { kind: 'shutdown', reason: 'release' }, 5000);
  assert.equal(r.state.name, 'Initialize');
  assert.deepEqual(kinds(r.actions), ['stop-adverts', 'remove-addresses', 'send-advert:0', 'transition']);
  assert.deepEqual(r.actions[2], { kind: 'send-advert', priority: 0, afterRemoval: true });
  assert.equal(r.state.last?.reason, 'release');
  const b = step(backup(), { kind: 'shutdown' }, 5000);
  assert.deepEqual(kinds(b.actions), ['cancel-master-down', 'transition']);
});

test('tracking, give-up mode: not serving while Active releases with priority 0; no takeover until serving again', () => {
  const off = step(active(), { kind: 'track', tracking: { kind: 'serving', serving: false } }, 5000);
  assert.equal(off.state.name, 'Backup');
  assert.deepEqual(kinds(off.actions), ['stop-adverts', 'remove-addresses', 'send-advert:0', 'transition', 'set-master-down']);
  assert.match(off.state.last!.reason, /not serving/);
  // Nobody else answers: the timer runs out, and it still stays Backup.
  const quiet = step(off.state, { kind: 'master-down-timer' }, 9000);
  assert.equal(quiet.state.name, 'Backup');
  assert.deepEqual(kinds(quiet.actions), ['set-master-down']);
  // Serving again with nobody Active: takes over at once.
  const on = step(quiet.state, { kind: 'track', tracking: { kind: 'serving', serving: true } }, 9500);
  assert.equal(on.state.name, 'Active');
  assert.match(on.state.last!.reason, /serving again/);
});

test('tracking, give-up mode: serving again while another router is Active just re-arms', () => {
  let s = step(backup(), { kind: 'track', tracking: { kind: 'serving', serving: false } }, 100).state;
  s = step(s, advert('10.0.0.3', 50), 200).state;
  const on = step(s, { kind: 'track', tracking: { kind: 'serving', serving: true } }, 300);
  assert.equal(on.state.name, 'Backup');
  assert.deepEqual(kinds(on.actions), ['set-master-down']);
});

test('tracking at startup: a service that starts serving before the first master-down interval does not take over at once', () => {
  // floatd starts its instances before the checks have passed: not serving, then serving a moment later.
  const [, , serving, expiry] = run({}, [
    [0, { kind: 'track', tracking: { kind: 'serving', serving: false } }],
    [0, { kind: 'startup' }],
    [50, { kind: 'track', tracking: { kind: 'serving', serving: true } }],
    [3700, { kind: 'master-down-timer' }],
  ]);
  assert.equal(serving!.state.name, 'Backup');
  assert.deepEqual(kinds(serving!.actions), ['set-master-down']);
  // Nobody was heard for a whole interval: now it takes over.
  assert.equal(expiry!.state.name, 'Active');
  assert.equal(expiry!.state.last?.reason, 'no Active router heard');
});

test('tracking, weight mode: the priority moves by the weight, within 1..254; the owner is never weighted', () => {
  const s = active();
  const r = step(s, { kind: 'track', tracking: { kind: 'weight', weight: -60 } }, 5000);
  assert.equal(r.state.name, 'Active');
  assert.deepEqual(kinds(r.actions), ['start-adverts:40']);
  assert.equal(effectivePriority({ params: P, tracking: { kind: 'weight', weight: -500 } }), 1);
  assert.equal(effectivePriority({ params: P, tracking: { kind: 'weight', weight: 500 } }), 254);
  assert.equal(effectivePriority({ params: { ...P, priority: 255 }, tracking: { kind: 'weight', weight: -50 } }), 255);
  // Lowered below a peer's 80, the peer's next advert takes the role.
  const taken = step(r.state, advert('10.0.0.3', 80), 5100);
  assert.equal(taken.state.name, 'Backup');
  // Same weight again: nothing to do.
  assert.deepEqual(step(r.state, { kind: 'track', tracking: { kind: 'weight', weight: -60 } }, 5200).actions, []);
});

test('compareAddresses orders IPv4 and IPv6 addresses as numbers', () => {
  assert.ok(compareAddresses('10.0.0.10', '10.0.0.9') > 0);
  assert.ok(compareAddresses('9.255.255.255', '10.0.0.0') < 0);
  assert.ok(compareAddresses('fe80::10', 'fe80::9') > 0);
  assert.ok(compareAddresses('fe80::1:0', 'fe80::ffff') > 0);
  assert.equal(compareAddresses('fd00::1', 'fd00:0::1'), 0);
});

/** Two routers on one fake LAN: timers as deadlines, adverts delivered at once. */
class Lan {
  t = 0;
  readonly routers: { s: VrrpState; down?: number; tx?: { at: number; prio: number; every: number } }[];
  activeOverlapMs = 0;

  constructor(params: Partial<VrrpParams>[]) {
    this.routers = params.map((p) => ({ s: initialVrrpState({ ...P, ...p }) }));
  }

  apply(i: number, ev: VrrpEvent): void {
    const r = this.routers[i]!;
    const out = step(r.s, ev, this.t);
    r.s = out.state;
    for (const a of out.actions) {
      if (a.kind === 'set-master-down') r.down = this.t + a.ms;
      else if (a.kind === 'cancel-master-down') r.down = undefined;
      else if (a.kind === 'start-adverts') {
        r.tx = { at: this.t + a.intervalMs, prio: a.priority, every: a.intervalMs };
        this.broadcast(i, a.priority);
      } else if (a.kind === 'stop-adverts') r.tx = undefined;
      else if (a.kind === 'send-advert') this.broadcast(i, a.priority);
    }
  }

  broadcast(from: number, priority: number): void {
    const src = this.routers[from]!.s.params.primaryAddress;
    this.routers.forEach((_, j) => {
      if (j !== from) this.apply(j, { kind: 'advert', from: src, advert: { vrid: 7, priority, intervalCs: 100, addresses: ['10.0.0.100'] } });
    });
  }

  /** Runs until `until`, in 1 ms steps, firing due timers and adverts. */
  runTo(until: number): void {
    while (this.t < until) {
      this.t += 1;
      this.routers.forEach((r, i) => {
        if (r.down !== undefined && r.down <= this.t) {
          r.down = undefined;
          this.apply(i, { kind: 'master-down-timer' });
        }
        if (r.tx && r.tx.at <= this.t) {
          r.tx.at += r.tx.every;
          this.broadcast(i, r.tx.prio);
        }
      });
      if (this.routers.filter((r) => r.s.name === 'Active').length > 1) this.activeOverlapMs += 1;
    }
  }

  names(): string[] {
    return this.routers.map((r) => r.s.name);
  }
}

test('two routers: the higher priority ends Active; release hands over within the skew time; no overlap', () => {
  const lan = new Lan([{ priority: 150, primaryAddress: '10.0.0.1' }, { priority: 100, primaryAddress: '10.0.0.2' }]);
  lan.apply(1, { kind: 'startup' });
  lan.runTo(5000);
  assert.deepEqual(lan.names(), ['Initialize', 'Active']);
  // The higher priority starts later and preempts once its own timer runs out.
  lan.apply(0, { kind: 'startup' });
  lan.runTo(10_000);
  assert.deepEqual(lan.names(), ['Active', 'Backup']);
  // Release: the backup takes over after its skew time (609 ms), not 3.6 s.
  const released = lan.t;
  lan.apply(0, { kind: 'shutdown', reason: 'release' });
  lan.runTo(released + 700);
  assert.deepEqual(lan.names(), ['Initialize', 'Active']);
  assert.equal(lan.routers[1]!.s.last?.at, released + 610);
  assert.equal(lan.activeOverlapMs, 0);
});

test('two routers, nopreempt: a returning higher priority router stays Backup', () => {
  const lan = new Lan([{ priority: 150, primaryAddress: '10.0.0.1', preempt: false }, { priority: 100, primaryAddress: '10.0.0.2' }]);
  lan.apply(1, { kind: 'startup' });
  lan.runTo(5000);
  lan.apply(0, { kind: 'startup' });
  lan.runTo(20_000);
  assert.deepEqual(lan.names(), ['Backup', 'Active']);
});

test('two routers, same priority starting together: the first timer out wins, the other accepts it (RFC 9568 6.4.2)', () => {
  const lan = new Lan([{ primaryAddress: '10.0.0.1' }, { primaryAddress: '10.0.0.2' }]);
  lan.apply(0, { kind: 'startup' });
  lan.apply(1, { kind: 'startup' });
  lan.runTo(10_000);
  assert.deepEqual(lan.names(), ['Active', 'Backup']);
  assert.equal(lan.activeOverlapMs, 0);
});

test('two routers Active at once (a healed partition): the higher address keeps the role within one advert', () => {
  const lan = new Lan([{ primaryAddress: '10.0.0.1' }, { primaryAddress: '10.0.0.2' }]);
  // Both became Active while they could not hear each other.
  for (const i of [0, 1]) {
    lan.routers[i]!.s = step(step(lan.routers[i]!.s, { kind: 'startup' }, 0).state, { kind: 'master-down-timer' }, 0).state;
    lan.routers[i]!.tx = { at: 1000, prio: 100, every: 1000 };
  }
  lan.runTo(1001);
  assert.deepEqual(lan.names(), ['Backup', 'Active']);
  // The first advert at 1000 ms settled it: the lower address heard the answer and stepped down.
  assert.equal(lan.activeOverlapMs, 999);
});
