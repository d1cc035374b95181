// Several producers of announce entries (the announcer, watch mode) feeding
// one speaker: each part's latest list is kept, and the speaker gets them
// all together, in the order the parts were made, whenever one changes. A
// prefix listed by two parts goes out once, as the earlier part has it.

import type { Announcement } from '../../bgp/rib/announcement.js';
import type { AnnouncementSink } from '../announcer.js';

export class CombinedSink {
  private readonly lists: (readonly Announcement[])[] = [];

  constructor(private readonly inner: AnnouncementSink) {}

  /** A new input; its entries join the others in the speaker's list. */
  part(): AnnouncementSink {
    const i = this.lists.push([]) - 1;
    return {
      setAnnouncements: (entries) => {
        this.lists[i] = entries;
        const seen = new Set<string>();
        this.inner.setAnnouncements(this.lists.flat().filter((e) => !seen.has(e.prefix) && seen.add(e.prefix)));
      },
    };
  }
}
