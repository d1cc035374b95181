// The JSON the control socket returns, as the formatters read it. Field names
// come from the daemon's own status types; fields added later are optional
// here so an older daemon's answer still prints.

import type { PathAttributes } from '../bgp/codec/types.js';
import type { ServiceRoutesServiceStatus } from '../daemon/service-routes.js';
import type { PeerStatusEntry, SpeakerStatus } from '../daemon/speaker.js';
import type { VrrpView } from './format-vrrp.js';

export type PeerView = PeerStatusEntry;

/** `peers`: the speaker's status, or just its list of neighbors. */
export type PeersView = SpeakerStatus | readonly PeerView[];

export interface ProbeView {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly timedOut?: boolean;
  readonly detail: string;
  readonly atMs?: number;
}

export type ServiceView = ServiceRoutesServiceStatus & {
  readonly lastProbes?: readonly ProbeView[];
  /** Set while the service is being drained; null or absent otherwise. */
  readonly draining?: number | null;
  /** With med-from-load: the last reading and the MED it gave. */
  readonly loadMed?: { readonly load: number | null; readonly med: number | null } | null;
  /** With dns records: each record's state and the primary's last answer. */
  readonly dns?: readonly DnsRecordView[];
};

/** `services`: a list, or an object holding one under `services`. */
/** One DNS record of a service (src/daemon/dns-links.ts). */
export interface DnsRecordView {
  readonly name: string;
  readonly address: string;
  readonly ttl: number;
  readonly type: string;
  readonly want: string;
  readonly state: string;
  readonly attempts: number;
  readonly last: { readonly op: string; readonly ok: boolean; readonly code?: string; readonly message?: string; readonly ms: number; readonly at: string } | null;
}

export type ServicesView = readonly ServiceView[] | { readonly services: readonly ServiceView[] };

/** What `status` returns: the speaker's status plus the services. */
export type DaemonStatus = SpeakerStatus & { readonly services?: readonly ServiceView[]; readonly vrrp?: readonly VrrpView[] };

export interface EventView {
  /** Wall-clock time: ISO 8601 text, or milliseconds since the epoch. */
  readonly at?: string | number;
  /** Daemon clock time (ms); not shown. */
  readonly atMs?: number;
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  /** A command (drain, maintenance) is logged in the state the service was in: from = to. A 'bfd' entry is a neighbor's BFD state change. */
  readonly kind?: 'transition' | 'command' | 'bfd' | 'dns';
  /** BFD: the neighbor and the new state's diagnostic (RFC 5880 4.1). */
  readonly neighbor?: string;
  readonly diag?: number;
}

/** `events`: a list, or an object holding one under `events`. */
export type EventsView = readonly EventView[] | { readonly events: readonly EventView[] };

export interface RouteView {
  readonly prefix: string;
  readonly nextHops: readonly string[];
  /** As JSON carries them: extended communities arrive as arrays or index-keyed objects of octets. */
  readonly attributes: Omit<PathAttributes, 'extendedCommunities'> & { readonly extendedCommunities?: readonly unknown[] };
}

export interface NeighborRoutesView {
  readonly neighbor: string;
  readonly announced: readonly RouteView[];
  readonly received: readonly RouteView[];
  /** Received routes held; `received` may list only the first of them. */
  readonly receivedTotal?: number;
}

export const listOf = <T, K extends string>(v: readonly T[] | { readonly [k in K]: readonly T[] }, key: K): readonly T[] =>
  Array.isArray(v) ? (v as readonly T[]) : ((v as { readonly [k in K]: readonly T[] })[key] ?? []);
