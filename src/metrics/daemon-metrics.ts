// floatd's metrics. Events (probes, transitions, withdraws) arrive through
// ServiceRoutes' observer interface and are counted as they happen; peer,
// service and process state is read from snapshots when scraped, so nothing
// here can drift from what `floatd status` shows. Inputs are typed by the
// fields read and nothing else: no config, so no secret, is ever in reach.

import type { ServiceRoutesObserver, ProbeObservation, TransitionObservation, WithdrawObservation } from '../route-policy/observer.js';
import { SERVICE_STATES } from '../health/index.js';
import { renderExposition } from './exposition.js';
import type { ProcessSample } from './process-metrics.js';
import { Registry, type Counter, type Histogram, type LabelSet } from './registry.js';

/** The fields of a peer's status that are exported. */
export interface PeerSnapshot {
  readonly address: string;
  readonly state: string;
  readonly uptimeSeconds?: number;
  readonly messages: { readonly in: number; readonly out: number };
  readonly updates: { readonly in: number; readonly out: number };
  /** Absent from older snapshots: exported as 0. */
  readonly routeRefreshesIn?: number;
  /** Absent from older snapshots: exported as 0. */
  readonly receiveLimitEvents?: number;
  readonly prefixesReceived: number;
  readonly prefixesAnnounced: number;
  readonly establishedTransitions: number;
  /** Neighbors with `bfd` only. */
  readonly bfd?: BfdSnapshot;
}

/** The fields of a neighbor's BFD status that are exported. */
export interface BfdSnapshot {
  readonly state: string;
  readonly detectionTimeMs: number;
  readonly stateChanges: number;
}

export interface SpeakerSnapshot {
  readonly peers: readonly PeerSnapshot[];
  /** Connections refused because their address is no configured neighbor. */
  readonly refusedConnections?: number;
}

/** The fields of a service's status that are exported. */
export interface ServiceSnapshot {
  readonly name: string;
  readonly state: string;
  /** Clock time (ms) the state was entered, on the clock given to DaemonMetrics. */
  readonly since: number;
  readonly serving: boolean;
  readonly announced: readonly string[];
}

export interface DaemonMetricsOptions {
  readonly peers: () => SpeakerSnapshot;
  readonly services: () => readonly ServiceSnapshot[];
  /** The clock the services' `since` is on (ServiceRoutes'). */
  readonly clock: { now(): number };
  /** Process figures at scrape time; a ProcessSampler's `sample` in the daemon. */
  readonly process: () => ProcessSample;
  readonly version: string;
  /** VRRP instances (src/daemon/vrrp-links.ts); absent or empty without a vrrp section. */
  readonly vrrp?: () => readonly VrrpSnapshot[];
  /** DNS record updates (src/daemon/dns-links.ts); absent or undefined without a dns section. */
  readonly dns?: () => DnsSnapshot | undefined;
}

/** The DNS counters that are exported. */
export interface DnsSnapshot {
  readonly updatesSent: number;
  readonly updatesFailed: number;
  /** Wall-clock ms of the last accepted UPDATE. */
  readonly lastSuccessMs: number | undefined;
}

/** The fields of a VRRP instance's status that are exported. */
export interface VrrpSnapshot {
  readonly name: string;
  readonly state: string;
  /** The priority advertised now: 0 while a tracked service is not serving. */
  readonly priority: number;
  readonly transitions: number;
}

/** RFC 9568 6.4 states, with its renamed Master ("Active"). */
export const VRRP_STATES: readonly string[] = ['Initialize', 'Backup', 'Active'];

/** RFC 4271 8.2.2 session states, in order. */
export const PEER_STATES: readonly string[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

export const PROBE_DURATION_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Sub-millisecond at the low end: the path from failed probe to WITHDRAW is meant to take well under 5 ms. */
export const WITHDRAW_LATENCY_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** One series per known state, 1 for the current one; an unknown state gets its own series rather than none. */
function oneHot(known: readonly string[], current: string, labels: (state: string) => LabelSet): [LabelSet, number][] {
  const out: [LabelSet, number][] = known.map((s) => [labels(s), s === current ? 1 : 0]);
  if (!known.includes(current)) out.push([labels(current), 1]);
  return out;
}

const finiteSeconds = (ms: number): number => (Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0);

export class DaemonMetrics implements ServiceRoutesObserver {
  private readonly registry = new Registry();
  private readonly probes: Counter;
  private readonly probeDuration: Histogram;
  private readonly probeTimeouts: Counter;
  private readonly transitions: Counter;
  private readonly withdrawLatency: Histogram;
  private readonly withdraws: Counter;
  /** Clock time (ms) of each service's last passed probe. */
  private readonly lastSuccess = new Map<string, number>();
  /** Clock time (ms) from which a service that never passed counts: start, or when a reload added it. */
  private readonly firstSeen = new Map<string, number>();
  private readonly startedAt: number;
  private rendered = false;
  /** Read once per scrape, so every family of a scrape shows the same moment. */
  private snap: { peers: readonly PeerSnapshot[]; refused: number | undefined; services: readonly ServiceSnapshot[]; now: number; process: ProcessSample; vrrp: readonly VrrpSnapshot[] } | undefined;

  constructor(private readonly o: DaemonMetricsOptions) {
    const r = this.registry;
    this.startedAt = o.clock.now();
    const peers = (): readonly PeerSnapshot[] => this.snap?.peers ?? [];
    const services = (): readonly ServiceSnapshot[] => this.snap?.services ?? [];
    const perPeer = (name: string, help: string, type: 'counter' | 'gauge', value: (p: PeerSnapshot) => number): void =>
      r.collected(name, help, type, ['peer'], () => peers().map((p) => [{ peer: p.address }, value(p)] as const));
    const perService = (name: string, help: string, value: (s: ServiceSnapshot) => number): void =>
      r.collected(name, help, 'gauge', ['service'], () => services().map((s) => [{ service: s.name }, value(s)] as const));
    const proc = (name: string, help: string, type: 'counter' | 'gauge', value: (p: ProcessSample) => number): void =>
      r.collected(name, help, type, [], () => (this.snap ? [[{}, value(this.snap.process)] as const] : []));

    perPeer('floatd_peer_up', 'Whether the BGP session is Established (1) or not (0).', 'gauge', (p) => (p.state === 'Established' ? 1 : 0));
    r.collected('floatd_peer_state', 'BGP session state (RFC 4271 8.2.2): 1 for the current state, 0 for the others.', 'gauge', ['peer', 'state'], () =>
      peers().flatMap((p) => oneHot(PEER_STATES, p.state, (state) => ({ peer: p.address, state }))),
    );
    perPeer('floatd_peer_uptime_seconds', 'Seconds the session has been Established; 0 when it is not.', 'gauge', (p) =>
      p.state === 'Established' ? (p.uptimeSeconds ?? 0) : 0,
    );
    perPeer('floatd_peer_messages_received_total', 'BGP messages received from the peer.', 'counter', (p) => p.messages.in);
    perPeer('floatd_peer_messages_sent_total', 'BGP messages sent to the peer.', 'counter', (p) => p.messages.out);
    perPeer('floatd_peer_updates_received_total', 'UPDATE messages received from the peer.', 'counter', (p) => p.updates.in);
    perPeer('floatd_peer_updates_sent_total', 'UPDATE messages sent to the peer.', 'counter', (p) => p.updates.out);
    perPeer('floatd_peer_route_refreshes_received_total', 'ROUTE-REFRESH messages received from the peer since the session came up.', 'counter', (p) => p.routeRefreshesIn ?? 0);
    perPeer(
      'floatd_peer_prefixes_received',
      'Prefixes from the peer: held now with import all; announcements counted since the session came up with import none.',
      'gauge',
      (p) => p.prefixesReceived,
    );
    perPeer('floatd_peer_prefixes_announced', 'Prefixes floatd announces to the peer now.', 'gauge', (p) => p.prefixesAnnounced);
    perPeer('floatd_peer_max_prefix_events_total', 'Times a receive limit (max-prefix, attribute-bytes) was hit: each teardown, each crossing in warn mode.', 'counter', (p) => p.receiveLimitEvents ?? 0);
    perPeer('floatd_peer_established_total', 'Times the session reached Established; more than one means it flapped.', 'counter', (p) => p.establishedTransitions);
    r.collected('floatd_bgp_connections_refused_total', 'BGP connections refused because their address is no configured neighbor.', 'counter', [], () =>
      this.snap ? [[{}, this.snap.refused ?? 0] as const] : [],
    );

    // BFD, for neighbors with `bfd` (named like bird_exporter's bird_bfd_session_up, labelled by neighbor).
    const perBfd = (name: string, help: string, type: 'counter' | 'gauge', value: (b: BfdSnapshot) => number): void =>
      r.collected(name, help, type, ['neighbor'], () => peers().flatMap((p) => (p.bfd ? [[{ neighbor: p.address }, value(p.bfd)] as const] : [])));
    perBfd('floatd_bfd_session_up', 'Whether the BFD session to the neighbor is Up (1) or not (0).', 'gauge', (b) => (b.state === 'Up' ? 1 : 0));
    perBfd('floatd_bfd_detection_time_seconds', 'Negotiated BFD detection time: how long without a packet the neighbor is declared down; 0 before its first packet.', 'gauge', (b) =>
      finiteSeconds(b.detectionTimeMs),
    );
    perBfd('floatd_bfd_state_changes_total', 'BFD session state changes (Down, Init, Up, AdminDown).', 'counter', (b) => b.stateChanges);

    r.collected('floatd_service_state', 'Service state: 1 for the current state, 0 for the others.', 'gauge', ['service', 'state'], () =>
      services().flatMap((s) => oneHot(SERVICE_STATES, s.state, (state) => ({ service: s.name, state }))),
    );
    perService('floatd_service_serving', 'Whether the service counts as healthy for announcing (1) or not (0).', (s) => (s.serving ? 1 : 0));
    perService('floatd_service_seconds_since_change', 'Seconds since the service entered its current state.', (s) => finiteSeconds((this.snap?.now ?? 0) - s.since));
    perService('floatd_service_seconds_since_last_success', 'Seconds since a probe of the service last passed; since floatd started (or a reload added the service) when none has.', (s) =>
      finiteSeconds((this.snap?.now ?? 0) - (this.lastSuccess.get(s.name) ?? this.firstSeen.get(s.name) ?? this.startedAt)),
    );
    perService('floatd_service_prefixes_announced', "The service's prefixes announced now (held back by the flap guard or withdrawn: not counted).", (s) => s.announced.length);

    this.probes = r.counter('floatd_probe_total', 'Health probes finished, by result (success or failure; a timeout is a failure).', ['service', 'result']);
    this.probeDuration = r.histogram('floatd_probe_duration_seconds', 'How long health probes took.', PROBE_DURATION_BUCKETS, ['service']);
    this.probeTimeouts = r.counter('floatd_probe_timeouts_total', 'Health probes that hit their timeout.', ['service']);
    this.transitions = r.counter('floatd_service_transitions_total', 'Service state changes, by old and new state.', ['service', 'from', 'to']);
    this.withdrawLatency = r.histogram(
      'floatd_withdraw_latency_seconds',
      'From the probe result that made a service withdraw to the WITHDRAW written to every session socket.',
      WITHDRAW_LATENCY_BUCKETS,
      ['service'],
    );
    this.withdraws = r.counter('floatd_service_withdraws_total', "Times the service's prefixes were withdrawn (a failed check, maintenance, a drain's end or a reload).", ['service']);

    this.vrrpFamilies();

    proc('floatd_process_resident_memory_bytes', 'Resident set size of the floatd process.', 'gauge', (p) => p.residentMemoryBytes);
    proc('floatd_process_cpu_seconds_total', 'User and system CPU time used by the floatd process.', 'counter', (p) => p.cpuSeconds);
    proc('floatd_process_start_time_seconds', 'Start time of the floatd process, Unix time in seconds.', 'gauge', (p) => p.startTimeSeconds);
    proc('floatd_process_heap_bytes', 'V8 heap in use by the floatd process.', 'gauge', (p) => p.heapBytes);
    r.collected(
      'floatd_event_loop_lag_seconds',
      'How late event-loop timer ticks ran since the previous scrape (quantile 0.5, 0.99 and 1 = max); absent when none was measured.',
      'gauge',
      ['quantile'],
      () => {
        const l = this.snap?.process.eventLoopLag;
        return l ? [[{ quantile: '0.5' }, l.p50] as const, [{ quantile: '0.99' }, l.p99] as const, [{ quantile: '1' }, l.max] as const] : [];
      },
    );
    this.dnsFamilies();
    r.collected('floatd_build_info', 'Always 1; the labels give the floatd and Node.js versions.', 'gauge', ['version', 'node'], () => [
      [{ version: this.o.version, node: process.version }, 1] as const,
    ]);
  }

  /** DNS UPDATEs (RFC 2136) sent for the services' records; no series without a dns section. */
  private dnsFamilies(): void {
    const dns = (value: (d: DnsSnapshot) => number | undefined) => (): (readonly [LabelSet, number])[] => {
      const d = this.o.dns?.();
      const v = d && value(d);
      return v === undefined ? [] : [[{}, v] as const];
    };
    const r = this.registry;
    r.collected('floatd_dns_updates_sent_total', 'DNS UPDATEs sent to the primary for the services\' records (retries included).', 'counter', [], dns((d) => d.updatesSent));
    r.collected('floatd_dns_updates_failed_total', 'DNS UPDATEs that failed: an error rcode, no answer, or an answer that did not verify.', 'counter', [], dns((d) => d.updatesFailed));
    r.collected('floatd_dns_last_success_timestamp_seconds', 'When the primary last accepted an UPDATE, Unix time in seconds; absent before the first.', 'gauge', [], dns((d) => (d.lastSuccessMs === undefined ? undefined : d.lastSuccessMs / 1000)));
  }

  /** VRRP: read from the instances' status at scrape time, like the services. */
  private vrrpFamilies(): void {
    const r = this.registry;
    const vrrp = (): readonly VrrpSnapshot[] => this.snap?.vrrp ?? [];
    r.collected('floatd_vrrp_state', 'VRRP instance state (RFC 9568 6.4): 1 for the current state, 0 for the others.', 'gauge', ['instance', 'state'], () =>
      vrrp().flatMap((v) => oneHot(VRRP_STATES, v.state, (state) => ({ instance: v.name, state }))),
    );
    r.collected('floatd_vrrp_priority', 'The priority the VRRP instance advertises now; 0 while a tracked service is not serving.', 'gauge', ['instance'], () =>
      vrrp().map((v) => [{ instance: v.name }, v.priority] as const),
    );
    r.collected('floatd_vrrp_transitions_total', 'VRRP state changes of the instance since floatd started.', 'counter', ['instance'], () =>
      vrrp().map((v) => [{ instance: v.name }, v.transitions] as const),
    );
  }

  probe(o: ProbeObservation): void {
    this.probes.inc({ service: o.service, result: o.ok ? 'success' : 'failure' });
    if (o.ok) this.lastSuccess.set(o.service, o.atMs);
    this.probeDuration.observe({ service: o.service }, finiteSeconds(o.durationMs));
    if (o.timedOut) this.probeTimeouts.inc({ service: o.service });
    else this.probeTimeouts.init({ service: o.service });
  }

  transition(o: TransitionObservation): void {
    this.transitions.inc({ service: o.service, from: o.from, to: o.to });
  }

  withdraw(o: WithdrawObservation): void {
    this.withdrawLatency.observe({ service: o.service }, finiteSeconds(o.latencyMs));
    this.withdraws.inc({ service: o.service });
  }

  /** The exposition text for one scrape. */
  render(): string {
    const services = this.o.services();
    const now = this.o.clock.now();
    const known = new Set(services.map((s) => s.name));
    // A service a reload removed is forgotten; one it adds counts from now.
    for (const m of [this.lastSuccess, this.firstSeen]) for (const name of m.keys()) if (!known.has(name)) m.delete(name);
    for (const s of services) if (!this.firstSeen.has(s.name)) this.firstSeen.set(s.name, this.rendered ? now : this.startedAt);
    this.rendered = true;
    // Both results of every known service exist from the first scrape, so a first failure is a rate, not a new series.
    for (const s of services) {
      this.probes.init({ service: s.name, result: 'success' });
      this.probes.init({ service: s.name, result: 'failure' });
      this.probeTimeouts.init({ service: s.name });
      this.withdraws.init({ service: s.name });
    }
    const speaker = this.o.peers();
    this.snap = { peers: speaker.peers, refused: speaker.refusedConnections, services, now, process: this.o.process(), vrrp: this.o.vrrp?.() ?? [] };
    try {
      return renderExposition(this.registry.collect());
    } finally {
      this.snap = undefined;
    }
  }
}
