// The router side of the withdraw-latency benchmark, a process of its own:
//
//   node dist/bench/withdraw-latency/receiver.js --host A [--port P] --prefix 192.0.2.10/32
//
// Accepts BGP sessions from anyone and prints a JSON line for each UPDATE
// that announces or withdraws the prefix (RFC 4271 4.3: withdrawn routes
// field and NLRI field), with the time its bytes were read and the sender.

import type { AddressInfo } from 'node:net';
import { MessageType } from '../../src/bgp/codec/constants.js';
import { emit, listenPassive, opt, plainAddress } from './bgp-peer.js';

const [addr, len] = opt('prefix').split('/');
const target = Buffer.from([Number(len), ...(addr ?? '').split('.').map(Number)].slice(0, 1 + Math.ceil(Number(len) / 8)));

/** True if the prefix list (length octet, then the significant address octets) holds the target. */
function holdsTarget(m: Uint8Array, from: number, end: number): boolean {
  let at = from;
  while (at < end) {
    const size = 1 + Math.ceil((m[at] ?? 0) / 8);
    if (size === target.length && Buffer.compare(Buffer.from(m.subarray(at, at + size)), target) === 0) return true;
    at += size;
  }
  return false;
}

const server = await listenPassive({
  host: opt('host'),
  port: Number(opt('port', '0')),
  localAs: Number(opt('as', '65000')),
  routerId: opt('host'),
  holdTime: 90,
  onEstablished: (s) => emit('established', { from: plainAddress(s.remoteAddress) }),
  onClose: (s) => emit('closed', { from: plainAddress(s.remoteAddress) }),
  onMessage: (s, m, at) => {
    if (m[18] !== MessageType.Update) return;
    const withdrawnLen = ((m[19] ?? 0) << 8) | (m[20] ?? 0);
    const attrsAt = 21 + withdrawnLen;
    const attrsLen = ((m[attrsAt] ?? 0) << 8) | (m[attrsAt + 1] ?? 0);
    const from = plainAddress(s.remoteAddress);
    if (holdsTarget(m, 21, attrsAt)) emit('withdraw', { t: at, from });
    if (holdsTarget(m, attrsAt + 2 + attrsLen, m.length)) emit('announce', { t: at, from });
  },
});
emit('listening', { port: (server.address() as AddressInfo).port });
