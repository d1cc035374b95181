// A minimal BGP speaker for benchmarks: connects to a receiver, exchanges
// OPEN/KEEPALIVE, then streams a prepared table as fast as the receiver
// reads. It records when the receiver's KEEPALIVEs and UPDATEs arrive (and
// which UPDATEs withdraw something), on the host-wide monotonic clock.

import net from 'node:net';
import { MessageType } from '../src/bgp/codec/constants.js';
import { Framer } from '../src/bgp/codec/framer.js';
import { frame } from '../src/bgp/codec/header.js';
import { encodeOpen } from '../src/bgp/codec/open.js';
import { monoMs } from './mono.js';

export interface TablePeerOptions {
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string;
  readonly localAs: number;
  readonly routerId: string;
  readonly holdTime: number;
  readonly table: Buffer;
}

export interface TablePeerRun {
  /** monoMs() when the first table byte was written. */
  readonly tableStart: number;
  /** monoMs() when the receiver had read the whole table off the socket. */
  tableWritten(): Promise<number>;
  /** Arrival times of the receiver's KEEPALIVEs. */
  readonly keepalives: number[];
  readonly updates: number[];
  /** Arrival times of UPDATEs with a non-empty withdrawn routes field (RFC 4271 4.3). */
  readonly withdrawals: number[];
  /** When the connection closed, if it has; and the NOTIFICATION that came before, as code/subcode. */
  readonly closed: { at?: number; notification?: string };
  close(): void;
}

const KEEPALIVE = frame(MessageType.Keepalive, new Uint8Array(0));

export async function streamTable(o: TablePeerOptions): Promise<TablePeerRun> {
  const socket = net.connect({ host: o.host, port: o.port, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const keepalives: number[] = [];
  const updates: number[] = [];
  const withdrawals: number[] = [];
  const closedState: { at?: number; notification?: string } = {};
  let sawOpen = false;
  let sawKeepalive!: () => void;
  let closed!: (e: Error) => void;
  const established = new Promise<void>((resolve, reject) => {
    sawKeepalive = resolve;
    closed = reject;
  });
  socket.once('close', () => {
    closedState.at = monoMs();
    closed(new Error(`${o.host} port ${o.port} closed the connection before the session was established`));
  });
  const framer = new Framer();
  socket.on('data', (chunk) =>
    framer.push(chunk, (m) => {
      const t = monoMs();
      if (m[18] === MessageType.Open) sawOpen = true;
      else if (m[18] === MessageType.Keepalive) {
        keepalives.push(t);
        if (sawOpen) sawKeepalive();
      } else if (m[18] === MessageType.Update) {
        updates.push(t);
        if (m.length >= 21 && (m[19]! | m[20]!) !== 0) withdrawals.push(t);
      } else if (m[18] === MessageType.Notification) closedState.notification = `${m[19] ?? '?'}/${m[20] ?? '?'}`;
    }),
  );
  socket.on('error', () => undefined);
  const open = encodeOpen({
    myAs: o.localAs <= 0xffff ? o.localAs : 23456,
    holdTime: o.holdTime,
    bgpId: o.routerId,
    capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }, { kind: 'route-refresh' }, { kind: 'four-octet-as', asn: o.localAs }],
  });
  socket.write(frame(MessageType.Open, open));
  socket.write(KEEPALIVE);
  await established;
  // Keep our side of the session alive while the table streams.
  const ka = setInterval(() => socket.write(KEEPALIVE), (o.holdTime * 1000) / 3);
  const tableStart = monoMs();
  const written = new Promise<number>((resolve) => socket.write(o.table, () => resolve(monoMs())));
  return {
    tableStart,
    tableWritten: () => written,
    keepalives,
    updates,
    withdrawals,
    closed: closedState,
    close: () => {
      clearInterval(ka);
      socket.destroy();
    },
  };
}
