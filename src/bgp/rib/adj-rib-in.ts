import type { PathAttributes, Prefix } from '../codec/types.js';
import { attributeKey, prefixKey } from './route.js';

export type ImportMode = 'none' | 'all';

interface SharedAttributes {
  readonly key: string;
  readonly attributes: PathAttributes;
  readonly nextHops: readonly string[];
  refs: number;
}

/**
 * Per-peer Adj-RIB-In. `none` keeps only a count of the prefixes the peer
 * currently announces (like an import filter that rejects everything, but
 * still visible); `all` stores routes, sharing one object per distinct
 * attribute set, since a full table has far fewer sets than prefixes.
 */
export class AdjRibIn {
  /** prefix key -> attribute set (mode all), or a presence marker (mode none). */
  private readonly routes = new Map<string, SharedAttributes | null>();
  private readonly sets = new Map<string, SharedAttributes>();

  constructor(readonly mode: ImportMode) {}

  get prefixCount(): number {
    return this.routes.size;
  }

  get attributeSetCount(): number {
    return this.sets.size;
  }

  announce(prefixes: readonly Prefix[], attributes: PathAttributes, nextHops: readonly string[]): void {
    let shared: SharedAttributes | null = null;
    if (this.mode === 'all' && prefixes.length > 0) {
      const key = attributeKey({ prefix: prefixes[0]!, attributes, nextHops });
      shared = this.sets.get(key) ?? null;
      if (!shared) {
        shared = { key, attributes, nextHops, refs: 0 };
        this.sets.set(key, shared);
      }
    }
    for (const p of prefixes) {
      const k = prefixKey(p);
      this.release(this.routes.get(k));
      this.routes.set(k, shared);
      if (shared) shared.refs++;
    }
  }

  withdraw(prefixes: readonly Prefix[]): void {
    for (const p of prefixes) {
      const k = prefixKey(p);
      if (!this.routes.has(k)) continue;
      this.release(this.routes.get(k));
      this.routes.delete(k);
    }
  }

  /** Stored routes (mode all); empty in mode none. */
  *entries(): Generator<{ prefix: string; attributes: PathAttributes; nextHops: readonly string[] }> {
    for (const [prefix, s] of this.routes) if (s) yield { prefix, attributes: s.attributes, nextHops: s.nextHops };
  }

  clear(): void {
    this.routes.clear();
    this.sets.clear();
  }

  private release(s: SharedAttributes | null | undefined): void {
    if (s && --s.refs === 0) this.sets.delete(s.key);
  }
}
