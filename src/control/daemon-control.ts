// What the control socket can ask of a running daemon: declared here, beside
// the server that serves it; the daemon implements it.

export interface MaintenanceResult {
  /** Services now in maintenance (on) or back in service (off). */
  readonly services: readonly string[];
}

export interface ReloadResult {
  readonly ok: boolean;
  /** What changed, one line each (e.g. "neighbor 192.0.2.1 reset: hold-time 90 -> 30"); empty when nothing did. */
  readonly changes: readonly string[];
  /** When ok is false: why the new config was refused (the running one stays). */
  readonly error?: string;
}

export interface DaemonControl {
  /** Summary: router id, AS, peers with counters, services with state. */
  status(): unknown;
  /** Per neighbor in detail: timers, capabilities, counters, last error. */
  peers(): unknown;
  /** Announced routes per neighbor, and received ones where stored. */
  routes(): unknown;
  /** Per service: state, last probe results and durations, reasons, announced and held prefixes. */
  services(): unknown;
  /** Recent transitions, newest last. */
  events(limit?: number): unknown;
  /** Maintenance for one service or (no name) all; rejects for an unknown service. */
  maintenance(on: boolean, service?: string): MaintenanceResult | Promise<MaintenanceResult>;
  /** Drain (GRACEFUL_SHUTDOWN, then withdraw) one service or all; resolves when withdrawn. */
  drain(service?: string): Promise<MaintenanceResult>;
  /** Re-reads the config file. */
  reload(): Promise<ReloadResult>;
  /** Per VRRP instance: state, the Active router and its priority, the last transition and its reason. */
  vrrp?(): unknown;
}
