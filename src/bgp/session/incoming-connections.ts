// Connections the peer opens to us while the session already has one, or
// cannot take one (RFC 4271 6.8). In OpenSent the newcomer is parked until its
// OPEN names the peer; the collision is decided by resolveCollision (pure) and
// carried out by the FSM (ConnectionCollision), whose refuse-incoming or
// adopt-incoming action then takes the newcomer from here.

import type { Logger } from 'pino';
import { CeaseSubcode, ErrorCode, FsmSubcode, HeaderSubcode, MessageType } from '../codec/constants.js';
import type { BgpDecodeError } from '../codec/errors.js';
import { Framer } from '../codec/framer.js';
import { frame } from '../codec/header.js';
import { encodeNotification } from '../codec/notification.js';
import { decodeOpen, type OpenMessage } from '../codec/open.js';
import { collisionSurvivor, resolveCollision, type FsmConfig, type FsmEvent, type FsmState, type OutgoingNotification } from '../fsm/index.js';
import type { Clock } from '../../util/clock.js';
import { CLOSE_GRACE_MS } from './connection.js';
import type { SessionSocket } from './socket.js';

const COLLISION_RESOLUTION: OutgoingNotification = { code: ErrorCode.Cease, subcode: CeaseSubcode.ConnectionCollisionResolution };
const CONNECTION_REJECTED: OutgoingNotification = { code: ErrorCode.Cease, subcode: CeaseSubcode.ConnectionRejected };
// A parked connection's first message must be its OPEN (RFC 6608), and its bytes must frame (RFC 4271 6.1).
const UNEXPECTED_IN_OPEN_SENT: OutgoingNotification = { code: ErrorCode.Fsm, subcode: FsmSubcode.UnexpectedInOpenSent };
const NOT_SYNCHRONIZED: OutgoingNotification = { code: ErrorCode.MessageHeader, subcode: HeaderSubcode.ConnectionNotSynchronized };

export interface IncomingConnectionsOptions {
  /** The neighbor's address, for logs. */
  readonly address: string;
  readonly fsm: FsmConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** Feeds one event to the FSM. */
  readonly fire: (e: FsmEvent) => void;
  /** The session has no connection yet (Connect/Active): the newcomer becomes it. */
  readonly take: (socket: SessionSocket) => void;
  /** Which side opened the session's connection. */
  readonly direction: () => 'inbound' | 'outbound' | undefined;
  /** The session's connection now. */
  readonly current: () => SessionSocket | null;
  /** Queues bytes already read from the newcomer (its OPEN) for the session's receive side. */
  readonly received: (chunk: Buffer) => void;
}

export class IncomingConnections {
  private parked: { socket: SessionSocket; framer: Framer } | null = null;
  /** The newcomer while the FSM decides a collision about it. */
  private incoming: SessionSocket | null = null;

  constructor(private readonly o: IncomingConnectionsOptions) {}

  /** An accepted TCP connection from the peer's address; `stopped`: the session was stopped by the operator. */
  accept(socket: SessionSocket, state: FsmState, stopped: boolean): void {
    switch (state.name) {
      case 'Connect':
      case 'Active':
        return this.o.take(socket);
      case 'OpenSent':
        // RFC 4271 6.8: the peer's identifier is in the OPEN this connection will bring.
        if (this.parked) return this.refuse(socket, COLLISION_RESOLUTION, 'a second incoming connection while one waits');
        this.park(socket);
        return;
      case 'OpenConfirm':
        this.collide(socket, state.negotiated.peerRouterId, state.negotiated.peerAs, undefined);
        return;
      case 'Established':
        // RFC 4271 6.8: an Established session always wins.
        return this.refuse(socket, COLLISION_RESOLUTION, 'collision with the Established session');
      case 'Idle':
        return this.refuse(socket, CONNECTION_REJECTED, stopped ? 'neighbor is stopped' : 'neighbor is waiting before it restarts');
    }
  }

  /** The FSM's refuse-incoming / adopt-incoming: the newcomer of the collision being decided. */
  take(): SessionSocket | null {
    const s = this.incoming;
    this.incoming = null;
    return s;
  }

  /** Sends a NOTIFICATION on a connection we do not take, and closes it. */
  refuse(socket: SessionSocket, n: OutgoingNotification, why: string): void {
    this.o.log.info(`refusing a connection from ${this.o.address}: ${why}`);
    socket.on('error', () => undefined);
    socket.write(frame(MessageType.Notification, encodeNotification(n)));
    socket.end();
    const t = this.o.clock.setTimer(CLOSE_GRACE_MS, () => socket.destroy());
    socket.on('close', () => this.o.clock.clearTimer(t));
  }

  /** Lets a parked connection go: with a NOTIFICATION, or (no `n`) at once. */
  dropParked(n: OutgoingNotification | undefined): void {
    const p = this.parked;
    this.parked = null;
    if (!p) return;
    p.socket.removeAllListeners();
    if (n) this.refuse(p.socket, n, 'collision resolution');
    else p.socket.destroy();
  }

  private park(socket: SessionSocket): void {
    const framer = new Framer();
    this.parked = { socket, framer };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.parked?.socket === socket) this.parked = null;
    });
    socket.on('data', (chunk) => {
      if (this.parked?.socket !== socket) return;
      try {
        framer.push(chunk, (m) => {
          if (this.parked?.socket !== socket) return;
          socket.pause();
          socket.removeAllListeners('data');
          if (m[18] !== MessageType.Open) return this.dropParked(UNEXPECTED_IN_OPEN_SENT);
          let open: OpenMessage;
          try {
            open = decodeOpen(m, 19, m.length);
          } catch (e) {
            const err = e as BgpDecodeError;
            return this.dropParked({ code: err.errorCode, subcode: err.errorSubcode, data: err.data });
          }
          this.parked = null;
          socket.removeAllListeners();
          this.collide(socket, open.bgpId, this.o.fsm.peer.peerAs, m);
        });
      } catch {
        this.dropParked(NOT_SYNCHRONIZED);
      }
    });
  }

  /**
   * Two connections to one peer: the higher BGP identifier's survives (resolveCollision), and the
   * FSM carries that out. `open` is the newcomer's OPEN, if read; it is handled once the newcomer is ours.
   */
  private collide(incoming: SessionSocket, peerRouterId: string, peerAs: number, open: Buffer | undefined): void {
    const winner = resolveCollision(this.o.fsm.local.routerId, peerRouterId, this.o.fsm.local.localAs, peerAs);
    this.incoming = incoming;
    this.o.fire({ kind: 'ConnectionCollision', keep: collisionSurvivor(winner, this.o.direction() ?? 'inbound'), peerRouterId });
    this.incoming = null;
    if (open && this.o.current() === incoming) this.o.received(open);
  }
}
