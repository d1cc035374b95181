import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFsmState, step } from '../../../src/bgp/fsm/fsm.js';
import type { FsmConfig, FsmEvent, FsmEventKind, FsmState } from '../../../src/bgp/fsm/types.js';
import { CFG, EVERY_EVENT, LOCAL, PASSIVE, peerOpen, reach, TO_ESTABLISHED, TO_OPEN_CONFIRM, TO_OPEN_SENT } from './fixtures.js';

// Next state and NOTIFICATION sent ("code/subcode") for every state × event.
// Written from RFC 4271 8.2.2, RFC 6608 and RFC 9687, with floatd's choices
// described at the top of fsm.ts (stale timers ignored, restart through idle hold).
type Row = Readonly<Record<FsmEventKind, string>>;

const IDLE: Row = {
  ManualStart: 'Connect',
  ManualStop: 'Idle',
  AutomaticStart: 'Connect',
  ConnectRetryTimerExpires: 'Idle',
  HoldTimerExpires: 'Idle',
  KeepaliveTimerExpires: 'Idle',
  IdleHoldTimerExpires: 'Idle',
  SendHoldTimerExpires: 'Idle',
  TcpConnectionConfirmed: 'Idle',
  TcpCrAcked: 'Idle',
  TcpConnectionFails: 'Idle',
  BgpOpen: 'Idle',
  BgpHeaderErr: 'Idle',
  BgpOpenMsgErr: 'Idle',
  NotifMsgVerErr: 'Idle',
  NotifMsg: 'Idle',
  KeepAliveMsg: 'Idle',
  UpdateMsg: 'Idle',
  UpdateMsgErr: 'Idle',
  RouteRefreshMsg: 'Idle',
  OpenCollisionDump: 'Idle',
  ConnectionCollision: 'Idle',
  AdminReset: 'Connect',
  ReceiveLimitExceeded: 'Idle',
};

/** Idle after a failure, while the idle-hold timer runs. */
const IDLE_HOLDING: Row = { ...IDLE, AutomaticStart: 'Idle', IdleHoldTimerExpires: 'Connect' };

const CONNECT: Row = {
  ManualStart: 'Connect',
  ManualStop: 'Idle',
  AutomaticStart: 'Connect',
  ConnectRetryTimerExpires: 'Connect',
  HoldTimerExpires: 'Connect',
  KeepaliveTimerExpires: 'Connect',
  IdleHoldTimerExpires: 'Connect',
  SendHoldTimerExpires: 'Connect',
  TcpConnectionConfirmed: 'OpenSent',
  TcpCrAcked: 'OpenSent',
  TcpConnectionFails: 'Idle',
  BgpOpen: 'Idle',
  BgpHeaderErr: 'Idle',
  BgpOpenMsgErr: 'Idle',
  NotifMsgVerErr: 'Idle',
  NotifMsg: 'Idle',
  KeepAliveMsg: 'Idle',
  UpdateMsg: 'Idle',
  UpdateMsgErr: 'Idle',
  RouteRefreshMsg: 'Idle',
  OpenCollisionDump: 'Idle',
  ConnectionCollision: 'OpenSent',
  AdminReset: 'Idle',
  ReceiveLimitExceeded: 'Connect',
};

const ACTIVE_PASSIVE: Row = {
  ...CONNECT,
  ManualStart: 'Active',
  AutomaticStart: 'Active',
  ConnectRetryTimerExpires: 'Active',
  HoldTimerExpires: 'Active',
  KeepaliveTimerExpires: 'Active',
  IdleHoldTimerExpires: 'Active',
  SendHoldTimerExpires: 'Active',
  ReceiveLimitExceeded: 'Active',
};

/** Active for a session that dials: the connect retry timer sends it back to Connect. */
const ACTIVE_DIALLING: Row = { ...ACTIVE_PASSIVE, ConnectRetryTimerExpires: 'Connect' };

const OPEN_SENT: Row = {
  ManualStart: 'OpenSent',
  ManualStop: 'Idle 6/2',
  AutomaticStart: 'OpenSent',
  ConnectRetryTimerExpires: 'OpenSent',
  HoldTimerExpires: 'Idle 4/0',
  KeepaliveTimerExpires: 'OpenSent',
  IdleHoldTimerExpires: 'OpenSent',
  SendHoldTimerExpires: 'Idle 8/0',
  TcpConnectionConfirmed: 'OpenSent',
  TcpCrAcked: 'OpenSent',
  TcpConnectionFails: 'Active',
  BgpOpen: 'OpenConfirm',
  BgpHeaderErr: 'Idle 1/2',
  BgpOpenMsgErr: 'Idle 2/4',
  NotifMsgVerErr: 'Idle',
  NotifMsg: 'Idle',
  KeepAliveMsg: 'Idle 5/1',
  UpdateMsg: 'Idle 5/1',
  UpdateMsgErr: 'Idle 5/1',
  RouteRefreshMsg: 'Idle 5/1',
  OpenCollisionDump: 'Idle 6/7',
  ConnectionCollision: 'OpenSent 6/7',
  AdminReset: 'Idle 6/4',
  ReceiveLimitExceeded: 'OpenSent',
};

const OPEN_CONFIRM: Row = {
  ManualStart: 'OpenConfirm',
  ManualStop: 'Idle 6/2',
  AutomaticStart: 'OpenConfirm',
  ConnectRetryTimerExpires: 'OpenConfirm',
  HoldTimerExpires: 'Idle 4/0',
  KeepaliveTimerExpires: 'OpenConfirm',
  IdleHoldTimerExpires: 'OpenConfirm',
  SendHoldTimerExpires: 'Idle 8/0',
  TcpConnectionConfirmed: 'OpenConfirm',
  TcpCrAcked: 'OpenConfirm',
  TcpConnectionFails: 'Idle',
  BgpOpen: 'Idle 5/2',
  BgpHeaderErr: 'Idle 1/2',
  BgpOpenMsgErr: 'Idle 5/2',
  NotifMsgVerErr: 'Idle',
  NotifMsg: 'Idle',
  KeepAliveMsg: 'Established',
  UpdateMsg: 'Idle 5/2',
  UpdateMsgErr: 'Idle 5/2',
  RouteRefreshMsg: 'Idle 5/2',
  OpenCollisionDump: 'Idle 6/7',
  ConnectionCollision: 'OpenSent 6/7',
  AdminReset: 'Idle 6/4',
  ReceiveLimitExceeded: 'OpenConfirm',
};

const ESTABLISHED: Row = {
  ManualStart: 'Established',
  ManualStop: 'Idle 6/2',
  AutomaticStart: 'Established',
  ConnectRetryTimerExpires: 'Established',
  HoldTimerExpires: 'Idle 4/0',
  KeepaliveTimerExpires: 'Established',
  IdleHoldTimerExpires: 'Established',
  SendHoldTimerExpires: 'Idle 8/0',
  TcpConnectionConfirmed: 'Established',
  TcpCrAcked: 'Established',
  TcpConnectionFails: 'Idle',
  BgpOpen: 'Idle 5/3',
  BgpHeaderErr: 'Idle 1/2',
  BgpOpenMsgErr: 'Idle 5/3',
  NotifMsgVerErr: 'Idle',
  NotifMsg: 'Idle',
  KeepAliveMsg: 'Established',
  UpdateMsg: 'Established',
  UpdateMsgErr: 'Idle 3/11',
  RouteRefreshMsg: 'Established',
  OpenCollisionDump: 'Idle 6/7',
  ConnectionCollision: 'Established',
  AdminReset: 'Idle 6/4',
  ReceiveLimitExceeded: 'Idle 6/1',
};

/** Hold time 0: neither hold nor keepalive timer runs, so their expiries are stale. */
const NO_HOLD: FsmConfig = { ...CFG, local: { ...LOCAL, holdTime: 0 } };

const CASES: readonly { name: string; from: FsmState; cfg: FsmConfig; row: Row }[] = [
  { name: 'Idle', from: initialFsmState, cfg: CFG, row: IDLE },
  { name: 'Idle (idle hold running)', from: reach([{ kind: 'ManualStart' }, { kind: 'TcpConnectionFails' }]), cfg: CFG, row: IDLE_HOLDING },
  { name: 'Connect', from: reach([{ kind: 'ManualStart' }]), cfg: CFG, row: CONNECT },
  { name: 'Active (passive)', from: reach([{ kind: 'ManualStart' }], PASSIVE), cfg: PASSIVE, row: ACTIVE_PASSIVE },
  { name: 'Active (dialling)', from: reach([...TO_OPEN_SENT, { kind: 'TcpConnectionFails' }]), cfg: CFG, row: ACTIVE_DIALLING },
  { name: 'OpenSent', from: reach(TO_OPEN_SENT), cfg: CFG, row: OPEN_SENT },
  { name: 'OpenConfirm', from: reach(TO_OPEN_CONFIRM), cfg: CFG, row: OPEN_CONFIRM },
  { name: 'Established', from: reach(TO_ESTABLISHED), cfg: CFG, row: ESTABLISHED },
  {
    name: 'OpenConfirm (hold time 0)',
    from: reach(TO_OPEN_CONFIRM, NO_HOLD),
    cfg: NO_HOLD,
    row: { ...OPEN_CONFIRM, HoldTimerExpires: 'OpenConfirm' },
  },
  {
    name: 'Established (hold time 0)',
    from: reach(TO_ESTABLISHED, NO_HOLD),
    cfg: NO_HOLD,
    row: { ...ESTABLISHED, HoldTimerExpires: 'Established' },
  },
];

function outcome(from: FsmState, e: FsmEvent, cfg: FsmConfig): string {
  const t = step(from, e, cfg);
  const sent = t.actions.find((a) => a.kind === 'send-notification');
  return sent === undefined ? t.state.name : `${t.state.name} ${sent.code}/${sent.subcode}`;
}

test('the table covers every event kind', () => {
  assert.deepEqual(Object.keys(IDLE).sort(), EVERY_EVENT.map((e) => e.kind).sort());
});

for (const c of CASES) {
  test(`${c.name}: next state and NOTIFICATION for every event`, () => {
    assert.equal(c.from.name, c.name.split(' ')[0]);
    const got: Record<string, string> = {};
    for (const e of EVERY_EVENT) got[e.kind] = outcome(c.from, e, c.cfg);
    assert.deepEqual(got, c.row);
  });

  test(`${c.name}: every transition is well formed`, () => {
    for (const e of EVERY_EVENT) {
      const before = structuredClone(c.from);
      const t = step(c.from, e, c.cfg);
      const where = `${c.name} + ${e.kind}`;
      assert.deepEqual(c.from, before, `${where}: the input state was changed`);
      assert.ok(t.reason.length > 0, `${where}: no reason`);
      const kinds = t.actions.map((a) => a.kind);
      for (const a of t.actions) {
        if (a.kind === 'start-timer') assert.ok(Number.isFinite(a.ms) && a.ms > 0, `${where}: timer ${a.timer} ${a.ms} ms`);
      }
      // A NOTIFICATION goes out before the connection closes, and never answers one (RFC 4271 6.4).
      const notifyAt = kinds.indexOf('send-notification');
      if (notifyAt >= 0) {
        assert.ok(kinds.indexOf('close') > notifyAt, `${where}: NOTIFICATION without a close after it`);
        assert.ok(['OpenSent', 'OpenConfirm', 'Established'].includes(c.from.name), `${where}: NOTIFICATION before our OPEN`);
      }
      if (e.kind === 'NotifMsg' || e.kind === 'NotifMsgVerErr') assert.equal(notifyAt, -1, `${where}: answered a NOTIFICATION`);
      // 'down' exactly when a non-Idle session falls back to Idle or Active, or gives up its BGP connection for the peer's new one.
      const fellBack = c.from.name !== 'Idle' && (t.state.name === 'Idle' || (t.state.name === 'Active' && c.from.name !== 'Active'));
      const switched = kinds.includes('adopt-incoming') && ['OpenSent', 'OpenConfirm', 'Established'].includes(c.from.name);
      assert.equal(kinds.includes('down'), fellBack || switched, `${where}: down action`);
      // The peer's new connection of a collision is always either refused or taken, never left hanging.
      if (e.kind === 'ConnectionCollision') assert.equal(kinds.filter((k) => k === 'refuse-incoming' || k === 'adopt-incoming').length, 1, where);
      else assert.ok(!kinds.includes('refuse-incoming') && !kinds.includes('adopt-incoming'), where);
      // Negotiated results exist exactly in OpenConfirm and Established.
      assert.equal(t.state.negotiated !== undefined, t.state.name === 'OpenConfirm' || t.state.name === 'Established', where);
      // Idle restarts by itself only through a running idle-hold timer.
      if (t.state.name === 'Idle' && t.state.idleHoldPending && !c.from.idleHoldPending) {
        assert.ok(kinds.includes('start-timer') && t.actions.some((a) => a.kind === 'start-timer' && a.timer === 'idle-hold'), where);
      }
    }
  });
}

test('the OPEN check runs only in OpenSent', () => {
  let calls = 0;
  const counting: FsmConfig = {
    ...CFG,
    checkOpen: () => {
      calls++;
      return { ok: false, notification: { code: 2, subcode: 2, data: new Uint8Array(0) }, reason: 'test' };
    },
  };
  for (const c of CASES) step(c.from, { kind: 'BgpOpen', open: peerOpen() }, counting);
  assert.equal(calls, 1);
});
