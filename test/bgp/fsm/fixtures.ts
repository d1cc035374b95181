// Shared values for the FSM tests: a local speaker, a peer, and a way to walk the FSM.

import type { Capability } from '../../../src/bgp/codec/capabilities.js';
import { decodeError } from '../../../src/bgp/codec/errors.js';
import type { NotificationMessage } from '../../../src/bgp/codec/notification.js';
import type { OpenMessage } from '../../../src/bgp/codec/open.js';
import { initialFsmState, step } from '../../../src/bgp/fsm/fsm.js';
import type { LocalSpeaker } from '../../../src/bgp/fsm/local-open.js';
import type { PeerExpectations } from '../../../src/bgp/fsm/negotiate.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState, Transition } from '../../../src/bgp/fsm/types.js';

export const LOCAL: LocalSpeaker = {
  localAs: 65001,
  routerId: '192.0.2.1',
  holdTime: 90,
  families: ['ipv4', 'ipv6'],
  extendedNextHopIpv4: true,
  extendedMessage: true,
};

export const PEER: PeerExpectations = { peerAs: 65002 };

export const CFG: FsmConfig = {
  passive: false,
  connectRetryMs: 5000,
  connectRetryMaxMs: 120000,
  idleHoldMs: 1000,
  idleHoldMaxMs: 60000,
  largeHoldMs: 240000,
  local: LOCAL,
  peer: PEER,
};

export const PASSIVE: FsmConfig = { ...CFG, passive: true };

export const PEER_CAPS: Capability[] = [
  { kind: 'multiprotocol', afi: 1, safi: 1 },
  { kind: 'multiprotocol', afi: 2, safi: 1 },
  { kind: 'route-refresh' },
  { kind: 'four-octet-as', asn: 65002 },
];

/** The peer's OPEN: AS 65002, hold time 180, 198.51.100.2, IPv4 and IPv6. */
export function peerOpen(over: Partial<OpenMessage> = {}): OpenMessage {
  return { type: 'open', version: 4, myAs: 65002, holdTime: 180, bgpId: '198.51.100.2', capabilities: PEER_CAPS, otherParameters: [], ...over };
}

export const notification = (code: number, subcode: number, data = new Uint8Array(0)): NotificationMessage => ({
  type: 'notification',
  code,
  subcode,
  data,
});

export const HEADER_ERROR = decodeError(1, 2, 'bad message length', Uint8Array.of(0x00, 0x12));
export const OPEN_ERROR = decodeError(2, 4, 'unsupported optional parameter');
export const UPDATE_ERROR = decodeError(3, 11, 'malformed AS_PATH');

/** One event of every kind. */
export const EVERY_EVENT: readonly FsmEvent[] = [
  { kind: 'ManualStart' },
  { kind: 'ManualStop' },
  { kind: 'AutomaticStart' },
  { kind: 'ConnectRetryTimerExpires' },
  { kind: 'HoldTimerExpires' },
  { kind: 'KeepaliveTimerExpires' },
  { kind: 'IdleHoldTimerExpires' },
  { kind: 'SendHoldTimerExpires' },
  { kind: 'TcpConnectionConfirmed' },
  { kind: 'TcpCrAcked' },
  { kind: 'TcpConnectionFails' },
  { kind: 'BgpOpen', open: peerOpen() },
  { kind: 'BgpHeaderErr', error: HEADER_ERROR },
  { kind: 'BgpOpenMsgErr', error: OPEN_ERROR },
  { kind: 'NotifMsgVerErr', notification: notification(2, 1, Uint8Array.of(0, 4)) },
  { kind: 'NotifMsg', notification: notification(6, 2) },
  { kind: 'KeepAliveMsg' },
  { kind: 'UpdateMsg' },
  { kind: 'UpdateMsgErr', error: UPDATE_ERROR },
  { kind: 'RouteRefreshMsg' },
  { kind: 'OpenCollisionDump' },
  { kind: 'ConnectionCollision', keep: 'incoming', peerRouterId: '198.51.100.2' },
  { kind: 'AdminReset' },
  { kind: 'ReceiveLimitExceeded', notification: { code: 6, subcode: 1, data: Uint8Array.of(0, 1, 1, 0, 0, 0, 10) }, why: 'max-prefix 10 exceeded' },
];

/** Feeds events in order; returns every transition. */
export function run(events: readonly FsmEvent[], cfg: FsmConfig = CFG, from: FsmState = initialFsmState): Transition[] {
  const out: Transition[] = [];
  let s = from;
  for (const e of events) {
    const t = step(s, e, cfg);
    out.push(t);
    s = t.state;
  }
  return out;
}

export const last = (ts: readonly Transition[]): Transition => {
  const t = ts[ts.length - 1];
  if (t === undefined) throw new Error('no transitions');
  return t;
};

/** The state after the events. */
export const reach = (events: readonly FsmEvent[], cfg: FsmConfig = CFG, from: FsmState = initialFsmState): FsmState =>
  events.length === 0 ? from : last(run(events, cfg, from)).state;

export const TO_OPEN_SENT: readonly FsmEvent[] = [{ kind: 'ManualStart' }, { kind: 'TcpCrAcked' }];
export const TO_OPEN_CONFIRM: readonly FsmEvent[] = [...TO_OPEN_SENT, { kind: 'BgpOpen', open: peerOpen() }];
export const TO_ESTABLISHED: readonly FsmEvent[] = [...TO_OPEN_CONFIRM, { kind: 'KeepAliveMsg' }];

/** Actions as short text, for readable assertions. */
export function brief(actions: readonly FsmAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'start-timer':
        return `start ${a.timer} ${a.ms}`;
      case 'stop-timer':
        return `stop ${a.timer}`;
      case 'send-notification':
        return `notify ${a.code}/${a.subcode}`;
      case 'down':
        return a.wasEstablished ? 'down established' : 'down';
      default:
        return a.kind;
    }
  });
}
