import type { PathAttributes, Prefix } from '../codec/types.js';
import { attributeKey, prefixKey } from './route.js';

/** `none`: count what arrives, store nothing (the default); `all`: keep routes in an AdjRibIn. */
export type ImportMode = 'none' | 'all';

interface SharedAttributes {
  readonly key: string;
  readonly attributes: PathAttributes;
  readonly nextHops: readonly string[];
  refs: number;
}

/**
 * Per-peer Adj-RIB-In for `import: all`: the routes the peer currently
 * announces, sharing one object per distinct attribute set, since a full
 * table has far fewer sets than prefixes. (`import: none` needs no RIB: the
 * session only counts.)
 */
export class AdjRibIn {
  /** prefix key -> its attribute set. */
  private readonly routes = new Map<string, SharedAttributes>();
  private readonly sets = new Map<string, SharedAttributes>();

  get prefixCount(): number {
    return this.routes.size;
  }

  get attributeSetCount(): number {
    return this.sets.size;
  }

  announce(prefixes: readonly Prefix[], attributes: PathAttributes, nextHops: readonly string[]): void {
    if (prefixes.length === 0) return;
    const key = attributeKey({ prefix: prefixes[0]!, attributes, nextHops });
    let shared = this.sets.get(key);
    if (!shared) {
      shared = { key, attributes, nextHops, refs: 0 };
      this.sets.set(key, shared);
    }
    for (const p of prefixes) {
      const k = prefixKey(p);
      this.release(this.routes.get(k));
      this.routes.set(k, shared);
      shared.refs++;
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

  *entries(): Generator<{ prefix: string; attributes: PathAttributes; nextHops: readonly string[] }> {
    for (const [prefix, s] of this.routes) yield { prefix, attributes: s.attributes, nextHops: s.nextHops };
  }

  clear(): void {
    this.routes.clear();
    this.sets.clear();
  }

  private release(s: SharedAttributes | undefined): void {
    if (s && --s.refs === 0) this.sets.delete(s.key);
  }
}
