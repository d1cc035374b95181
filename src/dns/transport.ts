import dgram from 'node:dgram';
import net from 'node:net';
import { DnsError } from './errors.js';

/** One UDP try: send `bytes`, resolve with the first datagram whose ID is `id`, or null on timeout. */
export function udpOnce(host: string, port: number, bytes: Uint8Array, id: number, timeoutMs: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (v: Uint8Array | null, err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    // An ICMP port unreachable arrives as ECONNREFUSED on a connected socket: wait out the try, the server may be restarting.
    sock.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? undefined : finish(null, new DnsError('ERR_DNS_NETWORK', `UDP to ${host}:${port}: ${e.code ?? e.message}`))));
    sock.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(new Uint8Array(msg));
    });
    sock.connect(port, host, () => sock.send(bytes));
  });
}

/** One TCP exchange with the 2-byte length prefix (RFC 1035 4.2.2, RFC 7766). */
export function tcpOnce(host: string, port: number, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const chunks: Buffer[] = [];
    let have = 0;
    const timer = setTimeout(() => fail(new DnsError('ERR_DNS_TIMEOUT', `no answer over TCP from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    sock.on('error', (e: NodeJS.ErrnoException) => fail(new DnsError('ERR_DNS_NETWORK', `TCP to ${host}:${port}: ${e.code ?? e.message}`)));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(bytes.length);
      sock.write(Buffer.concat([len, bytes]));
    });
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      have += d.length;
      const all = Buffer.concat(chunks);
      if (have >= 2 && have >= 2 + all.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        resolve(new Uint8Array(all.subarray(2, 2 + all.readUInt16BE(0))));
      }
    });
    sock.on('end', () => fail(new DnsError('ERR_DNS_NETWORK', `${host}:${port} closed the TCP connection before a whole answer`)));
  });
}
