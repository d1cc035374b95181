/**
 * A map from IPv4 prefix (network address as an unsigned 32-bit number, and
 * length) to a small non-negative integer, held in typed arrays: 64 shards,
 * each an open-addressing table with linear probing and deletion by backward
 * shift. A full table (about 1,000,000 prefixes) costs about 19 MB and no
 * heap object per prefix, so the garbage collector has nothing to walk; and
 * the shards grow one at a time, so growing never holds two copies of the
 * whole table.
 */

const EMPTY = 0xff;
const SHARD_BITS = 6;
const SHARDS = 1 << SHARD_BITS;
const MIN_CAPACITY = 64;

/** murmur3's final mix over address and length: /24s differ only in their high bits. */
function mix(addr: number, len: number): number {
  let h = addr ^ Math.imul(len, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

class Shard {
  addrs = new Uint32Array(MIN_CAPACITY);
  /** Prefix length per slot; EMPTY marks a free slot. */
  lens = new Uint8Array(MIN_CAPACITY).fill(EMPTY);
  values = new Int32Array(MIN_CAPACITY);
  mask = MIN_CAPACITY - 1;
  count = 0;
}

export class Ipv4PrefixTable {
  private shards: Shard[] = Array.from({ length: SHARDS }, () => new Shard());
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value stored for addr/len, or -1. */
  get(addr: number, len: number): number {
    const h = mix(addr, len);
    const s = this.shards[h >>> (32 - SHARD_BITS)]!;
    const { lens, addrs, mask } = s;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const l = lens[i]!;
      if (l === EMPTY) return -1;
      if (l === len && addrs[i] === addr) return s.values[i]!;
    }
  }

  /** Stores `value` (>= 0) for addr/len; returns the value it replaced, or -1. */
  set(addr: number, len: number, value: number): number {
    const h = mix(addr, len);
    const s = this.shards[h >>> (32 - SHARD_BITS)]!;
    const { lens, addrs, mask } = s;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const l = lens[i]!;
      if (l === EMPTY) {
        lens[i] = len;
        addrs[i] = addr;
        s.values[i] = value;
        this.count++;
        // Kept at most 70% full: probe runs stay short.
        if (++s.count * 10 > (mask + 1) * 7) resize(s, (mask + 1) * 2);
        return -1;
      }
      if (l === len && addrs[i] === addr) {
        const old = s.values[i]!;
        s.values[i] = value;
        return old;
      }
    }
  }

  /** Removes addr/len; returns the value it had, or -1. */
  delete(addr: number, len: number): number {
    const h = mix(addr, len);
    const s = this.shards[h >>> (32 - SHARD_BITS)]!;
    const { lens, addrs, values, mask } = s;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const l = lens[i]!;
      if (l === EMPTY) return -1;
      if (l === len && addrs[i] === addr) break;
    }
    const old = values[i]!;
    // Backward shift: pull later entries of the run into the hole unless their home slot lies after it.
    for (let j = (i + 1) & mask; lens[j] !== EMPTY; j = (j + 1) & mask) {
      const home = mix(addrs[j]!, lens[j]!) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      lens[i] = lens[j]!;
      addrs[i] = addrs[j]!;
      values[i] = values[j]!;
      i = j;
    }
    lens[i] = EMPTY;
    this.count--;
    if (--s.count * 10 < mask + 1 && mask + 1 > MIN_CAPACITY) resize(s, (mask + 1) / 2);
    return old;
  }

  /** Calls fn for every entry, in no particular order. */
  forEach(fn: (addr: number, len: number, value: number) => void): void {
    for (const s of this.shards) {
      for (let i = 0; i <= s.mask; i++) if (s.lens[i] !== EMPTY) fn(s.addrs[i]!, s.lens[i]!, s.values[i]!);
    }
  }

  clear(): void {
    this.shards = Array.from({ length: SHARDS }, () => new Shard());
    this.count = 0;
  }
}

function resize(s: Shard, capacity: number): void {
  const { addrs, lens, values } = s;
  s.addrs = new Uint32Array(capacity);
  s.lens = new Uint8Array(capacity).fill(EMPTY);
  s.values = new Int32Array(capacity);
  s.mask = capacity - 1;
  for (let i = 0; i < lens.length; i++) {
    if (lens[i] === EMPTY) continue;
    let j = mix(addrs[i]!, lens[i]!) & s.mask;
    while (s.lens[j] !== EMPTY) j = (j + 1) & s.mask;
    s.lens[j] = lens[i]!;
    s.addrs[j] = addrs[i]!;
    s.values[j] = values[i]!;
  }
}
