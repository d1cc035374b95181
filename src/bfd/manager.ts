// BFD sessions keyed by peer address: single hop (RFC 5881, UDP 3784) or
// multihop (RFC 5883, UDP 4784). One session per peer address, as a BGP
// neighbor has one address; the local discriminators are unique and random.

import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { AuthConfig } from './auth.js';
import { BfdError, BfdSession, type BfdTimersMs } from './bfd-session.js';
import { bfdNative, type BfdNative } from './native.js';

export interface BfdPeerOptions {
  readonly local?: string | undefined;
  readonly multihop?: boolean | undefined;
  readonly minTtl?: number | undefined;
  readonly timers?: BfdTimersMs | undefined;
  readonly auth?: AuthConfig | undefined;
}

export interface BfdManagerOptions {
  /** Defaults to the native addon; loaded on the first add(). */
  readonly native?: BfdNative;
  /** A random integer in [min, max), injected for tests; default crypto.randomInt. */
  readonly randomInt?: (min: number, max: number) => number;
}

/** The address's canonical text, so 2001:DB8::1 and 2001:db8:0::1 name one peer. */
export function peerKey(address: string): string {
  const family = isIP(address);
  if (family === 0) throw new BfdError('ERR_BFD_ADDRESS', `BFD peer ${JSON.stringify(address)} is not an IP address`);
  return family === 4 ? address : new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

export class BfdManager {
  private readonly sessions = new Map<string, BfdSession>();
  private native: BfdNative | undefined;
  private readonly rand: (min: number, max: number) => number;

  constructor(private readonly opts: BfdManagerOptions = {}) {
    this.native = opts.native;
    this.rand = opts.randomInt ?? randomInt;
  }

  /** Creates and starts the session to `peer`; throws if one exists or its sockets cannot open. */
  add(peer: string, o: BfdPeerOptions = {}): BfdSession {
    const key = peerKey(peer);
    if (this.sessions.has(key)) throw new BfdError('ERR_BFD_ADDRESS', `a BFD session to ${key} exists already`);
    if (o.local !== undefined && isIP(o.local) === 0) throw new BfdError('ERR_BFD_ADDRESS', `BFD local address ${JSON.stringify(o.local)} is not an IP address`);
    this.native ??= bfdNative();
    const session = new BfdSession({ peer: key, local: o.local, multihop: o.multihop, minTtl: o.minTtl, timers: o.timers, auth: o.auth, localDiscr: this.discriminator() }, this.native);
    session.start();
    this.sessions.set(key, session);
    return session;
  }

  get(peer: string): BfdSession | undefined {
    return this.sessions.get(peerKey(peer));
  }

  get peers(): string[] {
    return [...this.sessions.keys()];
  }

  /** Stops the session cleanly (AdminDown held for the peer's detection time) and forgets it. */
  async remove(peer: string): Promise<void> {
    const key = peerKey(peer);
    const s = this.sessions.get(key);
    if (s === undefined) return;
    this.sessions.delete(key);
    await s.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.peers.map((p) => this.remove(p)));
  }

  private discriminator(): number {
    const used = new Set([...this.sessions.values()].map((s) => s.options.localDiscr));
    for (;;) {
      const d = this.rand(1, 0x1_0000_0000);
      if (!used.has(d)) return d;
    }
  }
}
