// A minimal BGP speaker for benchmarks: connects to a receiver, exchanges
// OPEN/KEEPALIVE, then streams a prepared table as fast as the receiver
// reads. It records when the receiver's KEEPALIVEs and UPDATEs arrive.

import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { MessageType } from '../src/bgp/codec/constants.js';
import { Framer } from '../src/bgp/codec/framer.js';
import { frame } from '../src/bgp/codec/header.js';
import { encodeOpen } from '../src/bgp/codec/open.js';

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
  /** performance.now() when the first table byte was written. */
  readonly tableStart: number;
  /** performance.now() when the receiver had read the whole table off the socket. */
  tableWritten(): Promise<number>;
  readonly keepalives: number[];
  readonly updates: number[];
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
  let sawOpen = false;
  let sawKeepalive!: () => void;
  let closed!: (e: Error) => void;
  const established = new Promise<void>((resolve, reject) => {
    sawKeepalive = resolve;
    closed = reject;
  });
  socket.once('close', () => closed(new Error(`${o.host} port ${o.port} closed the connection before the session was established`)));
  const framer = new Framer();
  socket.on('data', (chunk) =>
    framer.push(chunk, (m) => {
      const t = performance.now();
      if (m[18] === MessageType.Open) sawOpen = true;
      else if (m[18] === MessageType.Keepalive) {
        keepalives.push(t);
        if (sawOpen) sawKeepalive();
      } else if (m[18] === MessageType.Update) updates.push(t);
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
  const tableStart = performance.now();
  const written = new Promise<number>((resolve) => socket.write(o.table, () => resolve(performance.now())));
  return {
    tableStart,
    tableWritten: () => written,
    keepalives,
    updates,
    close: () => {
      clearInterval(ka);
      socket.destroy();
    },
  };
}
