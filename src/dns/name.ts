import { DnsError } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * Domain names in presentation form ("www.example.com", trailing dot optional,
 * "" or "." for the root; "\." and "\DDD" escape a byte inside a label) to and
 * from wire form (RFC 1035 3.1, 4.1.4).
 */

const MAX_LABEL = 63;
const MAX_WIRE = 255;

/** Splits a presentation name into label bytes. */
export function parseName(name: string): Uint8Array[] {
  if (name === '' || name === '.') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let wire = 1;
  const end = name.endsWith('.') && !name.endsWith('\\.') ? name.length - 1 : name.length;
  const close = (): void => {
    if (cur.length === 0) throw new DnsError('ERR_DNS_NAME', `empty label in name "${name}"`);
    if (cur.length > MAX_LABEL) throw new DnsError('ERR_DNS_NAME', `label longer than ${MAX_LABEL} bytes in name "${name}"`);
    labels.push(Uint8Array.from(cur));
    wire += cur.length + 1;
    cur = [];
  };
  for (let i = 0; i < end; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e) {
      close();
    } else if (c === 0x5c) {
      const d = name.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d) && Number(d) <= 255) {
        cur.push(Number(d));
        i += 3;
      } else if (i + 1 < name.length) {
        cur.push(name.charCodeAt(++i) & 0xff);
      } else {
        throw new DnsError('ERR_DNS_NAME', `name "${name}" ends with a lone backslash`);
      }
    } else if (c > 0x7e || c < 0x21) {
      throw new DnsError('ERR_DNS_NAME', `name "${name}" holds a character that needs an escape (\\DDD)`);
    } else {
      cur.push(c);
    }
  }
  close();
  if (wire > MAX_WIRE) throw new DnsError('ERR_DNS_NAME', `name "${name}" is longer than ${MAX_WIRE} bytes on the wire`);
  return labels;
}

function labelText(l: Uint8Array): string {
  let s = '';
  for (const b of l) {
    if (b === 0x2e || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b >= 0x21 && b <= 0x7e) s += String.fromCharCode(b);
    else s += '\\' + String(b).padStart(3, '0');
  }
  return s;
}

export function formatName(labels: readonly Uint8Array[]): string {
  return labels.length === 0 ? '.' : labels.map(labelText).join('.');
}

/** Lower-case presentation form without the trailing dot: the key we compare names by. */
export function nameKey(name: string): string {
  return formatName(parseName(name).map(lowerLabel));
}

function lowerLabel(l: Uint8Array): Uint8Array {
  return l.map((b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));
}

/** True when `name` is `zone` or below it (case-insensitive). */
export function isInZone(name: string, zone: string): boolean {
  const n = parseName(name).map(lowerLabel);
  const z = parseName(zone).map(lowerLabel);
  if (z.length > n.length) return false;
  const off = n.length - z.length;
  return z.every((l, i) => Buffer.compare(l, n[off + i]!) === 0);
}

/**
 * Writes a name, pointing at an earlier copy of its longest known suffix
 * (exact bytes, so case survives) unless `compress` is false.
 */
export function writeName(w: Writer, name: string, compress = true): void {
  const labels = parseName(name);
  for (let i = 0; i < labels.length; i++) {
    const key = labels.slice(i).map(labelText).join('.');
    const at = compress ? w.names.get(key) : undefined;
    if (at !== undefined) {
      w.u16(0xc000 | at);
      return;
    }
    // Pointers hold 14 bits: later suffixes cannot be pointed at (RFC 1035 4.1.4).
    if (compress && w.len < 0x4000 && !w.names.has(key)) w.names.set(key, w.len);
    w.u8(labels[i]!.length);
    w.bytes(labels[i]!);
  }
  w.u8(0);
}

/** Canonical wire form (RFC 4034 6.2): lower case, never compressed; what TSIG digests (RFC 8945 4.3.3). */
export function canonicalWire(name: string): Uint8Array {
  const labels = parseName(name).map(lowerLabel);
  const out: number[] = [];
  for (const l of labels) out.push(l.length, ...l);
  out.push(0);
  return Uint8Array.from(out);
}

/**
 * Reads a name, following compression pointers. A pointer must point before
 * the place it was read from, so a loop cannot be followed forever.
 */
export function readName(r: Reader): string {
  const buf = r.buf;
  const labels: Uint8Array[] = [];
  let pos = r.pos;
  let limit = r.pos; // pointers must go below this
  let jumped = false;
  let wire = 1;
  for (;;) {
    if (pos >= buf.length) throw new DnsError('ERR_DNS_FORMAT', `message ends inside a name (offset ${pos})`);
    const len = buf[pos]!;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsError('ERR_DNS_FORMAT', `message ends inside a name pointer (offset ${pos})`);
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= limit) throw new DnsError('ERR_DNS_FORMAT', `name pointer at offset ${pos} does not point backwards (to ${target})`);
      if (!jumped) r.pos = pos + 2;
      jumped = true;
      limit = target;
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsError('ERR_DNS_FORMAT', `unknown label type 0x${len.toString(16)} at offset ${pos}`);
    if (len === 0) {
      if (!jumped) r.pos = pos + 1;
      return formatName(labels);
    }
    if (pos + 1 + len > buf.length) throw new DnsError('ERR_DNS_FORMAT', `message ends inside a label (offset ${pos})`);
    wire += len + 1;
    if (wire > MAX_WIRE) throw new DnsError('ERR_DNS_FORMAT', `name at offset ${r.pos} is longer than ${MAX_WIRE} bytes`);
    labels.push(buf.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}
