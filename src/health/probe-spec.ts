// Typed descriptions of health probes. Plain values: the config module maps
// YAML onto them and validates ranges; the probes trust what they are given.

export interface TcpProbeSpec {
  readonly kind: 'tcp';
  /** IPv4 or IPv6 literal, or a host name. */
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string;
}

/** One expected status code, or an inclusive range [low, high]. */
export type StatusMatch = number | readonly [number, number];

export interface HttpProbeSpec {
  readonly kind: 'http' | 'https';
  readonly host: string;
  /** Default 80 for http, 443 for https. */
  readonly port?: number;
  /** Default GET. */
  readonly method?: string;
  /** Default "/". */
  readonly path?: string;
  /** Default [[200, 299]]: redirects usually mean a login page or a moved endpoint, not health. */
  readonly status?: readonly StatusMatch[];
  /** The body must contain this text. */
  readonly bodyContains?: string;
  /** The body must match this regular expression (JavaScript syntax, no flags). */
  readonly bodyRegex?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The Host header; also the TLS server name when `servername` is not given. */
  readonly hostHeader?: string;
  /** TLS SNI and the name the certificate is verified against. */
  readonly servername?: string;
  /** Skip TLS certificate verification. Off by default. */
  readonly insecure?: boolean;
  /** PEM certificates trusted instead of the system store. */
  readonly ca?: string;
  /** How much of the body is read for matching; default 65536 bytes. */
  readonly maxBodyBytes?: number;
}

interface ExecCommon {
  readonly kind: 'exec';
  /** Added to the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** Exit status 0 is healthy. An argv array runs without a shell; a string with `shell: true` runs via /bin/sh -c. */
export type ExecProbeSpec =
  | (ExecCommon & { readonly command: readonly string[]; readonly shell?: false })
  | (ExecCommon & { readonly command: string; readonly shell: true });

export interface DnsProbeSpec {
  readonly kind: 'dns';
  readonly name: string;
  /** Resolver address (IPv4 or IPv6 literal). */
  readonly server: string;
  /** Default 53. */
  readonly port?: number;
  /** Default A. */
  readonly type?: 'A' | 'AAAA';
  /** Every listed address must be in the answer. */
  readonly expect?: readonly string[];
}

/** Over `max` is unhealthy. */
export type LoadProbeSpec =
  /** 1-, 5- or 15-minute load average divided by the number of CPUs. */
  | { readonly kind: 'load'; readonly metric: 'cpu'; readonly max: number; readonly window?: 1 | 5 | 15 }
  /** Used memory as a fraction (0..1): 1 - MemAvailable / MemTotal. */
  | { readonly kind: 'load'; readonly metric: 'memory'; readonly max: number }
  /** Established TCP connections whose local port is `port`. */
  | { readonly kind: 'load'; readonly metric: 'connections'; readonly port: number; readonly max: number };

interface ProcessCommon {
  readonly kind: 'process';
  /** Watch interval; default 50 ms for a pid, 1000 ms for a systemd unit. */
  readonly pollMs?: number;
}

/** Healthy while the process lives (pid file re-read on each look, so a restarted service is followed). */
export type ProcessProbeSpec =
  | (ProcessCommon & { readonly pidFile: string })
  | (ProcessCommon & { readonly pid: number })
  /** `systemctl is-active UNIT`; needs systemd. */
  | (ProcessCommon & { readonly unit: string });

/** Healthy while a TCP socket listens on `port` (and on `address`, when given; a wildcard listener counts). */
export interface ListenerProbeSpec {
  readonly kind: 'listener';
  readonly port: number;
  readonly address?: string;
  /** Default 100 ms. */
  readonly pollMs?: number;
}

export interface CompositePart {
  readonly name: string;
  readonly probe: ProbeSpec;
  /** This part's own limit, below the service's timeout; a part past it counts as failed while the others finish. */
  readonly timeoutMs?: number;
}

export interface CompositeProbeSpec {
  readonly kind: 'composite';
  /** all: every part must be healthy; any: one healthy part is enough. */
  readonly mode: 'all' | 'any';
  readonly probes: readonly CompositePart[];
}

export type ProbeSpec =
  | TcpProbeSpec
  | HttpProbeSpec
  | ExecProbeSpec
  | DnsProbeSpec
  | LoadProbeSpec
  | ProcessProbeSpec
  | ListenerProbeSpec
  | CompositeProbeSpec;

export type ProbeKind = ProbeSpec['kind'];

/**
 * The maintenance switch. Not a probe: a present file means "disabled by the
 * operator", which is neither healthy nor failed, so it is a separate input
 * to the service state machine.
 */
export interface FileSwitchSpec {
  readonly path: string;
  /** Default 500 ms. */
  readonly pollMs?: number;
}
