import { decodeAttributes } from '../codec/attributes/index.js';
import type { Afi } from '../codec/constants.js';
import { AS4_CONTEXT, BASE_CONTEXT, type PathAttributes } from '../codec/types.js';
import { attributeKey } from './route.js';

/** One stored attribute set as the rest of floatd sees it. */
export interface StoredAttributes {
  /** Without nextHop, mpReach and mpUnreach: the next hop is in `nextHops`. */
  readonly attributes: PathAttributes;
  readonly nextHops: readonly string[];
}

const MIN_IDS = 1024;
/**
 * The arena is a list of chunks, so it grows without copying; a set never
 * spans two. Chunks start at 4 KiB (a peer that sends a handful of routes)
 * and double up to 1 MiB.
 */
const CHUNK_BITS = 20;
const IN_CHUNK = (1 << CHUNK_BITS) - 1;
const FIRST_CHUNK = 4096;
/** Flags per id. */
const LIVE = 1;
const RAW = 2;
const FOUR_OCTET = 4;

/** murmur3 (32-bit) over buf[start, end), four octets a step, seeded with the AS width. */
function hashBytes(buf: Uint8Array, start: number, end: number, fourOctet: boolean): number {
  let h = fourOctet ? 0x3c6ef372 : 0x1b873593;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= buf[i]! << shift;
  k = Math.imul(k, 0xcc9e2d51);
  h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The distinct attribute sets of one Adj-RIB-In, by small integer id, with
 * reference counts; a set is freed when its last prefix goes. Two kinds:
 *
 * - raw: the path attributes field of a plain IPv4 UPDATE exactly as it came.
 *   The caller validated it once, when first seen; it is decoded only when
 *   someone asks (`floatd routes`). The bytes sit in an arena of
 *   1 MiB chunks and are found through a hash index kept in typed arrays, so
 *   a table's hundreds of thousands of sets cost no heap objects at all.
 * - decoded: attributes already decoded (UPDATEs with MP_REACH_NLRI, with
 *   attributes RFC 7606 discarded, or given by callers), keyed by attributeKey.
 */
export class AttributeSets {
  // Per id.
  private flags = new Uint8Array(MIN_IDS);
  private refs = new Int32Array(MIN_IDS);
  /** Raw sets: chunk index << CHUNK_BITS | position, and length (an attributes field is at most 65535 octets). */
  private offset = new Uint32Array(MIN_IDS);
  private length = new Uint16Array(MIN_IDS);
  /** Kept so that growing the index relinks ids without hashing their bytes again (a pause of tens of ms at 400,000 sets). */
  private hash = new Int32Array(MIN_IDS);
  /** Next id in the same hash bucket, or -1. */
  private chain = new Int32Array(MIN_IDS);
  private decoded = new Map<number, { key: string; stored: StoredAttributes }>();
  /** First id per hash bucket, or -1; as many buckets as id slots. */
  private buckets = new Int32Array(MIN_IDS).fill(-1);
  private chunks: Uint8Array[] = [];
  /** Free bytes at the end of the last chunk. */
  private chunkFree = 0;
  private arenaSize = 0;
  private arenaLive = 0;
  /** Arena bytes of freed raw sets, reclaimed by compaction. */
  private arenaDead = 0;
  private decodedIndex = new Map<string, number>();
  private freeIds: number[] = [];
  private nextId = 0;
  private live = 0;
  /** Bytes of the decoded sets, by their key's length: near enough for a bound. */
  private decodedBytes = 0;
  /** addRaw and intern refuse a new set that would take liveBytes past this. */
  maxBytes = Number.POSITIVE_INFINITY;

  /** Bytes of the live sets: raw ones as received, decoded ones by their key. A set shared by many prefixes counts once. */
  get liveBytes(): number {
    return this.arenaLive + this.decodedBytes;
  }

  get size(): number {
    return this.live;
  }

  /** Memory the raw sets' bytes occupy (whole chunks), and in how many chunks. */
  get arenaBytes(): number {
    return this.arenaSize;
  }

  get arenaChunks(): number {
    return this.chunks.length;
  }

  /** The raw set whose bytes equal buf[start, end), received with this AS width; -1 if none. */
  findRaw(buf: Uint8Array, start: number, end: number, fourOctetAs: boolean): number {
    return this.lookup(buf, start, end, fourOctetAs, hashBytes(buf, start, end, fourOctetAs));
  }

  /**
   * Adds the raw set buf[start, end) (the caller checked it is absent and
   * validated the bytes) with no references: retain it at once, or freeUnused
   * it. -1 when it would take liveBytes past maxBytes.
   */
  addRaw(buf: Uint8Array, start: number, end: number, fourOctetAs: boolean): number {
    if (this.liveBytes + (end - start) > this.maxBytes) return -1;
    const h = hashBytes(buf, start, end, fourOctetAs);
    const id = this.allocate();
    this.offset[id] = this.store(buf, start, end);
    this.length[id] = end - start;
    this.flags[id] = LIVE | RAW | (fourOctetAs ? FOUR_OCTET : 0);
    this.hash[id] = h;
    const b = h & (this.buckets.length - 1);
    this.chain[id] = this.buckets[b]!;
    this.buckets[b] = id;
    return id;
  }

  /** The decoded set equal to these attributes (created with no references if new); -1 when a new one would pass maxBytes. */
  intern(afi: Afi, attributes: PathAttributes, nextHops: readonly string[]): number {
    const key = attributeKey({ prefix: { afi, addr: '', len: 0 }, attributes, nextHops });
    const found = this.decodedIndex.get(key);
    if (found !== undefined) return found;
    if (this.liveBytes + key.length > this.maxBytes) return -1;
    this.decodedBytes += key.length;
    const id = this.allocate();
    this.flags[id] = LIVE;
    this.decoded.set(id, { key, stored: { attributes, nextHops } });
    this.decodedIndex.set(key, id);
    return id;
  }

  retain(id: number): void {
    this.refs[id]!++;
  }

  /** Drops one reference; the set is freed when none is left. */
  release(id: number): void {
    if (--this.refs[id]! > 0) return;
    if (this.flags[id]! & RAW) {
      this.unlink(id);
      this.arenaLive -= this.length[id]!;
      this.arenaDead += this.length[id]!;
    } else {
      const key = this.decoded.get(id)!.key;
      this.decodedBytes -= key.length;
      this.decodedIndex.delete(key);
      this.decoded.delete(id);
    }
    this.flags[id] = 0;
    this.freeIds.push(id);
    this.live--;
    if (this.arenaDead > 4 << CHUNK_BITS && this.arenaDead > this.arenaLive) this.compact();
  }

  /** Frees a set no prefix took (every announcement with it was refused). */
  freeUnused(id: number): void {
    if (this.refs[id] !== 0 || !(this.flags[id]! & LIVE)) return;
    this.refs[id] = 1;
    this.release(id);
  }

  refCount(id: number): number {
    return this.refs[id] ?? 0;
  }

  /** The set's attributes; a raw set is decoded on every call (callers memoise when they need sharing). */
  resolve(id: number): StoredAttributes {
    if (!(this.flags[id]! & RAW)) return this.decoded.get(id)!.stored;
    // A copy, and a Buffer as a received message is: decoded values may be views of it, and the arena moves.
    const o = this.offset[id]!;
    const buf = Buffer.from(this.chunks[o >>> CHUNK_BITS]!.subarray(o & IN_CHUNK, (o & IN_CHUNK) + this.length[id]!));
    const { attributes } = decodeAttributes(buf, 0, buf.length, this.flags[id]! & FOUR_OCTET ? AS4_CONTEXT : BASE_CONTEXT, true);
    const { nextHop, ...rest } = attributes;
    return { attributes: rest, nextHops: nextHop === undefined ? [] : [nextHop] };
  }

  clear(): void {
    this.flags = new Uint8Array(MIN_IDS);
    this.refs = new Int32Array(MIN_IDS);
    this.offset = new Uint32Array(MIN_IDS);
    this.length = new Uint16Array(MIN_IDS);
    this.hash = new Int32Array(MIN_IDS);
    this.chain = new Int32Array(MIN_IDS);
    this.decoded = new Map();
    this.buckets = new Int32Array(MIN_IDS).fill(-1);
    this.chunks = [];
    this.chunkFree = 0;
    this.arenaSize = 0;
    this.arenaLive = 0;
    this.arenaDead = 0;
    this.decodedIndex = new Map();
    this.freeIds = [];
    this.nextId = 0;
    this.live = 0;
    this.decodedBytes = 0;
  }

  private lookup(buf: Uint8Array, start: number, end: number, fourOctetAs: boolean, h: number): number {
    const want = LIVE | RAW | (fourOctetAs ? FOUR_OCTET : 0);
    const len = end - start;
    for (let id = this.buckets[h & (this.buckets.length - 1)]!; id >= 0; id = this.chain[id]!) {
      if (this.hash[id] !== h || this.length[id] !== len || this.flags[id] !== want) continue;
      const o = this.offset[id]!;
      const chunk = this.chunks[o >>> CHUNK_BITS]!;
      const d = (o & IN_CHUNK) - start;
      let i = start;
      while (i < end && chunk[d + i] === buf[i]) i++;
      if (i === end) return id;
    }
    return -1;
  }

  private unlink(id: number): void {
    const b = this.hash[id]! & (this.buckets.length - 1);
    if (this.buckets[b] === id) {
      this.buckets[b] = this.chain[id]!;
      return;
    }
    for (let p = this.buckets[b]!; p >= 0; p = this.chain[p]!) {
      if (this.chain[p] === id) {
        this.chain[p] = this.chain[id]!;
        return;
      }
    }
  }

  private allocate(): number {
    this.live++;
    const reused = this.freeIds.pop();
    if (reused !== undefined) return reused;
    const id = this.nextId++;
    if (id === this.flags.length) this.growIds(id * 2);
    return id;
  }

  private growIds(capacity: number): void {
    const grow = <T extends Uint8Array | Uint16Array | Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.refs = grow(this.refs, (n) => new Int32Array(n));
    this.offset = grow(this.offset, (n) => new Uint32Array(n));
    this.length = grow(this.length, (n) => new Uint16Array(n));
    this.hash = grow(this.hash, (n) => new Int32Array(n));
    this.chain = grow(this.chain, (n) => new Int32Array(n));
    // Rehash into as many buckets as ids.
    this.buckets = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let id = 0; id < this.nextId; id++) {
      if (!(this.flags[id]! & RAW)) continue;
      const b = this.hash[id]! & mask;
      this.chain[id] = this.buckets[b]!;
      this.buckets[b] = id;
    }
  }

  /** Copies buf[start, end) into the arena; returns where. */
  private store(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || len > this.chunkFree) {
      const size = Math.max(len, Math.min(IN_CHUNK + 1, FIRST_CHUNK * 2 ** this.chunks.length));
      this.chunks.push((chunk = new Uint8Array(size)));
      this.arenaSize += size;
      this.chunkFree = size;
    }
    const at = chunk.length - this.chunkFree;
    // A plain loop: for a few dozen octets it beats set(subarray()), which allocates a view.
    for (let i = start, j = at; i < end; i++, j++) chunk[j] = buf[i]!;
    this.chunkFree -= len;
    this.arenaLive += len;
    return ((this.chunks.length - 1) << CHUNK_BITS) | at;
  }

  /** Copies the live raw sets into fresh chunks, dropping freed bytes. */
  private compact(): void {
    const old = this.chunks;
    this.chunks = [];
    this.chunkFree = 0;
    this.arenaSize = 0;
    this.arenaLive = 0;
    this.arenaDead = 0;
    for (let id = 0; id < this.nextId; id++) {
      if (!(this.flags[id]! & RAW)) continue;
      const o = this.offset[id]!;
      const at = o & IN_CHUNK;
      this.offset[id] = this.store(old[o >>> CHUNK_BITS]!, at, at + this.length[id]!);
    }
  }
}
