// Watch mode: the announce entries for the addresses found on an interface,
// kept current from an AddressWatch. The choice itself is selectWatchPrefixes.
// The watch leaves out the addresses of a link that is down or has no
// carrier, so their prefixes are withdrawn until the link is back.

import { toAnnouncement, type Announcement, type AnnouncementFields } from '../../bgp/rib/announcement.js';
import type { Logger } from '../../util/log.js';
import type { AddressWatch, InterfaceAddress } from '../../net/address-port.js';
import { selectWatchPrefixes, type WatchFilter } from './watch-filter.js';

export interface WatchEntriesOptions {
  /** A started watch of the interface; WatchEntries only listens. */
  readonly watch: AddressWatch;
  readonly filter: WatchFilter;
  /** Everything an entry carries except its prefix and neighbors. */
  readonly attributes: Omit<AnnouncementFields, 'prefix' | 'neighbors'>;
  /** The neighbors that receive a prefix of each family. */
  readonly neighbors: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
  readonly log: Logger;
}

export class WatchEntries {
  private list: Announcement[] = [];
  private readonly listeners = new Set<(entries: readonly Announcement[]) => void>();
  private readonly warned = new Set<string>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: WatchEntriesOptions) {}

  /** Follows the watch from now on, starting with what it holds. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.opts.watch.onChange((a) => this.update(a));
    this.update(this.opts.watch.current());
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  entries(): readonly Announcement[] {
    return this.list;
  }

  onChange(listener: (entries: readonly Announcement[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private update(addresses: readonly InterfaceAddress[]): void {
    const { log } = this.opts;
    const sel = selectWatchPrefixes(addresses, this.opts.filter);

    const refusedNow = new Set<string>();
    for (const r of sel.refused) {
      refusedNow.add(r.address);
      if (this.warned.has(r.address)) continue;
      this.warned.add(r.address);
      log.warn({ address: r.address, prefix: r.prefix }, `not announcing ${r.prefix} for ${r.address}: outside the watch allow-list (${this.opts.filter.allow.join(', ') || 'empty'})`);
    }
    // Warn again if a refused address goes away and comes back.
    for (const a of [...this.warned]) if (!refusedNow.has(a)) this.warned.delete(a);

    const before = this.list.map((e) => e.prefix);
    if (before.length === sel.prefixes.length && before.every((p, i) => p === sel.prefixes[i])) return;
    const added = sel.prefixes.filter((p) => !before.includes(p));
    const gone = before.filter((p) => !sel.prefixes.includes(p));
    // Each prefix is parsed once, when it appears; those that stay are kept as they were.
    const kept = new Map(this.list.map((e) => [e.prefix, e]));
    this.list = sel.prefixes.map(
      (prefix) =>
        kept.get(prefix) ??
        toAnnouncement({
          ...this.opts.attributes,
          prefix,
          neighbors: [...(prefix.includes(':') ? this.opts.neighbors.ipv6 : this.opts.neighbors.ipv4)],
        }),
    );
    log.info({ announced: added, withdrawn: gone }, `watch: ${[added.length > 0 ? `announcing ${added.join(', ')}` : '', gone.length > 0 ? `withdrawing ${gone.join(', ')}` : ''].filter(Boolean).join('; ')}`);
    for (const l of [...this.listeners]) l(this.list);
  }
}
