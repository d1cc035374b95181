import { isIPv4, isIPv6 } from 'node:net';

/** Address text <-> bytes. Text out is canonical: dotted quad, or RFC 5952 IPv6. */

export const formatIpv4 = (b: Uint8Array, at = 0): string =>
  `${b[at]!}.${b[at + 1]!}.${b[at + 2]!}.${b[at + 3]!}`;

export function parseIpv4(text: string): Uint8Array {
  if (!isIPv4(text)) throw new TypeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  return Uint8Array.from(text.split('.').map(Number));
}

export function ipv4ToNumber(text: string): number {
  const b = parseIpv4(text);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

export const numberToIpv4 = (n: number): string =>
  `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;

/** RFC 5952 4: lower case, no leading zeros, the longest run (>1) of zero groups as "::", first one on a tie. */
export function formatIpv6(b: Uint8Array, at = 0): string {
  const g: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped addresses keep their dotted tail (RFC 5952 5).
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${formatIpv4(b, at + 12)}`;
  const hex = (from: number, to: number): string => g.slice(from, to).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

export function parseIpv6(text: string): Uint8Array {
  if (!isIPv6(text)) throw new TypeError(`not an IPv6 address: ${JSON.stringify(text)}`);
  let s = text;
  const out = new Uint8Array(16);
  // A dotted IPv4 tail takes the last two groups.
  let tail: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    tail = parseIpv4(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const hg = head === '' ? [] : head.split(':');
  const tg = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? hg : [...hg, ...new Array<string>(8 - hg.length - tg.length).fill('0'), ...tg];
  groups.forEach((x, i) => {
    const v = parseInt(x, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

export const isIpv6LinkLocal = (b: Uint8Array): boolean => b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;

/** Parses "a.b.c.d/n" or "x::/n"; throws a TypeError naming the problem. Host bits must be zero unless `allowHostBits`. */
export function parsePrefix(text: string, allowHostBits = false): { afi: 1 | 2; bytes: Uint8Array; len: number } {
  const slash = text.indexOf('/');
  if (slash < 0) throw new TypeError(`not a prefix (no /length): ${JSON.stringify(text)}`);
  const addr = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  const v6 = addr.includes(':');
  const max = v6 ? 128 : 32;
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) throw new TypeError(`bad prefix length in ${JSON.stringify(text)}`);
  const len = Number(lenText);
  const bytes = v6 ? parseIpv6(addr) : parseIpv4(addr);
  const masked = maskBytes(bytes, len);
  if (!allowHostBits && !masked.every((x, i) => x === bytes[i])) {
    throw new TypeError(`prefix ${text} has host bits set (did you mean ${formatPrefixBytes(v6 ? 2 : 1, masked, len)}?)`);
  }
  return { afi: v6 ? 2 : 1, bytes: masked, len };
}

export function maskBytes(bytes: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const full = len >> 3;
  out.set(bytes.subarray(0, full));
  if (len & 7 && full < bytes.length) out[full] = bytes[full]! & (0xff << (8 - (len & 7)));
  return out;
}

export const formatPrefixBytes = (afi: 1 | 2, bytes: Uint8Array, len: number): string =>
  `${afi === 1 ? formatIpv4(bytes) : formatIpv6(bytes)}/${len}`;
