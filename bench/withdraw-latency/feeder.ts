// The full-table side of the withdraw-latency benchmark, a process of its own:
//
//   node dist/bench/withdraw-latency/feeder.js --host A [--port P] --prefixes N [--attribute-sets K]
//
// Accepts BGP sessions and, once one is Established, sends it the synthetic
// table (bench/full-table.ts) again and again, as fast as the peer reads,
// until the benchmark stops it: the table is being received for the whole
// measurement. Every 100 ms it prints how many bytes the kernel has taken
// and how many still wait in our buffer: while some wait, the peer has not
// caught up (the kernel's buffers on both ends are full), so it is still
// working through the table.

import type { AddressInfo, Socket } from 'node:net';
import { makeFullTable } from '../full-table.js';
import { emit, listenPassive, opt, plainAddress } from './bgp-peer.js';

const CHUNK = 1 << 20;
const sets = process.argv.includes('--attribute-sets') ? Number(opt('attribute-sets')) : undefined;
const table = makeFullTable(Number(opt('prefixes')), 42, sets);
emit('ready', { prefixes: table.prefixes, updates: table.updates, bytes: table.bytes.length });

function stream(socket: Socket): void {
  const from = plainAddress(socket.remoteAddress);
  let offset = 0;
  let passes = 0;
  let flushed = 0;
  let closed = false;
  const progress = setInterval(() => emit('progress', { from, flushed, passes, waiting: socket.writableLength }), 100);
  socket.once('close', () => {
    closed = true;
    clearInterval(progress);
  });
  const pump = (): void => {
    while (!closed) {
      const chunk = table.bytes.subarray(offset, Math.min(offset + CHUNK, table.bytes.length));
      offset += chunk.length;
      if (offset >= table.bytes.length) {
        offset = 0;
        passes++;
      }
      const more = socket.write(chunk, (err) => {
        if (!err) flushed += chunk.length;
      });
      if (!more) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  emit('table-start', { from });
  pump();
}

const server = await listenPassive({
  host: opt('host'),
  port: Number(opt('port', '0')),
  localAs: Number(opt('as', '65000')),
  routerId: opt('host'),
  holdTime: 90,
  onEstablished: stream,
  onMessage: () => undefined,
});
emit('listening', { port: (server.address() as AddressInfo).port });
