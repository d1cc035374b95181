// Flap guard: a prefix that keeps coming back is held down before it is
// announced again, with a hold-down that doubles each time (capped), because
// upstreams damp prefixes that flap (RFC 2439) and a damped prefix stays
// unreachable far longer than any hold-down of ours. A withdraw is never
// delayed: the guard is asked only before an announcement.

export interface FlapGuardSettings {
  /** Announcements allowed within `windowMs`; the next one is held down. */
  readonly threshold: number;
  readonly windowMs: number;
  /** First hold-down; each further one doubles, up to `maxHoldMs`. */
  readonly holdMs: number;
  readonly maxHoldMs: number;
}

/** Three comebacks in two minutes start a 30 s hold-down, doubling up to 10 minutes. */
export const DEFAULT_FLAP_GUARD: FlapGuardSettings = { threshold: 3, windowMs: 120_000, holdMs: 30_000, maxHoldMs: 600_000 };

/** What the guard remembers of one prefix: an immutable value. */
export interface FlapHistory {
  /** Times of recent announcements, oldest first, all within the window. */
  readonly announcements: readonly number[];
  /** No announcement before this time. */
  readonly holdUntil: number;
  /** Hold-downs in a row; 0 once the prefix has been quiet for a while. */
  readonly level: number;
}

export const EMPTY_HISTORY: FlapHistory = { announcements: [], holdUntil: 0, level: 0 };

export type Admission =
  | { readonly allowed: true; readonly history: FlapHistory }
  | { readonly allowed: false; readonly until: number; readonly history: FlapHistory; readonly reason: string };

/** May the prefix be announced at `now`? Records the announcement when it may. */
export function admitAnnouncement(h: FlapHistory, now: number, s: FlapGuardSettings): Admission {
  if (now < h.holdUntil) return { allowed: false, until: h.holdUntil, history: h, reason: `held down after flapping, until +${Math.ceil((h.holdUntil - now) / 1000)} s` };
  const recent = h.announcements.filter((t) => now - t < s.windowMs);
  // A prefix quiet for a whole window after its last hold-down starts afresh.
  const level = recent.length === 0 && now - h.holdUntil >= s.windowMs ? 0 : h.level;
  if (recent.length >= s.threshold) {
    const hold = Math.min(s.holdMs * 2 ** level, s.maxHoldMs);
    // The hold-down pays for the flaps counted so far; after it, counting starts again.
    const history = { announcements: [], holdUntil: now + hold, level: level + 1 };
    return { allowed: false, until: history.holdUntil, history, reason: `${recent.length} announcements within ${s.windowMs / 1000} s: held down for ${hold / 1000} s` };
  }
  return { allowed: true, history: { announcements: [...recent, now], holdUntil: h.holdUntil, level } };
}
