// The config's static `announce` entries as the runtime carries them: each
// prefix parsed once, here, where the config is loaded or reloaded.

import { toAnnouncement, type Announcement } from '../bgp/rib/announcement.js';
import type { Config } from './config-schema.js';

export function staticAnnouncements(cfg: Pick<Config, 'announce'>): Announcement[] {
  return cfg.announce.map(toAnnouncement);
}
