// Real loopback servers for probe tests: TLS material made with openssl at
// test time, and a tiny UDP DNS responder written from RFC 1035 4.1.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo, Server } from 'node:net';
import { tempDir } from '../../helpers/temp-dir.js';

/** A self-signed certificate for CN/SAN svc.test and IP 127.0.0.1. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = tempDir('floatd-tls-');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=svc.test',
      '-addext', 'subjectAltName=DNS:svc.test,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });

/**
 * Answers A/AAAA questions for the names in `records`; NXDOMAIN for others;
 * no answer at all for names in `silent` (to exercise timeouts).
 */
export async function dnsResponder(
  records: Record<string, { A?: string[]; AAAA?: string[] }>,
  silentNames: readonly string[] = [],
): Promise<{ port: number; queries: string[]; close(): Promise<void> }> {
  const sock: Socket = createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    // Header: ID(2) flags(2) QDCOUNT(2) ANCOUNT(2) NSCOUNT(2) ARCOUNT(2), then QNAME labels, QTYPE(2), QCLASS(2).
    const labels: string[] = [];
    let at = 12;
    while (msg[at]! !== 0) {
      const len = msg[at]!;
      labels.push(msg.subarray(at + 1, at + 1 + len).toString('ascii'));
      at += 1 + len;
    }
    const qEnd = at + 5;
    const qtype = msg.readUInt16BE(at + 1);
    const name = labels.join('.').toLowerCase();
    queries.push(`${name}/${qtype}`);
    if (silentNames.includes(name)) return;
    const rec = records[name];
    const addrs = qtype === 1 ? (rec?.A ?? []) : qtype === 28 ? (rec?.AAAA ?? []) : [];
    const answers = addrs.map((a) => {
      const rdata = qtype === 1 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(30, 6); // TTL
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    const head = Buffer.alloc(12);
    msg.copy(head, 0, 0, 2);
    // QR=1, opcode 0, RD copied, RA=1; RCODE 3 (NXDOMAIN) when the name is unknown.
    head.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (rec ? 0 : 3), 2);
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(answers.length, 6);
    sock.send(Buffer.concat([head, msg.subarray(12, qEnd), ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: sock.address().port,
    queries,
    close: () => new Promise((resolve) => sock.close(() => resolve())),
  };
}

/** Full-form IPv6 text (eight groups, no "::") to bytes; enough for test data. */
function ipv6Bytes(text: string): Buffer {
  const groups = text.split(':');
  if (groups.length !== 8) throw new Error(`write ${text} in full form for the test responder`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

/**
 * A listener that never accepts (perl, backlog 0) with its accept queue filled,
 * so a further connect to it hangs in SYN_SENT: a loopback stand-in for a hung host.
 */
export async function stuckListener(): Promise<{ port: number; close(): void }> {
  const { spawn } = await import('node:child_process');
  const { connect } = await import('node:net');
  const child = spawn(
    'perl',
    [
      '-MSocket',
      '-e',
      'socket(S, PF_INET, SOCK_STREAM, 0) or die; bind(S, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die; listen(S, 0) or die; $|=1; my ($p) = unpack_sockaddr_in(getsockname(S)); print "$p\\n"; sleep 60',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('error', reject);
  });
  const fillers = [0, 1, 2].map(() => connect({ host: '127.0.0.1', port }).on('error', () => undefined));
  await new Promise((r) => setTimeout(r, 200));
  return {
    port,
    close: () => {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}
