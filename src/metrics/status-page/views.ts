// What the status page reads of a running daemon: typed by the fields it
// shows and nothing else, all read-only. The daemon hands in functions that
// return its current status values (the ones the control socket serves), so
// the page can never change state except through `StatusActions`.

/** One probe result. */
export interface ProbeView {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly detail: string;
  /** Clock time (ms) the result arrived. */
  readonly atMs: number;
}

export interface ServiceView {
  readonly name: string;
  readonly state: string;
  /** Clock time (ms) the state was entered. */
  readonly since: number;
  readonly serving: boolean;
  /** Sources that hold the service disabled (operator, a disable file). */
  readonly disabledBy: readonly string[];
  readonly prefixes: readonly string[];
  readonly announced: readonly string[];
  /** Held back by the flap guard until clock time `until` (ms). */
  readonly held: readonly { readonly prefix: string; readonly until: number }[];
  readonly demoted: boolean;
  /** Clock time (ms) a drain withdraws, or null. */
  readonly draining: number | null;
  /** Oldest first. */
  readonly lastProbes: readonly ProbeView[];
  /** Oldest first; the last one's reason says why the service is in its state. */
  readonly transitions: readonly { readonly reason: string; readonly at: number }[];
  /** primary, secondary or tertiary; absent without a role. */
  readonly role?: string | undefined;
}

/** A value a generic cell can show. */
export type Scalar = string | number | boolean | null;

export interface PeerView {
  readonly address: string;
  readonly description?: string;
  readonly peerAs: number;
  readonly state: string;
  readonly uptimeSeconds?: number;
  readonly holdTime?: number;
  readonly keepaliveTime?: number;
  readonly peerRouterId?: string;
  /** `hostname` here is what the peer sent in its FQDN capability: text from the network. */
  readonly capabilities?: Readonly<Record<string, unknown>>;
  readonly prefixesReceived: number;
  readonly prefixesAnnounced: number;
  readonly establishedTransitions: number;
  /** May hold a peer's shutdown communication (RFC 8203): text from the network. */
  readonly lastError?: string;
  /** Liveness detection beside the session (RFC 5880), once a peer reports it. */
  readonly bfd?: Readonly<Record<string, Scalar>>;
}

export interface EventView {
  /** Wall-clock time, ISO 8601. */
  readonly at: string;
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly kind: string;
}

/** A further way out (VRRP, DNS, ...): a titled table of flat rows, shown when present. */
export interface ExtraSection {
  readonly title: string;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export interface StatusViews {
  /** The clock the `since`, `at` and `until` times are on. */
  readonly clock: { now(): number };
  readonly version: string;
  /** routerId and localAs are absent in a config without BGP. */
  speaker(): { readonly routerId?: string | undefined; readonly localAs?: number | undefined; readonly peers: readonly PeerView[] };
  services(): readonly ServiceView[];
  /** The last `limit` events, oldest first. */
  events(limit: number): readonly EventView[];
  /** VRRP, DNS and other ways out, when the daemon runs them. */
  sections?(): readonly ExtraSection[];
}

/** Operator commands the page may send when the config enables them. */
export interface StatusActions {
  /** Bearer token the requests must carry. */
  readonly token: { reveal(): string };
  maintenance(on: boolean, service?: string): unknown;
  drain(service?: string): Promise<unknown>;
}
