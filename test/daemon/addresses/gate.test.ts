import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { AddressGate, type AddressGateObservation } from '../../../src/daemon/addresses/gate.js';
import type { AddressNeed } from '../../../src/daemon/addresses/gate-plan.js';
import { FakeClock } from '../../../src/util/clock.js';
import { DesiredRoutes } from '../../../src/daemon/desired-routes.js';
import { entry, FakePort, FakeWatch, flush, logCapture, RecordingSink } from './fakes.js';

const P = '192.0.2.10/32';
const Q = '192.0.2.11/32';
const STATIC = '198.51.100.0/24';

function setup(needs: [string, AddressNeed][], retryMs = 1000) {
  const timeline: string[] = [];
  const port = new FakePort(timeline);
  const sink = new RecordingSink(timeline);
  const clock = new FakeClock();
  const { log, lines } = logCapture();
  const observed: AddressGateObservation[] = [];
  const desired = new DesiredRoutes(sink);
  const addressGate = new AddressGate({ changed: () => desired.publish(), port, needs: new Map(needs), clock, log, retryMs, observe: (o) => observed.push(o) });
  // The gate as the daemon uses it: ServiceRoutes' part of the desired routes, filtered by it.
  const part = desired.part(addressGate);
  const gate = Object.assign(addressGate, { setAnnouncements: part.setAnnouncements });
  return { timeline, port, sink, clock, gate, lines, observed };
}

const lo = (addresses: string[], removeWhenWithdrawn: boolean, label?: string): AddressNeed => ({
  interface: 'lo',
  addresses,
  removeWhenWithdrawn,
  ...(label !== undefined ? { label } : {}),
});

test('add first, announce once the add resolved; entries without a need pass at once', async () => {
  const { timeline, port, sink, gate } = setup([[P, lo([P], true, 'lo:web')]]);
  gate.setAnnouncements([entry(STATIC), entry(P)]);
  assert.deepEqual(sink.last(), [STATIC], 'the static entry goes out at once, the service prefix waits');
  assert.deepEqual(port.pending().map((c) => [c.op, c.iface, c.prefixes, c.label]), [['add', 'lo', [P], 'lo:web']]);
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(sink.last(), [STATIC, P]);
  assert.deepEqual(timeline, [`sink [${STATIC}]`, `add ${P}`, `add done ${P}`, `sink [${STATIC},${P}]`]);
  assert.deepEqual(gate.status(), [{ prefix: P, interface: 'lo', addresses: [P], addressState: 'present', wanted: true, announced: true }]);
});

test('withdraw goes to the sink at once, the remove only after it', async () => {
  const { timeline, port, sink, gate } = setup([[P, lo([P], true)]]);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(P)]);
  await flush();
  timeline.length = 0;
  gate.setAnnouncements([]);
  assert.deepEqual(sink.last(), []);
  await gate.idle();
  assert.deepEqual(timeline, ['sink []', `remove ${P}`, `remove done ${P}`]);
  assert.equal(gate.status()[0]!.addressState, 'absent');
});

test('new attributes for an announced prefix are handed on at once', async () => {
  const { port, sink, gate } = setup([[P, lo([P], false)]]);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(P, 100)]);
  await flush();
  gate.setAnnouncements([entry(P, 1000)]);
  assert.equal(sink.lists.at(-1)?.[0]?.med, 1000);
  assert.equal(port.calls.length, 1, 'no second add');
});

test('a failed add: never announced, logged as an error with the cause, reported, retried after retryMs', async () => {
  const { port, sink, gate, clock, lines, observed } = setup([[P, lo([P], true)]]);
  gate.setAnnouncements([entry(P)]);
  port.pending()[0]!.reject('ip addr add 192.0.2.10/32 dev lo failed (exit 2): RTNETLINK answers: Operation not permitted');
  await flush();
  assert.deepEqual(sink.last(), []);
  const err = lines.find((l) => l.level === 'error');
  assert.ok(err, 'an error is logged');
  assert.match(err.msg, /cannot put 192\.0\.2\.10\/32 on lo in place, so 192\.0\.2\.10\/32 is not announced: .*Operation not permitted/);
  assert.equal(gate.status()[0]!.error?.includes('Operation not permitted'), true);
  assert.equal(gate.status()[0]!.addressState, 'unknown');
  assert.deepEqual(observed.map((o) => [o.op, o.ok]), [['add', false]]);

  clock.advance(999);
  assert.equal(port.pending().length, 0, 'no retry before retryMs');
  clock.advance(1);
  assert.equal(port.pending().length, 1, 'retried');
  port.pending()[0]!.reject('ip addr add 192.0.2.10/32 dev lo failed (exit 2): RTNETLINK answers: Operation not permitted');
  await flush();
  assert.equal(lines.filter((l) => l.level === 'error').length, 1, 'the same failure again is not logged as a new error');
  clock.advance(1000);
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(sink.last(), [P]);
  assert.equal(gate.status()[0]!.error, undefined);
});

test('race: up, down before the add resolves: the late add does not announce, and the address is removed', async () => {
  const { port, sink, gate, timeline } = setup([[P, lo([P], true)]]);
  gate.setAnnouncements([entry(P)]);
  gate.setAnnouncements([]);
  port.pending()[0]!.resolve();
  await flush();
  assert.ok(sink.lists.every((l) => l.length === 0), 'never announced');
  assert.deepEqual(port.pending().map((c) => c.op), ['remove']);
  port.pending()[0]!.resolve();
  await gate.idle();
  assert.deepEqual(timeline, ['sink []', `add ${P}`, 'sink []', `add done ${P}`, `remove ${P}`, `remove done ${P}`]);
});

test('race: up, down, up before the add resolves: announced exactly once, after the add', async () => {
  const { port, sink, gate } = setup([[P, lo([P], true)]]);
  gate.setAnnouncements([entry(P)]);
  gate.setAnnouncements([]);
  gate.setAnnouncements([entry(P)]);
  assert.equal(port.calls.length, 1);
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(sink.last(), [P]);
  assert.equal(sink.lists.filter((l) => l.length > 0).length, 1);
  assert.equal(port.calls.length, 1, 'no remove, no second add');
});

test('race: up while the remove runs: the add follows the remove, then the announce', async () => {
  const { port, sink, gate, timeline } = setup([[P, lo([P], true)]]);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(P)]);
  await flush();
  port.auto = undefined;
  gate.setAnnouncements([]);
  gate.setAnnouncements([entry(P)]);
  assert.deepEqual(sink.last(), [], 'not announced while the remove runs');
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(port.pending().map((c) => c.op), ['add']);
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(sink.last(), [P]);
  assert.deepEqual(timeline.slice(-7), ['sink []', `remove ${P}`, 'sink []', `remove done ${P}`, `add ${P}`, `add done ${P}`, `sink [${P}]`]);
});

test('prepare adds held addresses at start and resolves once they are there', async () => {
  const { port, gate, sink } = setup([
    [P, lo([P], false)],
    [Q, lo([Q], true)],
  ]);
  const done = gate.prepare();
  assert.deepEqual(port.pending().map((c) => [c.op, c.prefixes]), [['add', [P]]]);
  port.pending()[0]!.resolve();
  await done;
  assert.equal(sink.lists.length, 0, 'nothing is announced by prepare');
  gate.setAnnouncements([entry(P)]);
  assert.deepEqual(sink.last(), [P], 'the address is there: announced at once');
});

test('close after the final withdraw removes every address, waits for a running add, and hands nothing on', async () => {
  const { port, gate, sink, timeline } = setup([
    [P, lo([P], false)],
    [Q, lo([Q], true)],
  ]);
  port.auto = (c) => (c.prefixes.includes(Q) && c.op === 'add' ? 'slow' : undefined);
  gate.setAnnouncements([entry(P)]);
  await flush();
  port.auto = undefined;
  gate.setAnnouncements([entry(P), entry(Q)]);
  const lists = sink.lists.length;
  const closed = gate.close();
  let finished = false;
  void closed.then(() => (finished = true));
  await flush();
  assert.equal(finished, false, 'waits for the add of Q');
  assert.deepEqual(port.pending().map((c) => [c.op, c.prefixes]), [
    ['add', [Q]],
    ['remove', [P]],
  ]);
  port.pending()[1]!.resolve();
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(port.pending().map((c) => [c.op, c.prefixes]), [['remove', [Q]]]);
  port.pending()[0]!.resolve();
  await closed;
  assert.equal(sink.lists.length, lists, 'close hands nothing to the sink');
  gate.setAnnouncements([entry(P)]);
  assert.equal(sink.lists.length, lists, 'nor does anything after close');
  assert.ok(timeline.indexOf(`remove done ${Q}`) > timeline.indexOf(`add done ${Q}`));
});

test('a port that throws instead of rejecting is treated as a failed add', async () => {
  const sink = new RecordingSink();
  const desired = new DesiredRoutes(sink);
  const throwing = new AddressGate({
    changed: () => desired.publish(),
    port: {
      add: () => {
        throw new Error('bad label');
      },
      remove: async () => undefined,
    },
    needs: new Map([[P, lo([P], true)]]),
    clock: new FakeClock(),
    log: pino({ level: 'silent' }),
  });
  desired.part(throwing).setAnnouncements([entry(P)]);
  await throwing.idle();
  assert.deepEqual(sink.last(), []);
  assert.equal(throwing.status()[0]!.error, 'bad label');
});

test('overlapping prefixes: withdrawing the wide one does not pull the address the narrow one is announced with', async () => {
  const WIDE = '192.0.2.0/24';
  const { port, gate } = setup([
    [WIDE, lo([P, '192.0.2.1/32'], true)],
    [P, lo([P], true)],
  ]);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(WIDE), entry(P)]);
  await gate.idle();
  gate.setAnnouncements([entry(P)]);
  await gate.idle();
  assert.deepEqual(port.calls.filter((c) => c.op === 'remove').map((c) => c.prefixes), [['192.0.2.1/32']]);
  gate.setAnnouncements([]);
  await gate.idle();
  assert.deepEqual(port.calls.filter((c) => c.op === 'remove').map((c) => c.prefixes), [['192.0.2.1/32'], [P]]);
});

test('follow: an address gone from the interface is added again; the route is withdrawn only if that fails', async () => {
  const { port, gate, sink, lines } = setup([[P, lo([P], true)]]);
  const watch = new FakeWatch('lo');
  const off = gate.follow('lo', watch);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(P)]);
  await flush();
  watch.set(['192.0.2.10/32', '127.0.0.1/8']);
  assert.equal(port.calls.length, 1, 'present: nothing to do');
  const lists = sink.lists.length;
  watch.set(['127.0.0.1/8']);
  await gate.idle();
  assert.deepEqual(port.calls.map((c) => c.op), ['add', 'add']);
  assert.equal(sink.lists.length, lists, 'no withdraw for a repair that worked');
  assert.ok(lines.some((l) => l.level === 'warn' && /went missing from lo; adding it again/.test(l.msg)));
  port.auto = () => 'Device "lo" does not exist.';
  watch.set([]);
  await gate.idle();
  assert.deepEqual(sink.last(), [], 'the failed repair withdraws');
  off();
  watch.set(['127.0.0.1/8']);
  assert.equal(port.calls.length, 3, 'unsubscribed');
});

test('follow: a link down withdraws at once and re-adds nothing, however often the watch reports; up again announces', async () => {
  const { port, gate, sink, lines } = setup([
    [P, lo([P], false)],
    [Q, { interface: 'eth0', addresses: [Q], removeWhenWithdrawn: false }],
  ]);
  const watch = new FakeWatch('lo');
  gate.follow('lo', watch);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(STATIC), entry(P), entry(Q)]);
  await gate.idle();
  watch.set([P]);
  assert.deepEqual(sink.last(), [STATIC, P, Q]);
  const calls = port.calls.length;

  watch.setLink('down');
  assert.deepEqual(sink.last(), [STATIC, Q], 'withdrawn in the same turn, before any port work');
  for (let i = 0; i < 5; i++) watch.setLink('down');
  await gate.idle();
  assert.equal(port.calls.length, calls, 'the address is present, only unusable: never added again');
  assert.ok(!lines.some((l) => /went missing/.test(l.msg)));
  assert.ok(lines.some((l) => l.level === 'warn' && l.msg === `withdrawing ${P}: link lo is down (its addresses stay; announced again once it is up)`));
  assert.deepEqual(gate.status().find((s) => s.prefix === P), { prefix: P, interface: 'lo', addresses: [P], addressState: 'present', wanted: true, announced: false, link: 'down' });

  // ServiceRoutes' list changes while the link is down: nothing of lo goes out.
  gate.setAnnouncements([entry(STATIC), entry(P, 50), entry(Q)]);
  assert.deepEqual(sink.last(), [STATIC, Q]);

  watch.setLink('no-carrier');
  assert.deepEqual(sink.last(), [STATIC, Q]);
  watch.setLink(undefined);
  assert.deepEqual(sink.last(), [STATIC, P, Q], 'announced again at once');
  assert.equal(sink.lists.at(-1)?.find((e) => e.prefix === P)?.med, 50, 'with the latest attributes');
  assert.ok(lines.some((l) => l.level === 'info' && l.msg === `link lo is up again and ${P} present on lo: announcing ${P}`));
  assert.equal(gate.status().find((s) => s.prefix === P)?.link, undefined);
  assert.equal(port.calls.length, calls);
});

test('follow: an address deleted while its link was down is added again when the link returns, and announced after the add', async () => {
  const { port, gate, sink, timeline } = setup([[P, lo([P], false)]]);
  const watch = new FakeWatch('lo');
  gate.follow('lo', watch);
  port.auto = () => undefined;
  gate.setAnnouncements([entry(P)]);
  await gate.idle();
  watch.set([P]);
  watch.setLink('down');
  port.auto = undefined;
  watch.set([]);
  watch.setLink(undefined);
  assert.deepEqual(sink.last(), [], 'not announced while the add runs');
  assert.deepEqual(port.pending().map((c) => c.op), ['add']);
  port.pending()[0]!.resolve();
  await flush();
  assert.deepEqual(sink.last(), [P]);
  assert.deepEqual(timeline.slice(-4), [`sink []`, `add ${P}`, `add done ${P}`, `sink [${P}]`]);
});
