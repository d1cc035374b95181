// floatd's own speaker as a small route server: passive sessions with several
// peers, every received route stored (import: all), and per prefix the
// equal-cost best paths by the BGP decision process (best-path.ts). It sends
// nothing back: it stands in for the upstream router that picks where the
// floating IP's traffic goes.
//
// The speaker tells us at once when a peer's routes change or its session
// ends, so a WITHDRAW or a lost session moves the best paths in the same turn
// of the event loop.

import { pino } from 'pino';
import { BfdManager, type BfdTimersMs } from '../bfd/index.js';
import { prefix as parsePrefix, prefixText } from '../bgp/codec/nlri.js';
import type { ReceivedChange } from '../bgp/session/peer-session.js';
import { attributeKey } from '../bgp/rib/route.js';
import { isIP } from 'node:net';
import { Speaker, type PeerStatusEntry, type ReceivedView, type SpeakerConfig } from '../daemon/speaker.js';
import { realClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { decide, type Candidate, type Decision, type DecisionOptions } from './best-path.js';
import { BfdPeers, type BfdPeerChange } from './bfd-peers.js';

export interface RouteServerPeer {
  readonly address: string;
  readonly peerAs: number;
  readonly description?: string;
  /** A single-hop BFD session with the peer: true for 100 ms x 3, or the timers. */
  readonly bfd?: true | BfdTimersMs;
}

export interface RouteServerOptions {
  /** Where the sessions are accepted, e.g. 127.0.0.1 and an unprivileged port. */
  readonly listen: { readonly address: string; readonly port: number };
  readonly localAs: number;
  readonly routerId: string;
  readonly peers: readonly RouteServerPeer[];
  /** Seconds (default 90). */
  readonly holdTime?: number;
  readonly decision?: DecisionOptions;
  readonly clock?: Clock;
  /** The BFD sessions' manager; default one on the native addon, made when a peer has `bfd`. */
  readonly bfdManager?: BfdManager;
  /** Default: silent. */
  readonly log?: Logger;
}

/** A received route as the decision sees it. */
export type RoutePath = Candidate;

/** One peer's route for one prefix appeared, changed or went. */
export interface RouteChange {
  /** "203.0.113.10/32". */
  readonly prefix: string;
  /** Clock time (ms). */
  readonly at: number;
  /** The peer whose route changed, and what told us (an UPDATE, or its session ending). */
  readonly peer: string;
  readonly change: ReceivedChange;
  /** The peer's route now and before; undefined when absent. */
  readonly route: RoutePath | undefined;
  readonly before: RoutePath | undefined;
  /** The decision now (undefined: no route left) and before. */
  readonly decision: Decision<RoutePath> | undefined;
  readonly previous: Decision<RoutePath> | undefined;
  /** The equal-cost paths changed (not only a route that was not among them). */
  readonly bestChanged: boolean;
}

export interface PeerChange {
  readonly peer: string;
  readonly change: ReceivedChange;
  readonly at: number;
  /** The last NOTIFICATION sent or received, when the session ended with one. */
  readonly lastError?: string;
}

const pathKey = (p: RoutePath, prefix: string): string =>
  `${p.peerAddress}|${p.peerRouterId}|${attributeKey({ prefix: parsePrefix(prefix), nextHops: p.nextHops, attributes: p.attributes })}`;

const decisionKey = (d: Decision<RoutePath> | undefined, prefix: string): string => (d ? d.paths.map((p) => pathKey(p, prefix)).join('\n') : '');

export class RouteServer {
  private readonly speaker: Speaker;
  private readonly clock: Clock;
  private readonly bfd: BfdPeers | undefined;
  /** Peer address -> prefix -> the route it sent. */
  private readonly received = new Map<string, Map<string, RoutePath>>();
  private readonly decisions = new Map<string, Decision<RoutePath>>();
  private readonly routeListeners = new Set<(c: RouteChange) => void>();
  private readonly peerListeners = new Set<(c: PeerChange) => void>();

  /** Throws, naming the option, for a router id, AS, address or hold time the speaker could not use. */
  constructor(private readonly opts: RouteServerOptions) {
    this.clock = opts.clock ?? realClock;
    const log = opts.log ?? pino({ level: 'silent' });
    this.speaker = new Speaker(speakerConfigOf(opts), this.clock, log, {
      onReceivedChange: (peer, change, view) => this.onReceived(peer, change, view),
    });
    if (opts.peers.some((p) => p.bfd !== undefined)) {
      this.bfd = new BfdPeers({
        manager: opts.bfdManager ?? new BfdManager(),
        reset: (peer, reason) => this.speaker.resetPeer(peer, reason),
        established: (peer) => this.peers().some((p) => p.address === peer && p.state === 'Established'),
        clock: this.clock,
        log,
      });
    }
  }

  /** Starts the BFD sessions, then listens. Throws when BFD cannot run (addon missing, UDP 3784 taken). */
  async start(): Promise<void> {
    if (this.bfd) {
      const wildcard = isWildcard(this.opts.listen.address);
      try {
        this.bfd.start(
          this.opts.peers.flatMap((p) => (p.bfd === undefined ? [] : [{ address: p.address, timers: p.bfd }])),
          wildcard ? undefined : this.opts.listen.address,
        );
      } catch (e) {
        await this.bfd.stop();
        throw e;
      }
    }
    await this.speaker.start();
  }

  /** Closes every session (Cease / Administrative Shutdown) and the listener; BFD sessions send AdminDown. */
  async stop(): Promise<void> {
    await Promise.all([this.speaker.stop('route server stopping'), this.bfd?.stop()]);
  }

  /** A peer's BFD state; undefined without BFD for it. */
  bfdState(peer: string): string | undefined {
    return this.bfd?.state(peer);
  }

  /** Called when a peer's BFD session comes up or goes down (before the BGP reset a Down causes); returns an unsubscribe function. */
  onBfdChange(fn: (c: BfdPeerChange) => void): () => void {
    return this.bfd?.onChange(fn) ?? (() => undefined);
  }

  /** The equal-cost best paths for `prefix` ("203.0.113.10/32"), best first; empty when there is no route. */
  bestPaths(prefix: string): readonly RoutePath[] {
    return this.decisions.get(canonical(prefix))?.paths ?? [];
  }

  /** The whole decision for `prefix`: paths, best, and what each rule removed. */
  decision(prefix: string): Decision<RoutePath> | undefined {
    return this.decisions.get(canonical(prefix));
  }

  /** Every route received for `prefix`, one per peer. */
  candidates(prefix: string): RoutePath[] {
    const key = canonical(prefix);
    return [...this.received.values()].flatMap((m) => {
      const r = m.get(key);
      return r ? [r] : [];
    });
  }

  prefixes(): string[] {
    return [...this.decisions.keys()];
  }

  peers(): readonly PeerStatusEntry[] {
    return this.speaker.status().peers;
  }

  /** Called synchronously whenever a peer's route for a prefix changes; returns an unsubscribe function. */
  onChange(fn: (c: RouteChange) => void): () => void {
    this.routeListeners.add(fn);
    return () => this.routeListeners.delete(fn);
  }

  /** Called whenever a peer's routes change or its session ends, before the route changes it causes. */
  onPeerChange(fn: (c: PeerChange) => void): () => void {
    this.peerListeners.add(fn);
    return () => this.peerListeners.delete(fn);
  }

  private onReceived(peer: string, change: ReceivedChange, view: ReceivedView): void {
    const at = this.clock.now();
    const status = view.status();
    for (const fn of this.peerListeners) fn({ peer, change, at, ...(status.lastError ? { lastError: status.lastError } : {}) });
    const fresh = new Map<string, RoutePath>();
    for (const r of view.receivedRoutes()) {
      fresh.set(r.prefix, {
        peerAddress: peer,
        peerAs: status.peerAs,
        peerRouterId: status.peerRouterId ?? peer,
        internal: status.peerAs === this.opts.localAs,
        nextHops: r.nextHops,
        attributes: r.attributes,
      });
    }
    const old = this.received.get(peer) ?? new Map<string, RoutePath>();
    this.received.set(peer, fresh);
    const affected = new Set<string>();
    for (const [p, r] of fresh) {
      const o = old.get(p);
      if (!o || pathKey(o, p) !== pathKey(r, p)) affected.add(p);
    }
    for (const p of old.keys()) if (!fresh.has(p)) affected.add(p);
    for (const p of affected) this.redecide(p, peer, change, at, fresh.get(p), old.get(p));
  }

  private redecide(prefix: string, peer: string, change: ReceivedChange, at: number, route: RoutePath | undefined, before: RoutePath | undefined): void {
    const previous = this.decisions.get(prefix);
    const decision = decide(this.candidates(prefix), this.opts.decision);
    if (decision) this.decisions.set(prefix, decision);
    else this.decisions.delete(prefix);
    const bestChanged = decisionKey(previous, prefix) !== decisionKey(decision, prefix);
    const c: RouteChange = { prefix, at, peer, change, route, before, decision, previous, bestChanged };
    for (const fn of this.routeListeners) fn(c);
  }
}

/**
 * Passive sessions that store everything they receive. The checks are the
 * ones the config schema would make of the same fields, so a bad option
 * fails here rather than on the wire.
 */
export function speakerConfigOf(opts: RouteServerOptions): SpeakerConfig {
  const bad = (what: string, value: unknown, expected: string): never => {
    throw new Error(`route server ${what}: ${JSON.stringify(value)} is not ${expected}`);
  };
  const asn = (v: number): boolean => Number.isInteger(v) && v >= 1 && v <= 0xffffffff;
  if (isIP(opts.routerId) !== 4 || opts.routerId === '0.0.0.0') bad('router-id', opts.routerId, 'an IPv4 address other than 0.0.0.0');
  if (!asn(opts.localAs)) bad('local-as', opts.localAs, 'an AS number 1..4294967295');
  if (isIP(opts.listen.address) === 0) bad('listen address', opts.listen.address, 'an IP address');
  if (!Number.isInteger(opts.listen.port) || opts.listen.port < 1 || opts.listen.port > 65535) bad('listen port', opts.listen.port, 'a port 1..65535');
  const holdTime = opts.holdTime ?? 90;
  // RFC 4271 4.2: zero, or at least three seconds.
  if (!Number.isInteger(holdTime) || holdTime > 65535 || (holdTime !== 0 && holdTime < 3)) bad('hold-time', holdTime, '0 or 3..65535 seconds');
  return {
    routerId: opts.routerId,
    localAs: opts.localAs,
    hostname: 'route-server',
    listen: { address: opts.listen.address, port: opts.listen.port },
    neighbors: opts.peers.map((p) => {
      const family = isIP(p.address);
      if (family === 0) bad('peer address', p.address, 'an IP address');
      if (!asn(p.peerAs)) bad(`peer-as of ${p.address}`, p.peerAs, 'an AS number 1..4294967295');
      return {
        address: p.address,
        peerAs: p.peerAs,
        ...(p.description !== undefined ? { description: p.description } : {}),
        port: 179,
        passive: true,
        import: 'all' as const,
        holdTime,
        connectRetry: 5,
        families: [family === 6 ? ('ipv6' as const) : ('ipv4' as const)],
        extendedNextHop: false,
        // Helper mode would keep a dead peer's routes; this router forgets them at once.
        gracefulRestart: false as const,
        ttlSecurity: false as const,
        // The config's default: TTL 1 towards an eBGP peer, 255 towards an iBGP one.
        multihop: p.peerAs === opts.localAs ? 255 : 1,
        nextHop: 'self',
        password: undefined,
        localAddress: undefined,
      };
    }),
  };
}

/** 0.0.0.0 or ::, which a BFD socket cannot send from. */
function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function canonical(text: string): string {
  try {
    return prefixText(parsePrefix(text));
  } catch {
    return text;
  }
}
