// The status page's data, as GET /status.json serves it and the page
// renders it: the daemon's views read once, clock times turned into ages
// (seconds) so that a reader needs no access to floatd's monotonic clock.
// Pure: the caller passes the views and the moment.

import type { ExtraSection, PeerView, ProbeView, Scalar, ServiceView, StatusViews } from './views.js';

/** Events shown, newest first. */
export const EVENTS_SHOWN = 20;

/** A probe result as shown: its clock time turned into an age. */
export type ProbeRow = Omit<ProbeView, 'atMs'> & { readonly agoSeconds: number };

/** A service as shown: the view's fields, with clock times turned into ages. */
export type ServiceRow = Pick<ServiceView, 'name' | 'state' | 'serving' | 'disabledBy' | 'prefixes' | 'announced' | 'demoted'> & {
  /** Why the service is in its state: the reason of the transition into it. */
  readonly reason: string;
  readonly sinceSeconds: number;
  readonly role: string | null;
  readonly draining: boolean;
  readonly held: readonly { readonly prefix: string; readonly forSeconds: number }[];
  /** Oldest first. */
  readonly lastProbes: readonly ProbeRow[];
};

export interface PeerRow {
  readonly address: string;
  readonly description: string | null;
  readonly peerAs: number;
  readonly state: string;
  readonly established: boolean;
  readonly uptimeSeconds: number | null;
  readonly holdTime: number | null;
  readonly keepaliveTime: number | null;
  readonly peerRouterId: string | null;
  readonly hostname: string | null;
  readonly prefixesReceived: number;
  readonly prefixesAnnounced: number;
  readonly establishedTransitions: number;
  readonly lastError: string | null;
  readonly bfd?: Readonly<Record<string, Scalar>>;
}

export interface EventRow {
  readonly at: string;
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly kind: string;
}

export interface StatusDocument {
  /** Wall-clock time, ISO 8601. */
  readonly generatedAt: string;
  readonly version: string;
  /** Absent in a config without BGP (vrrp or dns only). */
  readonly routerId?: string | undefined;
  readonly localAs?: number | undefined;
  readonly services: readonly ServiceRow[];
  readonly peers: readonly PeerRow[];
  readonly sections: readonly ExtraSection[];
  /** Newest first. */
  readonly events: readonly EventRow[];
  /** Whether POST /actions/... is enabled. */
  readonly actions: boolean;
}

/** Milliseconds to whole-millisecond seconds, never negative. */
const seconds = (ms: number): number => (Number.isFinite(ms) ? Math.round(Math.max(0, ms)) / 1000 : 0);

function reasonOf(s: ServiceView): string {
  const last = s.transitions[s.transitions.length - 1];
  if (last && last.at >= s.since) return last.reason;
  return s.state === 'INIT' ? 'waiting for the first check' : '';
}

export function serviceRow(s: ServiceView, now: number): ServiceRow {
  return {
    name: s.name,
    state: s.state,
    serving: s.serving,
    reason: reasonOf(s),
    sinceSeconds: seconds(now - s.since),
    role: s.role ?? null,
    demoted: s.demoted,
    draining: s.draining !== null,
    disabledBy: [...s.disabledBy],
    prefixes: [...s.prefixes],
    announced: [...s.announced],
    held: s.held.map((h) => ({ prefix: h.prefix, forSeconds: seconds(h.until - now) })),
    lastProbes: s.lastProbes.map((p) => ({ ok: p.ok, durationMs: p.durationMs, timedOut: p.timedOut, detail: p.detail, agoSeconds: seconds(now - p.atMs) })),
  };
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function peerRow(p: PeerView): PeerRow {
  const established = p.state === 'Established';
  return {
    address: p.address,
    description: textOrNull(p.description),
    peerAs: p.peerAs,
    state: p.state,
    established,
    uptimeSeconds: established ? (p.uptimeSeconds ?? 0) : null,
    holdTime: p.holdTime ?? null,
    keepaliveTime: p.keepaliveTime ?? null,
    peerRouterId: textOrNull(p.peerRouterId),
    hostname: textOrNull(p.capabilities?.['hostname']),
    prefixesReceived: p.prefixesReceived,
    prefixesAnnounced: p.prefixesAnnounced,
    establishedTransitions: p.establishedTransitions,
    lastError: textOrNull(p.lastError),
    ...(p.bfd ? { bfd: { ...p.bfd } } : {}),
  };
}

/** Reads every view once; `wallNow` is Unix ms for `generatedAt`. */
export function statusDocument(views: StatusViews, wallNow: number, actions: boolean): StatusDocument {
  const now = views.clock.now();
  const speaker = views.speaker();
  return {
    generatedAt: new Date(wallNow).toISOString(),
    version: views.version,
    routerId: speaker.routerId,
    localAs: speaker.localAs,
    services: views.services().map((s) => serviceRow(s, now)),
    peers: speaker.peers.map(peerRow),
    sections: (views.sections?.() ?? []).filter((s) => s.rows.length > 0),
    events: views
      .events(EVENTS_SHOWN)
      .slice()
      .reverse()
      .map((e) => ({ at: e.at, service: e.service, from: e.from, to: e.to, reason: e.reason, kind: e.kind })),
    actions,
  };
}
