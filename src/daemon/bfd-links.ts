// BFD beside the BGP sessions: one BFD session per neighbor with `bfd`, and
// the one thing RFC 5882 4.3 asks of the client protocol: when BFD goes from
// Up to Down, the BGP session goes down at once. It then comes back by its
// normal reconnect; it is not held down until BFD is Up again, so a peer that
// stops running BFD (or never ran it) costs protection, never the session
// (RFC 5882 3.2 leaves that choice to the client; docs/config.md says why).

import type { BfdDown, BfdManager, BfdSession } from '../bfd/index.js';
import type { BfdTransmitStats } from '../bfd/bfd-session.js';
import type { BfdStateName } from '../bfd/packet.js';
import { detectionTimeUs, txIntervalUs } from '../bfd/session-state.js';
import type { Config, NeighborConfig } from '../config/index.js';
import type { BfdSetting } from '../config/bfd-schema.js';
import { sameValue } from './config-values.js';
import type { Logger } from '../util/log.js';

/** The BGP side BFD acts on: Speaker.resetPeer. */
export interface BgpResetter {
  resetPeer(address: string, reason: string): boolean;
}

/** A neighbor's BFD in `floatd peers --json` and metrics. */
export interface BfdPeerStatus {
  readonly state: BfdStateName;
  readonly remoteState: BfdStateName;
  readonly multihop: boolean;
  /** Negotiated: how often we send, how often the peer sends (ms), and how long without a packet is a failure. */
  readonly txIntervalMs: number;
  readonly rxIntervalMs: number;
  readonly detectionTimeMs: number;
  /** State changes since start (Down -> Init -> Up is two). */
  readonly stateChanges: number;
  /** Up -> Down transitions; each reset the BGP session. */
  readonly downs: number;
  /** delayMs: from the native thread's decision to the event loop acting on it (the BGP reset). */
  readonly lastDown?: { readonly reason: string; readonly diag: number; readonly at: string; readonly delayMs: number };
  /** The native thread's sending, worst since the session started. */
  readonly transmit: BfdTransmitStats;
}

/** A state change, for the daemon's event list. */
export interface BfdTransition {
  readonly from: BfdStateName;
  readonly to: BfdStateName;
  readonly diag: number;
  readonly reason: string;
}

interface Link {
  readonly setting: BfdSetting;
  readonly multihop: boolean;
  readonly session: BfdSession;
  stateChanges: number;
  downs: number;
  lastDown?: BfdPeerStatus['lastDown'];
}

/** RFC 5881 for a directly connected peer, RFC 5883 when the BGP session may cross routers. */
export function bfdMultihop(n: Pick<NeighborConfig, 'multihop' | 'ttlSecurity'>): boolean {
  return n.ttlSecurity === false ? n.multihop > 1 : n.ttlSecurity > 1;
}

export interface BfdLinksOptions {
  readonly manager: BfdManager;
  readonly bgp: BgpResetter;
  readonly log: Logger;
  /** Wall-clock time for `lastDown.at`; Date.now by default. */
  readonly wallTime?: () => number;
  /** Every state change of a neighbor's session (the event list). */
  readonly onTransition?: (neighbor: string, t: BfdTransition) => void;
}

export class BfdLinks {
  private readonly links = new Map<string, Link>();
  private closed = false;

  constructor(private readonly o: BfdLinksOptions) {}

  /** Starts a session per neighbor with `bfd`. Throws (addon missing, socket refused) so the daemon does not start without it. */
  start(cfg: Pick<Config, 'neighbors'>): void {
    for (const n of cfg.neighbors) if (n.bfd) this.add(n, n.bfd);
  }

  /** A reload: sessions of neighbors gone or whose bfd or addresses changed stop (AdminDown); new ones start. */
  async reconfigure(next: Pick<Config, 'neighbors'>): Promise<void> {
    if (this.closed) return;
    const wanted = new Map(next.neighbors.filter((n) => n.bfd !== undefined).map((n) => [n.address, n]));
    const stopping: Promise<void>[] = [];
    for (const [address, link] of this.links) {
      const n = wanted.get(address);
      if (n && sameValue(n.bfd, link.setting) && bfdMultihop(n) === link.multihop && n.localAddress === link.session.options.local) continue;
      this.links.delete(address);
      stopping.push(this.o.manager.remove(address));
    }
    await Promise.all(stopping);
    for (const n of wanted.values()) if (!this.links.has(n.address)) this.add(n, n.bfd!);
  }

  status(address: string): BfdPeerStatus | undefined {
    const l = this.links.get(address);
    if (!l) return undefined;
    const s = l.session.snapshot;
    return {
      state: s.state,
      remoteState: s.remoteState,
      multihop: l.multihop,
      txIntervalMs: txIntervalUs(s) / 1000,
      // The peer sends at its desired min TX or our required min RX, whichever is slower (RFC 5880 6.8.7).
      rxIntervalMs: s.remoteDetectMult === 0 ? 0 : Math.max(s.rxBaseUs, s.remoteDesiredMinTxUs) / 1000,
      detectionTimeMs: detectionTimeUs(s) / 1000,
      stateChanges: l.stateChanges,
      downs: l.downs,
      ...(l.lastDown ? { lastDown: l.lastDown } : {}),
      transmit: l.session.transmitStats(),
    };
  }

  /** The speaker's status with each neighbor's `bfd` added, for `floatd peers` and metrics. */
  decorate<P extends { readonly address: string }, S extends { readonly peers: readonly P[] }>(s: S): S {
    if (this.links.size === 0) return s;
    return { ...s, peers: s.peers.map((p) => ({ ...p, ...(this.links.has(p.address) ? { bfd: this.status(p.address) } : {}) })) };
  }

  /** Clean stop: every session sends AdminDown (diag 7) and holds it for the peer's detection time. */
  async close(): Promise<void> {
    this.closed = true;
    this.links.clear();
    await this.o.manager.stopAll();
  }

  private add(n: NeighborConfig, setting: BfdSetting): void {
    const multihop = bfdMultihop(n);
    const session = this.o.manager.add(n.address, {
      local: n.localAddress,
      multihop,
      timers: { minTxMs: setting.minTxMs, minRxMs: setting.minRxMs, multiplier: setting.multiplier },
      ...(setting.auth ? { auth: { type: setting.auth.type, keyId: setting.auth.keyId, key: Buffer.from(setting.auth.key.reveal()) } } : {}),
    });
    const link: Link = { setting, multihop, session, stateChanges: 0, downs: 0 };
    this.links.set(n.address, link);
    const log = this.o.log.child({ peer: n.address, bfd: true });
    log.info({ multihop, minTxMs: setting.minTxMs, minRxMs: setting.minRxMs, multiplier: setting.multiplier }, `BFD ${multihop ? 'multihop' : 'single hop'} session started`);
    session.on('state', (a) => {
      link.stateChanges++;
      log.info({ from: a.from, to: a.to, diag: a.diag }, `BFD ${a.from} -> ${a.to}${a.reason ? `: ${a.reason}` : ''}`);
      this.o.onTransition?.(n.address, { from: a.from, to: a.to, diag: a.diag, reason: a.reason });
    });
    session.on('up', () => {
      const st = this.status(n.address);
      log.info({ txIntervalMs: st?.txIntervalMs, detectionTimeMs: st?.detectionTimeMs }, 'BFD up');
    });
    session.on('down', (d: BfdDown) => this.onDown(n.address, link, d, log));
    session.on('discard', (why) => log.debug({ why }, `BFD packet discarded: ${why}`));
  }

  private onDown(address: string, link: Link, d: BfdDown, log: Logger): void {
    if (this.closed || this.links.get(address) !== link) return;
    link.downs++;
    const delayMs = Math.round(d.delayMs * 10) / 10;
    link.lastDown = { reason: d.reason, diag: d.diag, at: new Date((this.o.wallTime ?? Date.now)()).toISOString(), delayMs };
    const reason = `BFD down: ${d.reason}`;
    // RFC 5882 4.3: the failure of the forwarding path is the session's failure; no waiting for the hold timer.
    const reset = this.o.bgp.resetPeer(address, reason);
    log.warn({ diag: d.diag, delayMs, bgpReset: reset }, `${reason}${reset ? '; BGP session reset' : ''}`);
  }
}
