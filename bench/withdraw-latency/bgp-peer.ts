// The passive side of a minimal BGP session for the withdraw-latency
// benchmark's helper processes: accepts a connection, sends OPEN and
// KEEPALIVE, keeps the session alive, and hands each received message to the
// caller with the time its bytes were read (monoMs, the host-wide clock).

import net from 'node:net';
import { MessageType } from '../../src/bgp/codec/constants.js';
import { Framer } from '../../src/bgp/codec/framer.js';
import { frame } from '../../src/bgp/codec/header.js';
import { encodeOpen } from '../../src/bgp/codec/open.js';
import { monoMs } from '../mono.js';

export interface PassivePeerOptions {
  readonly host: string;
  readonly port: number;
  readonly localAs: number;
  readonly routerId: string;
  readonly holdTime: number;
  /** Every message, whole (header included), with the time its chunk was read. */
  readonly onMessage: (socket: net.Socket, message: Uint8Array, at: number) => void;
  /** After the peer's OPEN and KEEPALIVE: the session is Established. */
  readonly onEstablished?: (socket: net.Socket) => void;
  readonly onClose?: (socket: net.Socket) => void;
}

export const KEEPALIVE = frame(MessageType.Keepalive, new Uint8Array(0));

export const plainAddress = (a: string | undefined): string => (a ?? '?').replace(/^::ffff:/, '');

/** Prints one JSON line on stdout: how the helpers report to the benchmark. */
export const emit = (event: string, extra: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, t: monoMs(), ...extra })}\n`);
};

export function listenPassive(o: PassivePeerOptions): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const open = encodeOpen({
      myAs: o.localAs <= 0xffff ? o.localAs : 23456,
      holdTime: o.holdTime,
      bgpId: o.routerId,
      capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'route-refresh' }, { kind: 'four-octet-as', asn: o.localAs }],
    });
    socket.write(frame(MessageType.Open, open));
    let sawOpen = false;
    let established = false;
    const ka = setInterval(() => socket.write(KEEPALIVE), (o.holdTime * 1000) / 3);
    const framer = new Framer();
    socket.on('data', (chunk) => {
      const at = monoMs();
      framer.push(chunk, (m) => {
        const type = m[18];
        if (type === MessageType.Open) {
          sawOpen = true;
          socket.write(KEEPALIVE);
        } else if (type === MessageType.Keepalive && sawOpen && !established) {
          established = true;
          o.onEstablished?.(socket);
        }
        o.onMessage(socket, m, at);
      });
    });
    socket.on('close', () => {
      clearInterval(ka);
      o.onClose?.(socket);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}

/** Option value from argv (`--name value`). */
export function opt(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) {
    process.stderr.write(`--${name} is required\n`);
    process.exit(2);
  }
  return v;
}
