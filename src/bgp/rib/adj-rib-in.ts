import { Afi } from '../codec/constants.js';
import type { PathAttributes, Prefix } from '../codec/types.js';
import { AttributeSets, type StoredAttributes } from './attribute-sets.js';
import { Ipv4PrefixTable } from './ipv4-prefix-table.js';
import type { LimitHit, LimitKind, ReceiveLimits } from './receive-limits.js';
import { prefixKey } from './route.js';

/** `none`: count what arrives, store nothing (the default); `all`: keep routes in an AdjRibIn. */
export type ImportMode = 'none' | 'all';

/** One stored route as `floatd routes` shows it. */
export interface ReceivedRoute {
  readonly prefix: string;
  readonly attributes: PathAttributes;
  readonly nextHops: readonly string[];
}

/** "192.0.2.0" -> 0xc0000200. The text comes from our own decoder: four decimal octets. */
function ipv4Number(addr: string): number {
  const [a, b, c, d] = addr.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

const ipv4Text = (v: number, len: number): string => `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}/${len}`;

/**
 * Per-peer Adj-RIB-In for `import: all`: the routes the peer currently
 * announces. Plain IPv4 prefixes (no ADD-PATH identifier) live in a typed-array
 * table keyed by number; the rest (IPv6, path identifiers) in a map keyed by
 * text. Every prefix points at one shared attribute set (AttributeSets), since
 * a table has far fewer sets than prefixes. (`import: none` needs no RIB: the
 * session only counts.)
 *
 * With ReceiveLimits it refuses a new prefix past a prefix bound and a new
 * attribute set past the byte bound (a prefix already held may always change);
 * the first refusal is kept for takeHit().
 */
export class AdjRibIn {
  private readonly ipv4 = new Ipv4PrefixTable();
  /** prefixKey text -> set id, for prefixes the numeric table cannot hold. */
  private readonly other = new Map<string, number>();
  private readonly sets = new AttributeSets();
  /** IPv6 prefixes, all in `other`. */
  private ipv6 = 0;
  private hit: LimitHit | undefined;

  constructor(private readonly limits: ReceiveLimits = {}) {
    if (limits.attributeBytes !== undefined) this.sets.maxBytes = limits.attributeBytes;
  }

  get prefixCount(): number {
    return this.ipv4.size + this.other.size;
  }

  get ipv4Count(): number {
    return this.prefixCount - this.ipv6;
  }

  get ipv6Count(): number {
    return this.ipv6;
  }

  /** Bytes of the distinct attribute sets held (see AttributeSets.liveBytes). */
  get attributeBytes(): number {
    return this.sets.liveBytes;
  }

  /** What a limit of this kind counts. */
  count(kind: LimitKind): number {
    return kind === 'prefixes' ? this.prefixCount : kind === 'ipv4' ? this.ipv4Count : kind === 'ipv6' ? this.ipv6 : this.sets.liveBytes;
  }

  /** The first refusal since the last call, if any. */
  takeHit(): LimitHit | undefined {
    const h = this.hit;
    this.hit = undefined;
    return h;
  }

  get attributeSetCount(): number {
    return this.sets.size;
  }

  /** Memory taken by attribute sets kept as received bytes. */
  get rawAttributeBytes(): number {
    return this.sets.arenaBytes;
  }

  /**
   * Stores `prefixes` with one attribute set (an implicit replace for those
   * already held); returns how many were stored. Past the byte bound none is,
   * and those held lose their old route (it is no longer what the peer says).
   */
  announce(prefixes: readonly Prefix[], attributes: PathAttributes, nextHops: readonly string[]): number {
    if (prefixes.length === 0) return 0;
    const afi = prefixes[0]!.afi;
    const set = this.sets.intern(afi, attributes, nextHops);
    if (set < 0) {
      this.refuseBytes(afi);
      this.withdraw(prefixes);
      return 0;
    }
    let stored = 0;
    for (const p of prefixes) {
      if (p.afi === Afi.Ipv4 && p.pathId === undefined ? this.announceIpv4(ipv4Number(p.addr), p.len, set) : this.setOther(p, set)) stored++;
    }
    if (stored === 0) this.sets.freeUnused(set);
    return stored;
  }

  /** Removes `prefixes`; those not held are ignored. Returns how many were held. */
  withdraw(prefixes: readonly Prefix[]): number {
    let n = 0;
    for (const p of prefixes) {
      if (p.afi === Afi.Ipv4 && p.pathId === undefined) {
        if (this.withdrawIpv4(ipv4Number(p.addr), p.len)) n++;
        continue;
      }
      const k = prefixKey(p);
      const old = this.other.get(k);
      if (old === undefined) continue;
      this.other.delete(k);
      if (p.afi === Afi.Ipv6) this.ipv6--;
      this.sets.release(old);
      n++;
    }
    return n;
  }

  /** The raw attribute set (see AttributeSets) equal to the attributes field buf[start, end), or -1. */
  findRawSet(buf: Uint8Array, start: number, end: number, fourOctetAs: boolean): number {
    return this.sets.findRaw(buf, start, end, fourOctetAs);
  }

  /**
   * Adds a raw attribute set of IPv4 routes the caller has validated and
   * checked absent; announce prefixes with it at once, then freeUnused(). -1
   * past the byte bound.
   */
  addRawSet(buf: Uint8Array, start: number, end: number, fourOctetAs: boolean): number {
    const set = this.sets.addRaw(buf, start, end, fourOctetAs);
    if (set < 0) this.refuseBytes(Afi.Ipv4);
    return set;
  }

  /** A set from addRawSet that no prefix took is freed. */
  freeUnused(set: number): void {
    this.sets.freeUnused(set);
  }

  /** Stores addr/len (host bits clear) with attribute set `set`; false if a prefix bound refused it. */
  announceIpv4(addr: number, len: number, set: number): boolean {
    const bound = this.boundReached(Afi.Ipv4);
    if (bound !== undefined && this.ipv4.get(addr, len) < 0) return this.refuse(bound, Afi.Ipv4);
    // Retain before release: the prefix may already hold this very set.
    this.sets.retain(set);
    const old = this.ipv4.set(addr, len, set);
    if (old >= 0) this.sets.release(old);
    return true;
  }

  /** Removes addr/len; false if it was not held. */
  withdrawIpv4(addr: number, len: number): boolean {
    const old = this.ipv4.delete(addr, len);
    if (old < 0) return false;
    this.sets.release(old);
    return true;
  }

  /** The route held for `p`, if any. */
  get(p: Prefix): StoredAttributes | undefined {
    const set = p.afi === Afi.Ipv4 && p.pathId === undefined ? this.ipv4.get(ipv4Number(p.addr), p.len) : (this.other.get(prefixKey(p)) ?? -1);
    return set < 0 ? undefined : this.sets.resolve(set);
  }

  /**
   * Every route: plain IPv4 in address order, then the others as they came.
   * Routes sharing a set share one attributes object.
   */
  *entries(): Generator<ReceivedRoute> {
    const resolved = new Map<number, StoredAttributes>();
    const resolve = (set: number): StoredAttributes => {
      let s = resolved.get(set);
      if (s === undefined) resolved.set(set, (s = this.sets.resolve(set)));
      return s;
    };
    // addr * 64 + len is exact in a double and sorts by address, then length.
    const keys = new Float64Array(this.ipv4.size);
    let n = 0;
    this.ipv4.forEach((addr, len) => (keys[n++] = addr * 64 + len));
    keys.sort();
    for (const k of keys) {
      const addr = Math.floor(k / 64);
      const len = k - addr * 64;
      const s = resolve(this.ipv4.get(addr, len));
      yield { prefix: ipv4Text(addr, len), attributes: s.attributes, nextHops: s.nextHops };
    }
    for (const [prefix, set] of this.other) {
      const s = resolve(set);
      yield { prefix, attributes: s.attributes, nextHops: s.nextHops };
    }
  }

  clear(): void {
    this.ipv4.clear();
    this.other.clear();
    this.sets.clear();
    this.ipv6 = 0;
    this.hit = undefined;
  }

  private setOther(p: Prefix, set: number): boolean {
    const key = prefixKey(p);
    const old = this.other.get(key);
    if (old === undefined) {
      const bound = this.boundReached(p.afi);
      if (bound !== undefined) return this.refuse(bound, p.afi);
      if (p.afi === Afi.Ipv6) this.ipv6++;
    }
    this.sets.retain(set);
    this.other.set(key, set);
    if (old !== undefined) this.sets.release(old);
    return true;
  }

  /** The prefix bound a new prefix of `afi` would pass, if one is reached (cheap: checked before looking the prefix up). */
  private boundReached(afi: Afi): 'prefixes' | 'ipv4' | 'ipv6' | undefined {
    const l = this.limits;
    if (l.prefixes !== undefined && this.prefixCount >= l.prefixes) return 'prefixes';
    if (afi === Afi.Ipv6) return l.ipv6 !== undefined && this.ipv6 >= l.ipv6 ? 'ipv6' : undefined;
    return l.ipv4 !== undefined && this.ipv4Count >= l.ipv4 ? 'ipv4' : undefined;
  }

  /** Records the first refusal since takeHit(). */
  private refuse(kind: LimitKind, afi: Afi): false {
    const limit = kind === 'attribute-bytes' ? (this.limits.attributeBytes ?? Number.POSITIVE_INFINITY) : this.limits[kind]!;
    this.hit ??= { kind, limit, afi };
    return false;
  }

  private refuseBytes(afi: Afi): void {
    this.refuse('attribute-bytes', afi);
  }
}
