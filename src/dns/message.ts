import { DnsError } from './errors.js';
import { readName, writeName } from './name.js';
import { readRData, TYPE, writeRData } from './rdata.js';
import type { RData } from './rdata.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * DNS messages (RFC 1035 4.1). The header:
 *
 *   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *  |                      ID                       |
 *  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 *  |      QDCOUNT (UPDATE: ZOCOUNT)                |
 *  |      ANCOUNT (UPDATE: PRCOUNT)                |
 *  |      NSCOUNT (UPDATE: UPCOUNT)                |
 *  |      ARCOUNT                                  |
 *
 * An UPDATE (RFC 2136 2) keeps the layout and renames the sections:
 * zone, prerequisite, update, additional.
 */

export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface Rr {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  question: Question[];
  answer: Rr[];
  authority: Rr[];
  additional: Rr[];
}

export function emptyMessage(id: number, opcode: number): Message {
  return { id, qr: false, opcode, aa: false, tc: false, rd: false, ra: false, rcode: 0, question: [], answer: [], authority: [], additional: [] };
}

export function writeRr(w: Writer, rr: Rr, compress = true): void {
  writeName(w, rr.name, compress);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const at = w.len;
  w.u16(0);
  writeRData(w, rr.data);
  w.patch16(at, w.len - at - 2);
}

export function encodeMessage(m: Message): Uint8Array {
  const w = new Writer();
  w.u16(m.id);
  w.u16((m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x400 : 0) | (m.tc ? 0x200 : 0) | (m.rd ? 0x100 : 0) | (m.ra ? 0x80 : 0) | (m.rcode & 0xf));
  for (const n of [m.question.length, m.answer.length, m.authority.length, m.additional.length]) w.u16(n);
  for (const q of m.question) {
    writeName(w, q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of [...m.answer, ...m.authority, ...m.additional]) {
    // The TSIG owner name is never compressed (RFC 8945 4.2).
    writeRr(w, rr, rr.type !== TYPE.TSIG);
  }
  return w.done();
}

export interface Decoded {
  message: Message;
  /** Where the TSIG RR starts, when the last additional RR is one (RFC 8945 5.2). */
  tsigOffset?: number;
}

function readRr(r: Reader): Rr {
  const name = readName(r);
  const type = r.u16('RR type');
  const klass = r.u16('RR class');
  const ttl = r.u32('RR TTL');
  const rdlength = r.u16('RDLENGTH');
  return { name, type, class: klass, ttl, data: readRData(r, type, rdlength) };
}

export function decodeMessage(buf: Uint8Array): Decoded {
  const r = new Reader(buf);
  const id = r.u16('header');
  const flags = r.u16('header');
  const [qd, an, ns, ar] = [r.u16('header'), r.u16('header'), r.u16('header'), r.u16('header')];
  const m: Message = {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >>> 11) & 0xf,
    aa: (flags & 0x400) !== 0,
    tc: (flags & 0x200) !== 0,
    rd: (flags & 0x100) !== 0,
    ra: (flags & 0x80) !== 0,
    rcode: flags & 0xf,
    question: [],
    answer: [],
    authority: [],
    additional: [],
  };
  for (let i = 0; i < qd; i++) m.question.push({ name: readName(r), type: r.u16('question'), class: r.u16('question') });
  for (let i = 0; i < an; i++) m.answer.push(readRr(r));
  for (let i = 0; i < ns; i++) m.authority.push(readRr(r));
  let tsigOffset: number | undefined;
  for (let i = 0; i < ar; i++) {
    const start = r.pos;
    const rr = readRr(r);
    m.additional.push(rr);
    if (rr.type === TYPE.TSIG) {
      if (i !== ar - 1) throw new DnsError('ERR_DNS_FORMAT', 'TSIG record is not the last additional record (RFC 8945 5.1)');
      tsigOffset = start;
    }
  }
  if (r.pos !== buf.length) throw new DnsError('ERR_DNS_FORMAT', `${buf.length - r.pos} bytes after the last record`);
  return tsigOffset === undefined ? { message: m } : { message: m, tsigOffset };
}
