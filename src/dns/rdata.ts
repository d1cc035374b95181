import { isIPv4, isIPv6 } from 'node:net';
import { DnsError } from './errors.js';
import { readName, writeName } from './name.js';
import { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** RR types and classes used here (RFC 1035 3.2.2, 3.2.4; RFC 2136 1.3; RFC 3596; RFC 8945). */
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, OPT: 41, TSIG: 250, ANY: 255 } as const;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;

export interface Soa {
  kind: 'soa';
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** TSIG RDATA (RFC 8945 4.2). */
export interface TsigData {
  kind: 'tsig';
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  other: Uint8Array;
}

export type RData =
  | { kind: 'a'; address: string }
  | { kind: 'aaaa'; address: string }
  | Soa
  | TsigData
  /** Unknown types, and the empty RDATA of UPDATE deletes and prerequisites (RFC 2136 2.4, 2.5). */
  | { kind: 'raw'; bytes: Uint8Array };

export const EMPTY: RData = { kind: 'raw', bytes: new Uint8Array(0) };

export function writeRData(w: Writer, data: RData): void {
  switch (data.kind) {
    case 'a':
      if (!isIPv4(data.address)) throw new DnsError('ERR_DNS_ADDRESS', `"${data.address}" is not an IPv4 address`);
      for (const p of data.address.split('.')) w.u8(Number(p));
      return;
    case 'aaaa':
      if (!isIPv6(data.address)) throw new DnsError('ERR_DNS_ADDRESS', `"${data.address}" is not an IPv6 address`);
      w.bytes(ipv6Bytes(data.address));
      return;
    case 'soa':
      writeName(w, data.mname);
      writeName(w, data.rname);
      for (const v of [data.serial, data.refresh, data.retry, data.expire, data.minimum]) w.u32(v);
      return;
    case 'tsig':
      // The algorithm name is never compressed (RFC 8945 4.2).
      writeName(w, data.algorithm, false);
      w.u48(data.timeSigned);
      w.u16(data.fudge);
      w.u16(data.mac.length);
      w.bytes(data.mac);
      w.u16(data.originalId);
      w.u16(data.error);
      w.u16(data.other.length);
      w.bytes(data.other);
      return;
    case 'raw':
      w.bytes(data.bytes);
      return;
  }
}

/** Reads RDLENGTH bytes of RDATA at r.pos as `type`; the cursor ends after them. */
export function readRData(r: Reader, type: number, rdlength: number): RData {
  const end = r.pos + rdlength;
  r.need(rdlength, 'RDATA');
  if (rdlength === 0) return EMPTY;
  let data: RData;
  if (type === TYPE.A && rdlength === 4) {
    data = { kind: 'a', address: Array.from(r.bytes(4, 'A')).join('.') };
  } else if (type === TYPE.AAAA && rdlength === 16) {
    data = { kind: 'aaaa', address: formatIpv6(r.bytes(16, 'AAAA')) };
  } else if (type === TYPE.SOA) {
    data = { kind: 'soa', mname: readName(r), rname: readName(r), serial: r.u32('SOA'), refresh: r.u32('SOA'), retry: r.u32('SOA'), expire: r.u32('SOA'), minimum: r.u32('SOA') };
  } else if (type === TYPE.TSIG) {
    const algorithm = readName(r);
    const timeSigned = r.u48('TSIG time');
    const fudge = r.u16('TSIG fudge');
    const mac = r.bytes(r.u16('TSIG MAC size'), 'TSIG MAC');
    const originalId = r.u16('TSIG original ID');
    const error = r.u16('TSIG error');
    const other = r.bytes(r.u16('TSIG other length'), 'TSIG other data');
    data = { kind: 'tsig', algorithm, timeSigned, fudge, mac, originalId, error, other };
  } else {
    data = { kind: 'raw', bytes: r.bytes(rdlength, 'RDATA') };
  }
  if (r.pos !== end) throw new DnsError('ERR_DNS_FORMAT', `RDATA of type ${type} is ${rdlength} bytes but its fields take ${r.pos - end + rdlength}`);
  return data;
}

export function ipv6Bytes(address: string): Uint8Array {
  const [head = '', tail] = address.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').flatMap((g) => (g.includes('.') ? v4Groups(g) : [parseInt(g, 16)])));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >>> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function v4Groups(s: string): number[] {
  const b = s.split('.').map(Number);
  return [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
}

/** RFC 5952 text: lower case, longest zero run (two groups or more) as "::". */
export function formatIpv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** An address in the form formatIpv6/dotted quad gives back, so addresses compare as strings. */
export function normalizeAddress(address: string): string {
  if (isIPv4(address)) return address.split('.').map(Number).join('.');
  if (isIPv6(address)) return formatIpv6(ipv6Bytes(address));
  throw new DnsError('ERR_DNS_ADDRESS', `"${address}" is not an IP address`);
}
