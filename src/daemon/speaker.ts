// The BGP side of the daemon: one PeerSession per configured neighbor, an
// optional listener that hands accepted connections to their session (and
// refuses everyone else), and the routes each neighbor should receive.

import type net from 'node:net';
import { MessageType, CeaseSubcode, ErrorCode } from '../bgp/codec/constants.js';
import { frame } from '../bgp/codec/header.js';
import { encodeNotification } from '../bgp/codec/notification.js';
import type { FsmConfig } from '../bgp/fsm/index.js';
import { PeerSession, type PeerStatus, type ReceivedChange } from '../bgp/session/peer-session.js';
import type { SessionSocket } from '../bgp/session/socket.js';
import { connectTcp, listenTcp, nativeAvailable, setListenerMinTtl, setListenerPassword } from '../bgp/transport/index.js';
import { sockopt } from '../bgp/transport/sockopt.js';
import type { Announcement } from '../bgp/rib/announcement.js';
import { wirePrefix } from '../bgp/codec/nlri.js';
import type { NeighborConfig } from '../config/index.js';
import type { Clock } from '../util/clock.js';
import { LogRateLimit } from '../util/log-rate-limit.js';
import type { Logger } from '../util/log.js';
import type { ReloadPlan } from './config-diff.js';
import type { RouteTarget } from '../bgp/rib/routes-for.js';
import { DEFAULT_POLICY, type ReceiveLimitPolicy } from '../bgp/rib/receive-limits.js';

/** Seconds; the RFC 4271 8 "large value" hold time while waiting for the peer's OPEN. */
const LARGE_HOLD_MS = 240_000;
const CONNECT_RETRY_MAX_MS = 120_000;
const IDLE_HOLD_MS = 1_000;
const IDLE_HOLD_MAX_MS = 60_000;
const GRACEFUL_RESTART_FORWARDING = true;
/** Received routes per neighbor in one control answer. */
export const RECEIVED_SHOWN = 10_000;

/** One neighbor in `floatd status --json`: the session's status plus flat counters other tools rely on. */
export type PeerStatusEntry = PeerStatus & {
  readonly description?: string;
  readonly prefixesReceived: number;
  readonly prefixesAnnounced: number;
};

export interface SpeakerStatus {
  /** Absent in a config without BGP (vrrp or dns only). */
  readonly routerId?: string | undefined;
  readonly localAs?: number | undefined;
  readonly peers: readonly PeerStatusEntry[];
  /** Connections refused since start because their address is no configured neighbor. */
  readonly refusedConnections?: number;
}

/** Strips the IPv4-mapped prefix a dual-stack listener reports for IPv4 peers. */
const plainAddress = (a: string | undefined): string => (a ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/** A neighbor as the speaker needs it: the session, its socket, and what the neighbor receives. */
export type SpeakerNeighbor = Pick<
  NeighborConfig,
  | 'address'
  | 'peerAs'
  | 'description'
  | 'localAddress'
  | 'port'
  | 'passive'
  | 'password'
  | 'multihop'
  | 'ttlSecurity'
  | 'holdTime'
  | 'holdTimeLadder'
  | 'connectRetry'
  | 'import'
  | 'maxPrefix'
  | 'families'
  | 'extendedNextHop'
  | 'gracefulRestart'
  | 'nextHop'
>;

/** What the speaker needs of the config (a whole Config is one). */
export interface SpeakerConfig {
  /** Both absent only in a config without neighbors or listen (vrrp or dns only); the config check sees to that. */
  readonly routerId?: string | undefined;
  readonly localAs?: number | undefined;
  /** The hostname the FQDN capability carries; absent: not sent. */
  readonly hostname?: string | undefined;
  readonly listen?: { readonly address: string; readonly port: number } | undefined;
  readonly neighbors: readonly SpeakerNeighbor[];
  /** Prefixes that may be sent; see RouteTarget.allow. */
  readonly allow?: readonly string[] | undefined;
}

/** The BGP identity of every session: a session without it is a bug, not a config error (the config check requires it). */
function identityOf(cfg: Pick<SpeakerConfig, 'localAs' | 'routerId'>): { localAs: number; routerId: string } {
  if (cfg.localAs === undefined || cfg.routerId === undefined) throw new Error('a BGP session needs local-as and router-id');
  return { localAs: cfg.localAs, routerId: cfg.routerId };
}

export function fsmConfigOf(cfg: Pick<SpeakerConfig, 'localAs' | 'routerId' | 'hostname'>, n: SpeakerNeighbor): FsmConfig {
  const gr = n.gracefulRestart;
  const { localAs, routerId } = identityOf(cfg);
  return {
    passive: n.passive,
    connectRetryMs: n.connectRetry * 1000,
    connectRetryMaxMs: Math.max(CONNECT_RETRY_MAX_MS, n.connectRetry * 1000),
    idleHoldMs: IDLE_HOLD_MS,
    idleHoldMaxMs: IDLE_HOLD_MAX_MS,
    largeHoldMs: LARGE_HOLD_MS,
    local: {
      localAs,
      routerId,
      holdTime: n.holdTime,
      families: n.families,
      extendedNextHopIpv4: n.extendedNextHop,
      // The service keeps forwarding while floatd restarts, so forwarding state is preserved (RFC 4724 3).
      ...(gr === false ? {} : { gracefulRestart: { restartTime: gr, restarting: false, forwarding: GRACEFUL_RESTART_FORWARDING } }),
      extendedMessage: true,
      ...(cfg.hostname ? { hostname: cfg.hostname } : {}),
    },
    peer: { peerAs: n.peerAs },
  };
}

/** What bounds a neighbor's stored routes: max-prefix, or with import all and none configured the default attribute-bytes bound. */
export function receiveLimitsOf(n: Pick<SpeakerNeighbor, 'import' | 'maxPrefix'>): ReceiveLimitPolicy | undefined {
  if (n.import !== 'all') return undefined;
  const m = n.maxPrefix;
  if (m === undefined) return DEFAULT_POLICY;
  const limits = {
    ...(m.limit !== undefined ? { prefixes: m.limit } : {}),
    ...(m.ipv4 !== undefined ? { ipv4: m.ipv4 } : {}),
    ...(m.ipv6 !== undefined ? { ipv6: m.ipv6 } : {}),
    attributeBytes: m.attributeBytes,
  };
  return { limits, action: m.action, restartMs: m.restart * 1000 };
}

/**
 * TTL we send and the minimum we accept: GTSM (RFC 5082: send 255, accept at
 * least 256 - hops), else `multihop` (1 for a directly connected eBGP peer, so
 * a session can never form across a router by accident).
 */
export function ttlOf(n: Pick<SpeakerNeighbor, 'ttlSecurity' | 'multihop'>): { ttl: number; minTtl?: number } {
  if (n.ttlSecurity !== false) return { ttl: 255, minTtl: 256 - n.ttlSecurity };
  return { ttl: n.multihop };
}

/** What routes-for needs of a neighbor's config. */
export function routeTargetOf(localAs: number, n: Pick<NeighborConfig, 'address' | 'peerAs' | 'nextHop'>, allow?: readonly string[]): RouteTarget {
  return { localAs, address: n.address, peerAs: n.peerAs, nextHop: n.nextHop, allow: allow?.map(wirePrefix) };
}

/** A session's stored received routes and status, for a listener told they changed. */
export type ReceivedView = Pick<PeerSession, 'receivedRoutes' | 'status'>;

export interface SpeakerOptions {
  /** Told at once when a neighbor's received routes (import: all) change or its Established session ends. */
  readonly onReceivedChange?: (neighbor: string, change: ReceivedChange, view: ReceivedView) => void;
}

/** The minimum TTL is set on the listening socket, so with a listener every neighbor needs the same ttl-security. */
export function listenerTtlProblem(cfg: Pick<SpeakerConfig, 'listen' | 'neighbors'>): string | undefined {
  if (!cfg.listen) return undefined;
  const gtsm = cfg.neighbors.filter((n) => n.ttlSecurity !== false);
  const minTtls = new Set(gtsm.map((n) => ttlOf(n).minTtl));
  if (gtsm.length > 0 && (gtsm.length !== cfg.neighbors.length || minTtls.size !== 1)) {
    return 'ttl-security with a listen section needs the same ttl-security on every neighbor (the minimum TTL is set on the listening socket)';
  }
  return undefined;
}

/** The listener's minimum TTL: the one every neighbor's ttl-security gives (listenerTtlProblem), or none. */
function listenerMinTtlOf(cfg: Pick<SpeakerConfig, 'neighbors'>): number | undefined {
  const n = cfg.neighbors.find((x) => x.ttlSecurity !== false);
  return n === undefined ? undefined : ttlOf(n).minTtl;
}

export class Speaker {
  private readonly sessions = new Map<string, { config: SpeakerNeighbor; session: PeerSession }>();
  private server: net.Server | null = null;
  private announce: readonly Announcement[] = [];
  private stopping = false;
  private readonly onReceivedChange: SpeakerOptions['onReceivedChange'];
  /** Anyone can connect: what they cause is counted, and logged only so often per address. */
  private refused = 0;
  private readonly refusedLog = new LogRateLimit();

  constructor(
    private cfg: SpeakerConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: SpeakerOptions = {},
  ) {
    this.onReceivedChange = opts.onReceivedChange;
    for (const n of cfg.neighbors) this.addSession(n);
  }

  private addSession(n: SpeakerNeighbor): PeerSession {
    const plog = this.log.child({ peer: n.address });
    const onReceivedChange = this.onReceivedChange;
    const session: PeerSession = new PeerSession({
      address: n.address,
      fsm: fsmConfigOf(this.cfg, n),
      ...(n.holdTimeLadder ? { holdTimes: n.holdTimeLadder } : {}),
      importMode: n.import,
      ...(n.import === 'all' ? { receiveLimits: receiveLimitsOf(n) } : {}),
      clock: this.clock,
      log: plog,
      connect: () =>
        connectTcp({
          host: n.address,
          port: n.port,
          localAddress: n.localAddress,
          password: n.password?.reveal(),
          ...ttlOf(n),
          timeoutMs: Math.min(n.connectRetry * 1000, 30_000),
        }),
      target: routeTargetOf(identityOf(this.cfg).localAs, n, this.cfg.allow),
      ...(onReceivedChange ? { onReceivedChange: (c: ReceivedChange) => onReceivedChange(n.address, c, session) } : {}),
    });
    session.setDesired(this.announce);
    this.sessions.set(n.address, { config: n, session });
    return session;
  }

  /**
   * A live reload (router id, AS and listener unchanged, as the plan has
   * checked): removed neighbors are stopped (withdraw, then Cease), changed
   * ones are stopped and started again with their new config, added ones
   * start, the rest keep their sessions and only get the difference of what
   * they should receive. Resolves once removed and reset sessions are closed.
   */
  async reconfigure(next: SpeakerConfig, plan: Pick<ReloadPlan, 'neighbors' | 'listenerOptionsChanged'>): Promise<void> {
    this.cfg = next;
    const byAddress = new Map(next.neighbors.map((n) => [n.address, n]));
    const closing: Promise<void>[] = [];
    for (const address of plan.neighbors.removed) {
      const e = this.sessions.get(address);
      if (!e) continue;
      this.sessions.delete(address);
      closing.push(e.session.stop('neighbor removed from the config'));
    }
    for (const { address, changes } of plan.neighbors.reset) {
      const e = this.sessions.get(address);
      const n = byAddress.get(address);
      if (!e || !n) continue;
      this.sessions.delete(address);
      // The new session starts once the old one has said goodbye, so the peer never sees two.
      closing.push(
        e.session.stop(`configuration changed: ${changes.join(', ')}`.slice(0, 120)).then(() => {
          if (!this.stopping) this.addSession(n).start();
        }),
      );
    }
    for (const c of [...plan.neighbors.routesOnly, ...plan.neighbors.infoOnly]) {
      const e = this.sessions.get(c.address);
      const n = byAddress.get(c.address);
      if (!e || !n) continue;
      e.config = n;
      e.session.setTarget(routeTargetOf(identityOf(next).localAs, n, next.allow));
      // Families the session never negotiated may have gone (unused-families.ts): the next OPEN names the rest.
      e.session.setFsmConfig(fsmConfigOf(next, n));
    }
    for (const address of plan.neighbors.added) {
      const n = byAddress.get(address);
      if (n && !this.sessions.has(address)) this.addSession(n).start();
    }
    if (this.server && plan.listenerOptionsChanged) {
      for (const n of next.neighbors) setListenerPassword(this.server, n.address, n.password?.reveal() ?? null);
      // As start() would have set it (the plan has checked listenerTtlProblem): reset sessions reconnect through it.
      setListenerMinTtl(this.server, listenerMinTtlOf(next) ?? null);
    }
    for (const { session } of this.sessions.values()) session.setDesired(this.announce);
    await Promise.all(closing);
  }

  /** Opens the listener (when configured) and starts every session. Rejects, changing nothing, if the listener cannot open. */
  async start(): Promise<void> {
    // TTL and MD5 are socket options only the addon can set: say so before anything starts.
    if (!nativeAvailable()) {
      const why = this.cfg.neighbors.some((n) => n.password) ? 'TCP MD5 passwords' : 'the TTL of BGP packets (multihop, ttl-security, TTL 1 for eBGP)';
      throw new Error(`the native socket-option addon is not built, and floatd needs it for ${why}: run npm install with g++, make and python3 present`);
    }
    const l = this.cfg.listen;
    if (l) {
      const problem = listenerTtlProblem(this.cfg);
      if (problem) throw new Error(problem);
      const minTtl = listenerMinTtlOf(this.cfg);
      this.server = await listenTcp({
        host: l.address,
        port: l.port,
        md5Peers: this.cfg.neighbors.flatMap((n) => (n.password ? [{ address: n.address, password: n.password.reveal() }] : [])),
        ...(minTtl !== undefined ? { ttl: 255, minTtl } : {}),
      });
      this.server.on('connection', (socket) => this.onConnection(socket));
      this.server.on('error', (e) => this.log.error({ err: e.message }, `listener error: ${e.message}`));
      this.log.info({ address: l.address, port: l.port }, `listening on ${l.address} port ${l.port}`);
    }
    for (const { session } of this.sessions.values()) session.start();
  }

  /** Withdraws everything, says goodbye to every peer (Cease / Administrative Shutdown), closes the listener. */
  async stop(message = 'floatd stopping'): Promise<void> {
    this.stopping = true;
    this.server?.close();
    await Promise.all([...this.sessions.values()].map(({ session }) => session.stop(message)));
  }

  /**
   * Replaces the announce entries (static ones and those of healthy services)
   * and sends each established session the difference at once. Ignored once
   * stopping: the stop has already withdrawn everything.
   */
  setAnnouncements(entries: readonly Announcement[]): void {
    if (this.stopping) return;
    this.announce = entries;
    for (const { session } of this.sessions.values()) session.setDesired(entries);
  }

  /** See NegotiatedFamilies (unused-families.ts); undefined too for an unknown neighbor. */
  negotiatedFamilies(address: string): readonly string[] | undefined {
    const e = this.sessions.get(address);
    if (!e) return undefined;
    const st = e.session.status();
    if (st.state === 'Established') return (st.capabilities?.families as readonly string[] | undefined) ?? [];
    return st.state === 'OpenSent' || st.state === 'OpenConfirm' ? undefined : [];
  }

  /** Drops the neighbor's session now (Cease / Administrative Reset with `reason`); it reconnects as after any failure. False when unknown or stopping. */
  resetPeer(address: string, reason: string): boolean {
    const e = this.sessions.get(address);
    if (!e || this.stopping) return false;
    e.session.reset(reason);
    return true;
  }

  status(): SpeakerStatus {
    return {
      routerId: this.cfg.routerId,
      localAs: this.cfg.localAs,
      refusedConnections: this.refused,
      peers: [...this.sessions.values()].map(({ config, session }) => {
        const st = session.status();
        return {
          ...st,
          ...(config.description ? { description: config.description } : {}),
          prefixesReceived: st.prefixes.received,
          prefixesAnnounced: st.prefixes.announced,
        };
      }),
    };
  }

  /** Received routes per neighbor (import: all) and announced routes, for the control socket. */
  /**
   * Received routes are cut at `receivedLimit` per neighbor: a full table
   * in one JSON answer would hold the event loop (and KEEPALIVEs) for
   * seconds. `receivedTotal` says how many there are.
   */
  routes(receivedLimit = RECEIVED_SHOWN): { neighbor: string; announced: unknown[]; received: unknown[]; receivedTotal: number }[] {
    return [...this.sessions.values()].map(({ config, session }) => {
      const received: unknown[] = [];
      for (const r of session.receivedRoutes()) {
        if (received.length >= receivedLimit) break;
        received.push(r);
      }
      return {
        neighbor: config.address,
        announced: session.announcedRoutes().map((r) => ({ prefix: `${r.prefix.addr}/${r.prefix.len}`, nextHops: r.nextHops, attributes: r.attributes })),
        received,
        receivedTotal: config.import === 'all' ? session.status().prefixes.received : 0,
      };
    });
  }

  private onConnection(socket: net.Socket): void {
    const from = plainAddress(socket.remoteAddress);
    const entry = this.sessions.get(from);
    if (!entry) {
      // RFC 4486: Connection Rejected for a peer we do not know.
      this.refused += 1;
      const d = this.refusedLog.hit(from, this.clock.now());
      if (d.log) {
        const more = d.suppressed > 0 ? ` (and ${d.suppressed} more from it not logged)` : '';
        this.log.warn({ from, suppressed: d.suppressed, refusedTotal: this.refused }, `refusing a BGP connection from ${from}: not a configured neighbor${more}`);
      }
      socket.on('error', () => undefined);
      socket.end(frame(MessageType.Notification, encodeNotification({ code: ErrorCode.Cease, subcode: CeaseSubcode.ConnectionRejected })));
      setTimeout(() => socket.destroy(), 2000).unref();
      return;
    }
    // The listener cannot know the peer in advance; give this connection the neighbor's own TTL.
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (fd !== undefined && fd >= 0 && entry.config.ttlSecurity === false) {
      try {
        sockopt.setTtl(fd, from.includes(':') ? 6 : 4, ttlOf(entry.config).ttl);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, `cannot set the TTL for ${from}; refusing the connection`);
        socket.destroy();
        return;
      }
    }
    entry.session.acceptIncoming(socket as SessionSocket);
  }
}
