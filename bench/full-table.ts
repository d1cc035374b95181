// A synthetic full IPv4 table as one buffer of framed UPDATEs, written byte by
// byte from RFC 4271 4.3 (not with floatd's encoder, so the decoder is not
// measured against its own output).

export interface FullTable {
  readonly bytes: Buffer;
  readonly updates: number;
  readonly prefixes: number;
}

/** Deterministic xorshift32, so every run decodes the same table. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** Writes one UPDATE's path attributes at block[at]; returns where they end. */
function writeAttributes(block: Buffer, at: number, rand: () => number, int: (lo: number, hi: number) => number): number {
  block.set([0x40, 1, 1, int(0, 2)], at); // ORIGIN
  at += 4;
  const hops = int(2, 8);
  block.set([0x40, 2, 2 + 4 * hops, 2, hops], at); // AS_PATH, one AS_SEQUENCE
  at += 5;
  for (let h = 0; h < hops; h++) {
    block.writeUInt32BE(int(1, 4_200_000_000), at);
    at += 4;
  }
  block.set([0x40, 3, 4, 10, int(0, 255), int(0, 255), 1], at); // NEXT_HOP
  at += 7;
  if (rand() < 0.5) {
    block.set([0x80, 4, 4], at); // MULTI_EXIT_DISC
    block.writeUInt32BE(int(0, 1000), at + 3);
    at += 7;
  }
  const communities = int(0, 4);
  if (communities > 0) {
    block.set([0xc0, 8, 4 * communities], at); // COMMUNITIES
    at += 3;
    for (let c = 0; c < communities; c++) {
      block.writeUInt32BE(((int(1, 65534) << 16) | int(0, 65535)) >>> 0, at);
      at += 4;
    }
  }
  return at;
}

/**
 * `prefixes` IPv4 prefixes (mostly /24, some /16../23), 1 to 4 per UPDATE
 * (2.5 on average), each UPDATE with ORIGIN, a 2..8 hop 4-octet AS_SEQUENCE,
 * NEXT_HOP, MED on half of them and 0..4 communities. Every UPDATE has its
 * own attribute set (the worst case for sharing), unless `attributeSets` is
 * given: then each UPDATE takes one of that many sets, as a real table's
 * UPDATEs share AS paths and communities.
 */
export function makeFullTable(prefixes = 1_000_000, seed = 42, attributeSets?: number): FullTable {
  const rand = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  let shared: Buffer[] | undefined;
  if (attributeSets !== undefined) {
    const r = rng(seed + 1);
    const i = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
    const scratch = Buffer.alloc(4096);
    shared = Array.from({ length: attributeSets }, () => Buffer.from(scratch.subarray(0, writeAttributes(scratch, 0, r, i))));
  }
  const chunks: Buffer[] = [];
  const block = Buffer.allocUnsafe(1 << 22);
  let at = 0;
  let updates = 0;
  let made = 0;
  let next = 0x01000000; // 1.0.0.0, walked upwards so every prefix is distinct
  while (made < prefixes) {
    if (at > block.length - 4096) {
      chunks.push(Buffer.from(block.subarray(0, at)));
      at = 0;
    }
    const count = Math.min(int(1, 4), prefixes - made);
    const start = at;
    block.fill(0xff, at, at + 16);
    at += 19; // length and type patched below
    block.writeUInt16BE(0, at); // no withdrawn routes
    at += 2;
    const attrLenAt = at;
    at += 2;
    if (shared) {
      const set = shared[int(0, shared.length - 1)]!;
      block.set(set, at);
      at += set.length;
    } else at = writeAttributes(block, at, rand, int);
    block.writeUInt16BE(at - attrLenAt - 2, attrLenAt);
    for (let p = 0; p < count; p++) {
      const len = rand() < 0.85 ? 24 : int(16, 23);
      const size = 2 ** (32 - len);
      next = Math.ceil(next / size) * size; // aligned, so no host bits and no overlap with earlier prefixes
      // 10.0.0.0/8 holds the next hops; a route covering its own next hop would be refused by a real router.
      if (next >>> 24 === 10) next = 11 << 24;
      const bytes = (len + 7) >> 3;
      block[at++] = len;
      for (let b = 0; b < bytes; b++) block[at++] = (next >>> (24 - 8 * b)) & 0xff;
      next += size;
      made++;
    }
    block.writeUInt16BE(at - start, start + 16);
    block[start + 18] = 2;
    updates++;
  }
  chunks.push(Buffer.from(block.subarray(0, at)));
  return { bytes: Buffer.concat(chunks), updates, prefixes: made };
}
