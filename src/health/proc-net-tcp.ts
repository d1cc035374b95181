// Reading /proc/net/tcp and /proc/net/tcp6. Each row after the header is
//   sl  local_address rem_address   st tx_queue:rx_queue ...
//   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0  0 1644 ...
//      (sl, local, remote, state, tx:rx queue, timer, retransmits, uid, timeout, inode)
// Addresses are the in-memory network-order words printed as host-order
// 32-bit hex (%08X per word: one for IPv4, four for IPv6), so on a
// little-endian host each word's bytes are reversed. Ports are plain hex.
// States are the kernel's TCP state numbers (include/net/tcp_states.h).

import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { formatIpv4, formatIpv6 } from '../bgp/codec/ip.js';

export const TCP_ESTABLISHED = 0x01;
export const TCP_LISTEN = 0x0a;

export const PROC_NET_TCP = ['/proc/net/tcp', '/proc/net/tcp6'] as const;

export interface TcpSocketRow {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly state: number;
  /** The socket's inode (the N of "socket:[N]" in /proc/<pid>/fd), when the row has one. */
  readonly inode?: number;
}

const HOST_LE = endianness() === 'LE';

/** "0100007F" -> "127.0.0.1"; 32 hex digits -> RFC 5952 IPv6 text. Undefined when malformed. */
export function parseHexAddress(hex: string, littleEndian = HOST_LE): string | undefined {
  if ((hex.length !== 8 && hex.length !== 32) || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let w = 0; w < hex.length / 8; w++) {
    const word = parseInt(hex.slice(w * 8, w * 8 + 8), 16);
    for (let i = 0; i < 4; i++) {
      const shift = littleEndian ? 8 * i : 8 * (3 - i);
      bytes[w * 4 + i] = (word >>> shift) & 0xff;
    }
  }
  return bytes.length === 4 ? formatIpv4(bytes) : formatIpv6(bytes);
}

function parseEndpoint(field: string, littleEndian: boolean): { address: string; port: number } | undefined {
  const colon = field.indexOf(':');
  if (colon < 0) return undefined;
  const address = parseHexAddress(field.slice(0, colon), littleEndian);
  const portHex = field.slice(colon + 1);
  if (address === undefined || !/^[0-9A-Fa-f]{1,4}$/.test(portHex)) return undefined;
  return { address, port: parseInt(portHex, 16) };
}

/** One data row; undefined for the header or anything malformed. */
export function parseTcpRow(line: string, littleEndian = HOST_LE): TcpSocketRow | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 4 || !/^\d+:$/.test(f[0]!)) return undefined;
  const local = parseEndpoint(f[1]!, littleEndian);
  const remote = parseEndpoint(f[2]!, littleEndian);
  if (!local || !remote || !/^[0-9A-Fa-f]{2}$/.test(f[3]!)) return undefined;
  const inode = f[9] !== undefined && /^\d+$/.test(f[9]) ? Number(f[9]) : undefined;
  return {
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: remote.address,
    remotePort: remote.port,
    state: parseInt(f[3]!, 16),
    ...(inode !== undefined ? { inode } : {}),
  };
}

export function parseProcNetTcp(text: string, littleEndian = HOST_LE): TcpSocketRow[] {
  const rows: TcpSocketRow[] = [];
  for (const line of text.split('\n')) {
    const row = parseTcpRow(line, littleEndian);
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * Reads rows in chunks and stops at the first row for which `more` is false.
 * The kernel lists the listening hash before the established one, so a reader
 * that wants only LISTEN rows can stop early and not read every connection of
 * a busy server. A missing file (no IPv6) reads as empty.
 */
export async function readTcpRows(path: string, more: (row: TcpSocketRow) => boolean = () => true): Promise<TcpSocketRow[]> {
  const rows: TcpSocketRow[] = [];
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return rows;
    throw err;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    let rest = '';
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const text = rest + buf.toString('latin1', 0, bytesRead);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const row = parseTcpRow(line);
        if (!row) continue;
        if (!more(row)) return rows;
        rows.push(row);
      }
    }
    const last = parseTcpRow(rest);
    if (last && more(last)) rows.push(last);
    return rows;
  } finally {
    await fh.close();
  }
}

/**
 * The first listening socket that `wanted` accepts, reading the files in turn
 * and stopping at the first hit: a healthy check usually reads one file.
 */
export async function findListener(
  wanted: (row: TcpSocketRow) => boolean,
  paths: readonly string[] = PROC_NET_TCP,
): Promise<TcpSocketRow | undefined> {
  for (const path of paths) {
    let hit: TcpSocketRow | undefined;
    await readTcpRows(path, (r) => {
      if (r.state !== TCP_LISTEN) return false;
      if (wanted(r)) hit = r;
      return hit === undefined;
    });
    if (hit) return hit;
  }
  return undefined;
}

/** Every listening TCP socket, IPv4 and IPv6. */
export async function readListeners(paths: readonly string[] = PROC_NET_TCP): Promise<TcpSocketRow[]> {
  const all = await Promise.all(paths.map((p) => readTcpRows(p, (r) => r.state === TCP_LISTEN)));
  return all.flat();
}

/** Established connections whose local port is `port`, IPv4 and IPv6. */
export async function countEstablished(port: number, paths: readonly string[] = PROC_NET_TCP): Promise<number> {
  const all = await Promise.all(paths.map((p) => readTcpRows(p)));
  let n = 0;
  for (const rows of all) for (const r of rows) if (r.state === TCP_ESTABLISHED && r.localPort === port) n++;
  return n;
}
