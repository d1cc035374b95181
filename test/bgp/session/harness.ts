// A PeerSession wired to an in-memory socket and a fake clock. The test plays
// the peer: it writes bytes (built independently from hex) and reads what the
// session sent, decoded with the codec.

import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { Framer } from '../../../src/bgp/codec/framer.js';
import { decodeMessage, type DecodedMessage } from '../../../src/bgp/codec/message.js';
import { endOfRibFamily } from '../../../src/bgp/codec/update.js';
import { AS4_CONTEXT, type CodecContext } from '../../../src/bgp/codec/types.js';
import type { FsmConfig } from '../../../src/bgp/fsm/index.js';
import { PeerSession, type PeerSessionOptions } from '../../../src/bgp/session/peer-session.js';
import type { SessionSocket } from '../../../src/bgp/session/socket.js';
import { toAnnouncement, type Announcement } from '../../../src/bgp/rib/announcement.js';
import { FakeClock } from '../../../src/util/clock.js';
import { msg } from '../../helpers/hex.js';

export class FakeSocket extends EventEmitter implements SessionSocket {
  readonly written: Buffer[] = [];
  writeOk = true;
  ended = false;
  destroyed = false;
  paused = false;
  writableLength = 0;
  constructor(
    readonly localAddress = '10.0.0.2',
    readonly remoteAddress = '10.0.0.1',
  ) {
    super();
  }
  write(data: Uint8Array): boolean {
    this.written.push(Buffer.from(data));
    if (!this.writeOk) this.writableLength += data.length;
    return this.writeOk;
  }
  end(): void {
    this.ended = true;
    queueMicrotask(() => this.emit('close'));
  }
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  /** The peer sends bytes. */
  feed(b: Buffer): void {
    this.emit('data', b);
  }
  /** The peer closes the connection. */
  drop(): void {
    this.emit('close');
  }
}

/** Our AS 65001 (router id 10.0.0.2), the peer AS 65000 (router id 10.0.0.1). */
export const PEER_OPEN = msg(1, '04 fde8 0009 0a000001 10 020e 0104 00010001 0200 4104 0000fde8');
export const KEEPALIVE = msg(4, '');

export function fsmConfig(over: Partial<FsmConfig> = {}): FsmConfig {
  return {
    passive: false,
    connectRetryMs: 5000,
    connectRetryMaxMs: 120000,
    idleHoldMs: 1000,
    idleHoldMaxMs: 60000,
    largeHoldMs: 240000,
    local: { localAs: 65001, routerId: '10.0.0.2', holdTime: 9, families: ['ipv4'], extendedNextHopIpv4: false, extendedMessage: false },
    peer: { peerAs: 65000 },
    ...over,
  };
}

/** A route for 10.0.0.1 with next hop 10.0.0.2: towards the eBGP peer, ORIGIN IGP and AS_PATH [65001], the MED when given. */
export const route = (p: string, med?: number): Announcement =>
  toAnnouncement({ prefix: p, nextHop: '10.0.0.2', med, prepend: 0, communities: [], largeCommunities: [], neighbors: ['10.0.0.1'] });

/** The harness's neighbor as routes-for sees it. */
export const TARGET = { localAs: 65001, address: '10.0.0.1', peerAs: 65000, nextHop: 'self' } as const;

export interface Harness {
  session: PeerSession;
  clock: FakeClock;
  sockets: FakeSocket[];
  /** The routes handed to the session at its creation; fill before it is Established, then use session.setDesired. */
  desired: Announcement[];
  /** Runs queued receive work and pending promise callbacks. */
  settle(): Promise<void>;
  /** Decodes everything the session wrote on a socket since the last call. */
  sent(socket?: FakeSocket, ctx?: CodecContext): DecodedMessage[];
  /** Drives the session to Established over a new outgoing connection. */
  establish(): Promise<FakeSocket>;
}

export function harness(over: Partial<PeerSessionOptions> = {}, fsm: Partial<FsmConfig> = {}): Harness {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const pending: (() => void)[] = [];
  const read = new Map<FakeSocket, number>();
  const desired: Announcement[] = [];
  const session = new PeerSession({
    address: '10.0.0.1',
    fsm: fsmConfig(fsm),
    importMode: 'none',
    clock,
    log: pino({ level: 'silent' }),
    connect: async () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    target: TARGET,
    random: () => 1,
    schedule: (fn) => pending.push(fn),
    ...over,
  });
  session.setDesired(desired);
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      while (pending.length > 0) pending.shift()!();
    }
  };
  const sent = (socket = sockets[sockets.length - 1]!, ctx: CodecContext = AS4_CONTEXT): DecodedMessage[] => {
    const from = read.get(socket) ?? 0;
    read.set(socket, socket.written.length);
    const out: DecodedMessage[] = [];
    const f = new Framer();
    for (const b of socket.written.slice(from)) f.push(b, (m) => out.push(decodeMessage(m, ctx)));
    return out;
  };
  const establish = async (): Promise<FakeSocket> => {
    session.start();
    await settle();
    const s = sockets[sockets.length - 1]!;
    s.feed(PEER_OPEN);
    s.feed(KEEPALIVE);
    await settle();
    return s;
  };
  return { session, clock, sockets, desired, settle, sent, establish };
}

/** What the session sent, in short: 'update', 'eor', 'notification 6/7', 'keepalive', ... */
export const kinds = (ms: DecodedMessage[]): string[] =>
  ms.map((m) => (m.type === 'update' ? (endOfRibFamily(m) !== undefined ? 'eor' : 'update') : m.type === 'notification' ? `notification ${m.code}/${m.subcode}` : m.type));
export const announced = (ms: DecodedMessage[]): string[] =>
  ms.flatMap((m) => (m.type === 'update' ? m.nlri.map((p) => `${p.addr}/${p.len}${m.attributes.med === undefined ? '' : ` med ${m.attributes.med}`}`) : []));
export const withdrawn = (ms: DecodedMessage[]): string[] => ms.flatMap((m) => (m.type === 'update' ? m.withdrawn.map((p) => `${p.addr}/${p.len}`) : []));
