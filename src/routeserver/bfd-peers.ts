// BFD beside the route server's BGP sessions, single hop (RFC 5881), on
// floatd's own BFD sessions (src/bfd). When a peer's BFD goes from Up to
// Down, its BGP session is reset at once and its routes go with it, as a
// router with BFD on for the neighbor does (RFC 5882 4.3); the hold timer is
// not waited for. A peer that is not running BFD leaves its session Down,
// which costs that peer the protection, never its BGP session.

import { BfdManager, DEFAULT_BFD_TIMERS, type BfdTimersMs } from '../bfd/index.js';
import type { BfdStateName } from '../bfd/packet.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

/** A peer's BFD session came up or went down. */
export interface BfdPeerChange {
  readonly peer: string;
  readonly state: 'up' | 'down';
  /** Clock time (ms); for a Down, when the BFD thread saw the cause (the detection time ran out, or the peer's packet). */
  readonly at: number;
  readonly reason?: string;
  /** A Down that is a failure (not the peer's AdminDown): the BGP session is reset right after this event. */
  readonly failure?: boolean;
  /** The BGP session was Established when BFD went down (a peer whose process died has usually lost it already). */
  readonly bgpEstablished?: boolean;
}

export interface BfdPeersOptions {
  readonly manager: BfdManager;
  /** Speaker.resetPeer. */
  readonly reset: (peer: string, reason: string) => boolean;
  readonly established: (peer: string) => boolean;
  readonly clock: Clock;
  readonly log: Logger;
}

export class BfdPeers {
  private readonly listeners = new Set<(c: BfdPeerChange) => void>();
  private stopped = false;

  constructor(private readonly o: BfdPeersOptions) {}

  /**
   * One session per peer, from `local` (the address the route server
   * listens on, if it is not a wildcard). Throws when the addon is missing
   * or UDP 3784 cannot be bound, so the route server does not start without it.
   */
  start(peers: readonly { readonly address: string; readonly timers: BfdTimersMs | true }[], local: string | undefined): void {
    for (const p of peers) {
      const timers = p.timers === true ? DEFAULT_BFD_TIMERS : p.timers;
      const session = this.o.manager.add(p.address, { local, multihop: false, timers });
      const log = this.o.log.child({ peer: p.address, bfd: true });
      log.info(timers, 'BFD single hop session started');
      session.on('state', (a) => log.info({ from: a.from, to: a.to, diag: a.diag }, `BFD ${a.from} -> ${a.to}${a.reason ? `: ${a.reason}` : ''}`));
      session.on('up', () => this.emit({ peer: p.address, state: 'up', at: this.o.clock.now() }));
      session.on('down', (d) => {
        if (this.stopped) return;
        const at = this.o.clock.now() - d.delayMs;
        // RFC 5882 3.2: a peer that stops BFD on purpose (AdminDown) has not failed; its BGP session ends by itself.
        const failure = session.snapshot.remoteState !== 'AdminDown';
        this.emit({ peer: p.address, state: 'down', at, reason: d.reason, failure, bgpEstablished: this.o.established(p.address) });
        if (!failure) return;
        const bgpReset = this.o.reset(p.address, `BFD down: ${d.reason}`);
        log.warn({ diag: d.diag, delayMs: Math.round(d.delayMs), bgpReset }, `BFD down: ${d.reason}${bgpReset ? '; BGP session reset' : ''}`);
      });
    }
  }

  state(peer: string): BfdStateName | undefined {
    return this.o.manager.get(peer)?.state;
  }

  onChange(fn: (c: BfdPeerChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Every session sends AdminDown, so the peers see a clean stop rather than a failure. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.o.manager.stopAll();
  }

  private emit(c: BfdPeerChange): void {
    for (const fn of this.listeners) fn(c);
  }
}
