// The one owner of the desired route set. Its producers (ServiceRoutes:
// static entries and services' routes; watch mode) each hand it their latest
// list; a part may be gated by the address gate, whose admission is applied
// here as a filter (the gate keeps only its address state). The speaker gets
// the whole set as one value, in the order the parts were made, whenever one
// changes; a prefix listed by two parts goes out once, as the earlier part
// has it. All synchronous: a withdraw reaches the speaker in the same turn.

import type { Announcement } from '../bgp/rib/announcement.js';
import type { AnnouncementSink } from './service-routes.js';

/** What a gated part needs of the gate: told what is wanted, asked what may go out. */
export interface Admission {
  /** The part's prefixes changed; the gate then asks for a publish (withdraws before any address is removed). */
  want(entries: readonly Announcement[]): void;
  admits(prefix: string): boolean;
}

interface Part {
  list: readonly Announcement[];
  readonly gate: Admission | undefined;
}

export class DesiredRoutes {
  private readonly parts: Part[] = [];
  private last: readonly Announcement[] = [];

  constructor(private readonly out: AnnouncementSink) {}

  /** A new producer; its entries join the others in the speaker's set, filtered by `gate` when given. */
  part(gate?: Admission): AnnouncementSink {
    const p: Part = { list: [], gate };
    this.parts.push(p);
    return {
      setAnnouncements: (entries) => {
        p.list = entries;
        // A gated part is published when the gate says what it admits, in the order the gate needs.
        if (gate) gate.want(entries);
        else this.publish();
      },
    };
  }

  /** Hands the speaker the set as it is now (a gate calls this when what it admits changed). */
  publish(): void {
    const seen = new Set<string>();
    const out: Announcement[] = [];
    for (const p of this.parts) {
      for (const e of p.list) {
        if (seen.has(e.prefix) || (p.gate && !p.gate.admits(e.prefix))) continue;
        seen.add(e.prefix);
        out.push(e);
      }
    }
    this.last = out;
    this.out.setAnnouncements(out);
  }

  /** The set handed to the speaker last. */
  current(): readonly Announcement[] {
    return this.last;
  }
}
