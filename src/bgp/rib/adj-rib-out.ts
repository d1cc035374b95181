import type { Prefix } from '../codec/types.js';
import type { RouteGroup } from '../codec/update-builder.js';
import { attributeKey, prefixKey, type Route } from './route.js';

/** What must go on the wire to bring a peer from what it was sent to what is desired. */
export interface RibChanges {
  readonly withdraw: readonly Prefix[];
  /** Announcements grouped by shared attributes, so each group packs into as few UPDATEs as fit. */
  readonly announce: readonly RouteGroup[];
}

interface SentRoute {
  readonly route: Route;
  readonly key: string;
}

/**
 * Per-peer Adj-RIB-Out (RFC 4271 3.2): what the peer was sent. `sync` takes
 * the full desired set and returns only the difference; nothing unchanged is
 * sent again.
 */
export class AdjRibOut {
  private sent = new Map<string, SentRoute>();

  get size(): number {
    return this.sent.size;
  }

  routes(): Route[] {
    return [...this.sent.values()].map((s) => s.route);
  }

  /** Records `desired` as sent and returns the changes that make it so. */
  sync(desired: readonly Route[]): RibChanges {
    const next = new Map<string, SentRoute>();
    const changed: Route[] = [];
    for (const route of desired) {
      const pk = prefixKey(route.prefix);
      const entry = { route, key: attributeKey(route) };
      next.set(pk, entry);
      if (this.sent.get(pk)?.key !== entry.key) changed.push(route);
    }
    const withdraw: Prefix[] = [];
    for (const [pk, old] of this.sent) if (!next.has(pk)) withdraw.push(old.route.prefix);
    this.sent = next;
    return { withdraw, announce: groupRoutes(changed) };
  }

  /** Everything, as for the initial send or a ROUTE-REFRESH answer. */
  all(): RibChanges {
    return { withdraw: [], announce: groupRoutes(this.routes()) };
  }

  /** The session went down: the peer holds nothing from us any more. */
  clear(): void {
    this.sent.clear();
  }
}

export function groupRoutes(routes: readonly Route[]): RouteGroup[] {
  const groups = new Map<string, { attributes: Route['attributes']; nextHops: readonly string[]; prefixes: Prefix[] }>();
  for (const r of routes) {
    const k = attributeKey(r);
    const g = groups.get(k);
    if (g) g.prefixes.push(r.prefix);
    else groups.set(k, { attributes: r.attributes, nextHops: r.nextHops, prefixes: [r.prefix] });
  }
  return [...groups.values()];
}
