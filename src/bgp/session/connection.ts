// The session's one TCP connection: dialling, taking a socket on, writing,
// and closing. Every attempt and socket gets a generation; late callbacks of
// an older one are ignored.

import type { Logger } from 'pino';
import type { FsmEvent } from '../fsm/index.js';
import type { Clock } from '../../util/clock.js';
import type { Receiver } from './receiver.js';
import type { SessionTimers } from './session-timers.js';
import type { SessionSocket } from './socket.js';

/** How long a closing socket may take to deliver its last NOTIFICATION before it is destroyed. */
export const CLOSE_GRACE_MS = 2000;

export type Direction = 'inbound' | 'outbound';

export interface ConnectionOptions {
  /** The neighbor's address, for logs. */
  readonly address: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Opens a TCP connection to the peer. */
  readonly connect: () => Promise<SessionSocket>;
  /** Feeds one event to the FSM. */
  readonly fire: (e: FsmEvent) => void;
  /** The FSM still waits for a connection (Connect/Active): a dial that completes later is dropped. */
  readonly waiting: () => boolean;
  readonly rx: Receiver;
  readonly timers: SessionTimers;
}

export class Connection {
  private current: SessionSocket | null = null;
  private dir: Direction | undefined;
  /** Bumped for every connection attempt and socket; late callbacks from older ones are ignored. */
  private generation = 0;
  private readonly closeWaiters: (() => void)[] = [];
  private written = 0;

  constructor(private readonly o: ConnectionOptions) {}

  get socket(): SessionSocket | null {
    return this.current;
  }

  /** Which side opened the connection (kept after it closes). */
  get direction(): Direction | undefined {
    return this.dir;
  }

  get messagesOut(): number {
    return this.written;
  }

  /** Resolves once the socket now in use has closed (at once without one). */
  closed(): Promise<void> {
    return this.current ? new Promise<void>((resolve) => this.closeWaiters.push(resolve)) : Promise.resolve();
  }

  dial(): void {
    const gen = ++this.generation;
    this.o.connect().then(
      (socket) => {
        if (gen !== this.generation || this.current || !this.o.waiting()) {
          socket.destroy();
          return;
        }
        this.adopt(socket, 'outbound');
        this.o.fire({ kind: 'TcpCrAcked' });
      },
      (e: unknown) => {
        if (gen !== this.generation) return;
        this.o.log.info({ err: (e as Error).message }, `connect to ${this.o.address} failed: ${(e as Error).message}`);
        this.o.fire({ kind: 'TcpConnectionFails' });
      },
    );
  }

  /** Abandons a dial in progress. */
  abandonDial(): void {
    this.generation++;
  }

  adopt(socket: SessionSocket, direction: Direction): void {
    const gen = ++this.generation;
    this.current = socket;
    this.dir = direction;
    socket.setNoDelay?.(true);
    this.o.rx.attach(socket);
    socket.on('data', (chunk) => {
      if (gen === this.generation) this.o.rx.push(chunk);
    });
    socket.on('drain', () => {
      if (gen === this.generation) this.o.timers.drained();
    });
    socket.on('error', (e) => {
      if (gen === this.generation) this.o.log.info({ err: e.message }, `socket error: ${e.message}`);
    });
    socket.on('close', () => {
      if (gen !== this.generation) return;
      this.detach();
      this.o.fire({ kind: 'TcpConnectionFails' });
    });
  }

  write(b: Buffer): void {
    const s = this.current;
    if (!s) return;
    this.written++;
    if (!s.write(b)) this.o.timers.writeBlocked();
  }

  close(): void {
    const s = this.current;
    if (!s) {
      this.generation++; // abandon a dial in progress
      return;
    }
    // stop() resolves once the socket is closed, so the withdraw and the NOTIFICATION have left
    // (what comes next, e.g. removing a floating address, must not overtake them).
    const waiters = this.closeWaiters.splice(0);
    const done = (): void => {
      for (const w of waiters.splice(0)) w();
    };
    this.detach();
    s.on('error', () => undefined);
    // end() lets a NOTIFICATION written just before leave; destroy if the peer never reads it.
    s.end();
    const t = this.o.clock.setTimer(CLOSE_GRACE_MS, () => {
      s.destroy();
      done();
    });
    s.on('close', () => {
      this.o.clock.clearTimer(t);
      done();
    });
  }

  /** Forgets the current socket without firing events. */
  private detach(): void {
    this.generation++;
    this.o.rx.detach();
    this.current?.removeAllListeners();
    this.current = null;
    this.o.timers.drained();
    for (const w of this.closeWaiters.splice(0)) w();
  }
}
