// The runtime form of "announce this prefix": built once where a prefix
// enters floatd (the config's `announce` list, a service's prefixes, watch
// mode) and carried as is down to the encoder, so no stage parses the prefix
// text again.

import { wirePrefix } from '../codec/nlri.js';
import type { LargeCommunity, Prefix } from '../codec/types.js';

export interface Announcement {
  /** The prefix as configured ("192.0.2.0/24"): the key logs, address needs and status use. */
  readonly prefix: string;
  /** The same prefix parsed once, wire octets included. */
  readonly nlri: Prefix;
  /** "self", an address, or absent for each neighbor's own next-hop setting. */
  readonly nextHop?: string | undefined;
  readonly med?: number | undefined;
  /** Extra copies of our AS in the AS_PATH. */
  readonly prepend: number;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  /** Sent to iBGP neighbors only (RFC 4271 5.1.5); default 100 there. */
  readonly localPref?: number | undefined;
  /** Addresses of the neighbors that receive it. */
  readonly neighbors: readonly string[];
}

/** Everything but the parsed prefix. */
export type AnnouncementFields = Omit<Announcement, 'nlri'>;

/** Parses `fields.prefix` (it must be a valid prefix, host bits clear); the lists are shared, not copied. */
export function toAnnouncement(fields: AnnouncementFields): Announcement {
  return { ...fields, nlri: wirePrefix(fields.prefix) };
}
