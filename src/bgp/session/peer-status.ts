// What a neighbor looks like from outside (control socket, `floatd status`,
// metrics): a plain value built on request from the session's parts.

import { proposedHoldTime, type FsmStateName, type HoldLadder, type Negotiated } from '../fsm/index.js';
import type { ImportMode } from '../rib/adj-rib-in.js';

export interface PeerStatus {
  readonly address: string;
  readonly peerAs: number;
  readonly state: FsmStateName;
  readonly direction?: 'inbound' | 'outbound';
  readonly uptimeSeconds?: number;
  /** Seconds: what our OPEN proposes now (the ladder's current candidate). */
  readonly holdTimeProposed: number;
  /** Seconds, while Established: what the peer's OPEN proposed. */
  readonly peerHoldTime?: number;
  /** Negotiated, while Established: the smaller of the two (RFC 4271 4.2). */
  readonly holdTime?: number;
  /** With several hold-time candidates: all of them and which one is proposed (1-based). */
  readonly holdLadder?: { readonly candidates: readonly number[]; readonly step: number; readonly exhausted: boolean };
  readonly keepaliveTime?: number;
  readonly peerRouterId?: string;
  readonly capabilities?: Record<string, unknown>;
  readonly messages: { readonly in: number; readonly out: number };
  readonly updates: { readonly in: number; readonly out: number };
  /** ROUTE-REFRESH messages received since the session came up. */
  readonly routeRefreshesIn: number;
  readonly prefixes: {
    /** import all: prefixes held now; import none: announcements counted since the session came up. */
    readonly received: number;
    readonly withdrawnReceived: number;
    /** import all: announcements not stored because our AS is in their AS_PATH (RFC 4271 9.1.2). */
    readonly looped: number;
    readonly announced: number;
  };
  readonly importMode: ImportMode;
  readonly establishedTransitions: number;
  readonly lastError?: string;
  /** Times a receive limit (max-prefix, attribute-bytes) was hit: each teardown, each crossing in warn mode. */
  readonly receiveLimitEvents: number;
  /** Idle after a receive-limit teardown: why, and in how many seconds the session starts again. */
  readonly held?: { readonly reason: string; readonly restartInSeconds: number };
}

export interface PeerStatusParts extends Omit<PeerStatus, 'direction' | 'uptimeSeconds' | 'holdTimeProposed' | 'peerHoldTime' | 'holdLadder' | 'holdTime' | 'keepaliveTime' | 'peerRouterId' | 'capabilities' | 'lastError' | 'held'> {
  /** While a connection is up. */
  readonly direction: 'inbound' | 'outbound' | undefined;
  /** While Established. */
  readonly negotiated: Negotiated | undefined;
  readonly uptimeMs: number;
  readonly lastError: string | undefined;
  readonly ladder: HoldLadder;
  readonly held: PeerStatus['held'] | undefined;
}

export function peerStatus(p: PeerStatusParts): PeerStatus {
  const n = p.negotiated;
  return {
    address: p.address,
    peerAs: p.peerAs,
    state: p.state,
    ...(p.direction ? { direction: p.direction } : {}),
    holdTimeProposed: proposedHoldTime(p.ladder),
    ...(p.ladder.candidates.length > 1
      ? { holdLadder: { candidates: p.ladder.candidates, step: p.ladder.step + 1, exhausted: p.ladder.exhausted } }
      : {}),
    ...(n
      ? {
          uptimeSeconds: Math.floor(p.uptimeMs / 1000),
          peerHoldTime: n.peerHoldTime,
          holdTime: n.holdTime,
          keepaliveTime: n.keepaliveTime,
          peerRouterId: n.peerRouterId,
          capabilities: {
            families: n.families,
            fourOctetAs: n.fourOctetAs,
            routeRefresh: n.routeRefresh,
            enhancedRouteRefresh: n.enhancedRouteRefresh,
            extendedMessage: n.extendedMessage,
            extendedNextHopIpv4: n.extendedNextHopIpv4,
            addPath: n.addPath,
            gracefulRestart: n.peerGracefulRestart ?? null,
            hostname: n.peerHostname ?? null,
          },
        }
      : {}),
    messages: p.messages,
    updates: p.updates,
    routeRefreshesIn: p.routeRefreshesIn,
    prefixes: p.prefixes,
    importMode: p.importMode,
    establishedTransitions: p.establishedTransitions,
    ...(p.lastError ? { lastError: p.lastError } : {}),
    receiveLimitEvents: p.receiveLimitEvents,
    ...(p.held ? { held: p.held } : {}),
  };
}
