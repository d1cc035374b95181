import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNotification } from '../../../src/bgp/codec/notification.js';
import { initialFsmState, notificationEvent, step } from '../../../src/bgp/fsm/fsm.js';
import { buildLocalOpen } from '../../../src/bgp/fsm/local-open.js';
import type { FsmAction, FsmConfig, FsmEvent } from '../../../src/bgp/fsm/types.js';
import {
  brief,
  CFG,
  last,
  LOCAL,
  notification,
  PASSIVE,
  peerOpen,
  reach,
  run,
  TO_ESTABLISHED,
  TO_OPEN_CONFIRM,
  TO_OPEN_SENT,
  HEADER_ERROR,
  UPDATE_ERROR,
} from './fixtures.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const find = <K extends FsmAction['kind']>(actions: readonly FsmAction[], kind: K): Extract<FsmAction, { kind: K }> => {
  const a = actions.find((x): x is Extract<FsmAction, { kind: K }> => x.kind === kind);
  assert.ok(a !== undefined, `no ${kind} action in ${JSON.stringify(brief(actions))}`);
  return a;
};

test('active happy path: Idle, Connect, OpenSent, OpenConfirm, Established', () => {
  const [start, up, open, ka] = run(TO_ESTABLISHED);
  assert.ok(start && up && open && ka);

  assert.equal(start.state.name, 'Connect');
  assert.deepEqual(brief(start.actions), ['connect', 'start connect-retry 5000']);

  assert.equal(up.state.name, 'OpenSent');
  // RFC 4271 8.2.2: a large hold timer while waiting for the OPEN; RFC 9687: 8 minutes of send hold.
  assert.deepEqual(brief(up.actions), ['stop connect-retry', 'send-open', 'start hold 240000', 'start send-hold 480000']);
  assert.deepEqual(find(up.actions, 'send-open').open, buildLocalOpen(LOCAL));

  assert.equal(open.state.name, 'OpenConfirm');
  // Hold time min(90, 180) = 90 s, keepalive a third of it.
  assert.deepEqual(brief(open.actions), ['send-keepalive', 'start hold 90000', 'start keepalive 30000', 'start send-hold 480000']);
  assert.equal(open.state.negotiated?.holdTime, 90);

  assert.equal(ka.state.name, 'Established');
  assert.deepEqual(brief(ka.actions), ['start hold 90000', 'established']);
  const est = find(ka.actions, 'established');
  assert.equal(est.negotiated.peerAs, 65002);
  assert.equal(est.negotiated.peerRouterId, '198.51.100.2');
  assert.match(ka.reason, /established/);
});

test('passive happy path waits in Active and never dials', () => {
  const ts = run(
    [
      { kind: 'ManualStart' },
      { kind: 'ConnectRetryTimerExpires' },
      { kind: 'TcpConnectionConfirmed' },
      { kind: 'BgpOpen', open: peerOpen() },
      { kind: 'KeepAliveMsg' },
    ],
    PASSIVE,
  );
  assert.deepEqual(
    ts.map((t) => t.state.name),
    ['Active', 'Active', 'OpenSent', 'OpenConfirm', 'Established'],
  );
  assert.deepEqual(brief(ts[0]!.actions), ['start connect-retry 5000']);
  assert.deepEqual(brief(ts[1]!.actions), ['start connect-retry 5000']);
  assert.equal(ts[1]!.state.connectRetryCounter, 0);
  assert.ok(ts.every((t) => !t.actions.some((a) => a.kind === 'connect')));
});

test('Established: messages restart the hold timer, the keepalive timer sends a KEEPALIVE', () => {
  const s = reach(TO_ESTABLISHED);
  for (const kind of ['KeepAliveMsg', 'UpdateMsg', 'RouteRefreshMsg'] as const) {
    const t = step(s, { kind }, CFG);
    assert.equal(t.state, s);
    assert.deepEqual(brief(t.actions), ['start hold 90000']);
  }
  const t = step(s, { kind: 'KeepaliveTimerExpires' }, CFG);
  assert.deepEqual(brief(t.actions), ['send-keepalive', 'start keepalive 30000']);
});

test('hold timer expiry in Established: Hold Timer Expired, close, down, restart after idle hold', () => {
  const t = step(reach(TO_ESTABLISHED), { kind: 'HoldTimerExpires' }, CFG);
  assert.equal(t.state.name, 'Idle');
  assert.deepEqual(brief(t.actions), [
    'notify 4/0',
    'stop hold',
    'stop keepalive',
    'stop send-hold',
    'close',
    'down established',
    'start idle-hold 1000',
  ]);
  const down = find(t.actions, 'down');
  assert.deepEqual(down.notificationSent, { code: 4, subcode: 0 });
  assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), '0400');
  const again = step(t.state, { kind: 'IdleHoldTimerExpires' }, CFG);
  assert.equal(again.state.name, 'Connect');
  assert.deepEqual(brief(again.actions), ['connect', 'start connect-retry 10000']);
});

test('hold time 0: no hold or keepalive timer, and the large hold timer is stopped', () => {
  const cfg: FsmConfig = { ...CFG, local: { ...LOCAL, holdTime: 0 } };
  const [, up, open, ka] = run(TO_ESTABLISHED, cfg);
  // Our OPEN offers 0: the send hold falls back to its 8-minute floor.
  assert.deepEqual(brief(up!.actions), ['stop connect-retry', 'send-open', 'start hold 240000', 'start send-hold 480000']);
  assert.deepEqual(brief(open!.actions), ['send-keepalive', 'stop hold', 'start send-hold 480000']);
  assert.deepEqual(brief(ka!.actions), ['established']);
  assert.deepEqual(brief(step(ka!.state, { kind: 'UpdateMsg' }, cfg).actions), []);
});

test('send hold time: 2 × hold time above 8 minutes, or as configured', () => {
  const long: FsmConfig = { ...CFG, local: { ...LOCAL, holdTime: 300 } };
  const ts = run(TO_OPEN_CONFIRM, long, initialFsmState);
  assert.ok(brief(ts[1]!.actions).includes('start send-hold 600000'));
  // Negotiated min(300, 180) = 180 s: 2 × 180 s is below 8 minutes.
  assert.ok(brief(ts[2]!.actions).includes('start send-hold 480000'));
  const fixed = run(TO_OPEN_CONFIRM, { ...CFG, sendHoldMs: 30000 });
  assert.ok(brief(fixed[1]!.actions).includes('start send-hold 30000'));
  assert.ok(brief(fixed[2]!.actions).includes('start send-hold 30000'));
});

test('SendHoldTimerExpires in Established: NOTIFICATION code 8 (RFC 9687), close, down', () => {
  const t = step(reach(TO_ESTABLISHED), { kind: 'SendHoldTimerExpires' }, CFG);
  assert.equal(t.state.name, 'Idle');
  assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), '0800');
  assert.ok(brief(t.actions).includes('close'));
});

test('ManualStop in Established sends Cease/Administrative Shutdown with the RFC 9003 text, and does not restart', () => {
  const t = step(reach(TO_ESTABLISHED), { kind: 'ManualStop', message: 'maintenance' }, CFG);
  assert.equal(t.state.name, 'Idle');
  assert.equal(t.state.idleHoldPending, false);
  assert.deepEqual(brief(t.actions), ['notify 6/2', 'stop hold', 'stop keepalive', 'stop send-hold', 'close', 'down established']);
  const n = find(t.actions, 'send-notification');
  assert.equal(n.shutdownMessage, 'maintenance');
  // code 6, subcode 2, length 11, "maintenance"
  assert.equal(toHex(encodeNotification(n)), '0602' + '0b' + '6d61696e74656e616e6365');
  assert.match(t.reason, /maintenance/);
  // Nothing brings it back but a start.
  for (const e of [{ kind: 'IdleHoldTimerExpires' }, { kind: 'ConnectRetryTimerExpires' }] as FsmEvent[]) {
    assert.equal(step(t.state, e, CFG).state.name, 'Idle');
  }
});

test('ManualStop without a message: Cease/2 with no data', () => {
  const t = step(reach(TO_OPEN_SENT), { kind: 'ManualStop' }, CFG);
  assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), '0602');
});

test('ManualStop before our OPEN sends no NOTIFICATION; in Idle it cancels the pending restart', () => {
  const t = step(reach([{ kind: 'ManualStart' }]), { kind: 'ManualStop', message: 'bye' }, CFG);
  assert.deepEqual(brief(t.actions), ['stop connect-retry', 'close', 'down']);
  const failed = reach([{ kind: 'ManualStart' }, { kind: 'TcpConnectionFails' }]);
  assert.equal(failed.idleHoldPending, true);
  const stopped = step(failed, { kind: 'ManualStop' }, CFG);
  assert.deepEqual(brief(stopped.actions), ['stop idle-hold']);
  assert.deepEqual(stopped.state, initialFsmState);
});

test('AdminReset in Established: Cease/Administrative Reset with text, then a fresh start after the base idle hold', () => {
  const failing = reach([{ kind: 'ManualStart' }, { kind: 'TcpConnectionFails' }, { kind: 'IdleHoldTimerExpires' }, ...TO_ESTABLISHED.slice(1)]);
  const t = step(failing, { kind: 'AdminReset', message: 'config change' }, CFG);
  assert.equal(t.state.name, 'Idle');
  const n = find(t.actions, 'send-notification');
  assert.equal(toHex(encodeNotification(n)), '0604' + '0d' + Buffer.from('config change').toString('hex'));
  assert.deepEqual(brief(t.actions).slice(-2), ['down established', 'start idle-hold 1000']);
  const again = step(t.state, { kind: 'IdleHoldTimerExpires' }, CFG);
  assert.deepEqual(brief(again.actions), ['connect', 'start connect-retry 5000']);
});

test('AdminReset in Idle starts at once with the back-off cleared', () => {
  const failed = reach([{ kind: 'ManualStart' }, { kind: 'TcpConnectionFails' }, { kind: 'IdleHoldTimerExpires' }, { kind: 'TcpConnectionFails' }]);
  assert.equal(failed.consecutiveFailures, 2);
  const t = step(failed, { kind: 'AdminReset' }, CFG);
  assert.equal(t.state.name, 'Connect');
  assert.deepEqual(brief(t.actions), ['stop idle-hold', 'connect', 'start connect-retry 5000']);
  assert.equal(t.state.consecutiveFailures, 0);
});

test('a refused OPEN: the check\'s NOTIFICATION, close, Idle with back-off', () => {
  const t = step(reach(TO_OPEN_SENT), { kind: 'BgpOpen', open: peerOpen({ myAs: 65009, capabilities: [] }) }, CFG);
  assert.equal(t.state.name, 'Idle');
  // OPEN Message Error / Bad Peer AS, data: the 2-octet My AS field.
  assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), '0202' + 'fdf1');
  assert.deepEqual(brief(t.actions).slice(-3), ['close', 'down', 'start idle-hold 1000']);
  assert.match(t.reason, /65009/);
});

test('a custom OPEN check replaces the built-in one', () => {
  const cfg: FsmConfig = {
    ...CFG,
    checkOpen: () => ({ ok: false, notification: { code: 2, subcode: 11, data: new Uint8Array(0) }, reason: 'role mismatch' }),
  };
  const t = step(reach(TO_OPEN_SENT, cfg), { kind: 'BgpOpen', open: peerOpen() }, cfg);
  assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), '020b');
  assert.match(t.reason, /role mismatch/);
});

test('decode errors go out with their own code, subcode and data', () => {
  const sent = step(reach(TO_OPEN_SENT), { kind: 'BgpHeaderErr', error: HEADER_ERROR }, CFG);
  assert.equal(toHex(encodeNotification(find(sent.actions, 'send-notification'))), '0102' + '0012');
  const est = step(reach(TO_ESTABLISHED), { kind: 'UpdateMsgErr', error: UPDATE_ERROR }, CFG);
  assert.equal(toHex(encodeNotification(find(est.actions, 'send-notification'))), '030b');
  assert.equal(find(est.actions, 'down').wasEstablished, true);
});

test('unexpected messages: FSM Error with the RFC 6608 subcode of the state', () => {
  const cases = [
    [TO_OPEN_SENT, { kind: 'UpdateMsg' }, '0501'],
    [TO_OPEN_CONFIRM, { kind: 'RouteRefreshMsg' }, '0502'],
    [TO_ESTABLISHED, { kind: 'BgpOpen', open: peerOpen() }, '0503'],
  ] as const;
  for (const [path, e, hex] of cases) {
    const t = step(reach(path), e, CFG);
    assert.equal(t.state.name, 'Idle');
    assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), hex);
  }
});

test('a NOTIFICATION from the peer closes without answering, and is reported in down', () => {
  const n = notification(6, 2, Uint8Array.of(3, 0x62, 0x79, 0x65));
  const t = step(reach(TO_ESTABLISHED), { kind: 'NotifMsg', notification: n }, CFG);
  assert.equal(t.state.name, 'Idle');
  assert.deepEqual(brief(t.actions), ['stop hold', 'stop keepalive', 'stop send-hold', 'close', 'down established', 'start idle-hold 1000']);
  const down = find(t.actions, 'down');
  assert.equal(down.notificationReceived, n);
  assert.equal(down.notificationSent, undefined);
  assert.match(t.reason, /Cease\/Administrative Shutdown/);
});

test('notificationEvent tells a version error from the rest', () => {
  assert.equal(notificationEvent(notification(2, 1, Uint8Array.of(0, 4))).kind, 'NotifMsgVerErr');
  assert.equal(notificationEvent(notification(2, 2)).kind, 'NotifMsg');
  assert.equal(notificationEvent(notification(6, 1)).kind, 'NotifMsg');
});

test('OpenCollisionDump: Cease/Connection Collision Resolution, close', () => {
  const t = step(reach(TO_OPEN_CONFIRM), { kind: 'OpenCollisionDump' }, CFG);
  assert.equal(toHex(encodeNotification(find(t.actions, 'send-notification'))), '0607');
  assert.ok(brief(t.actions).includes('close'));
});

test('TCP lost in OpenSent: back to Active with the connect retry timer (RFC 4271 8.2.2), then dial again', () => {
  const t = step(reach(TO_OPEN_SENT), { kind: 'TcpConnectionFails' }, CFG);
  assert.equal(t.state.name, 'Active');
  assert.deepEqual(brief(t.actions), ['stop hold', 'stop send-hold', 'close', 'down', 'start connect-retry 10000']);
  const redial = step(t.state, { kind: 'ConnectRetryTimerExpires' }, CFG);
  assert.equal(redial.state.name, 'Connect');
  assert.deepEqual(brief(redial.actions), ['connect', 'start connect-retry 20000']);
});

test('a connection arriving in Idle is refused', () => {
  const t = step(initialFsmState, { kind: 'TcpConnectionConfirmed' }, CFG);
  assert.equal(t.state, initialFsmState);
  assert.deepEqual(brief(t.actions), ['close']);
});

test('AutomaticStart is held back while the idle hold timer runs (damping)', () => {
  const failed = reach([{ kind: 'ManualStart' }, { kind: 'TcpConnectionFails' }]);
  const t = step(failed, { kind: 'AutomaticStart' }, CFG);
  assert.equal(t.state, failed);
  assert.deepEqual(t.actions, []);
  assert.equal(step(initialFsmState, { kind: 'AutomaticStart' }, CFG).state.name, 'Connect');
});
