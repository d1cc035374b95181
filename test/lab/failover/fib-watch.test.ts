import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayChanges, parseFibEvents } from '../../../lab/failover/fib-watch.js';

// Lines as `ip -ts -o monitor route` printed them in a namespace on this machine (iproute2 6.x).
const CAPTURE = [
  '[2026-11-23T20:52:12.315841] 192.0.2.10 \\\tnexthop via 10.99.1.2 dev r1 weight 1 \\\tnexthop via 10.99.2.2 dev r2 weight 1 ',
  '[2026-11-23T20:52:12.316469] 192.0.2.10 via 10.99.1.2 dev r1 ',
  '[2026-11-23T20:52:12.317000] 10.99.3.0/30 dev r3 proto kernel scope link src 10.99.3.1 ',
  '[2026-11-23T20:52:12.319126] Deleted 192.0.2.10 via 10.99.1.2 dev r1 ',
  '[2026-11-23T20:57:29.292137] 192.0.2.10 proto bird metric 32 \\\tnexthop via 10.211.2.2 dev fr2 weight 1 \\\tnexthop via 10.211.3.2 dev fr3 weight 1 ',
].join('\n');

test('parseFibEvents: gateways after each change of one destination, local time with microseconds', () => {
  const ev = parseFibEvents(CAPTURE, '192.0.2.10');
  assert.deepEqual(
    ev.map((e) => e.gateways),
    [['10.99.1.2', '10.99.2.2'], ['10.99.1.2'], [], ['10.211.2.2', '10.211.3.2']],
  );
  const base = new Date('2026-11-23T20:52:12').getTime();
  assert.ok(Math.abs(ev[0]!.t - (base + 315.841)) < 0.001, `time ${ev[0]!.t - base}`);
  assert.ok(Math.abs(ev[2]!.t - (base + 319.126)) < 0.001);
});

test('parseFibEvents ignores other destinations and garbage', () => {
  assert.deepEqual(parseFibEvents(CAPTURE, '192.0.2.11'), []);
  assert.deepEqual(parseFibEvents('Terminated\n\n[bad] 192.0.2.10 via 1.2.3.4', '192.0.2.10'), []);
});

test('gatewayChanges counts joins and leaves of one next hop', () => {
  const ev = parseFibEvents(CAPTURE, '192.0.2.10');
  assert.equal(gatewayChanges(ev, '10.99.2.2', false), 2, 'joins, then leaves');
  assert.equal(gatewayChanges(ev, '10.99.1.2', true), 1, 'leaves with the delete');
  assert.equal(gatewayChanges(ev, '10.211.2.2', false), 1);
  assert.equal(gatewayChanges([], '10.99.1.2', true), 0);
});
