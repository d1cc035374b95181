// Load-driven MED, pure: a load reading -> the MED a serving service
// announces, lower when idle and higher when busy, so routers that compare
// MED send new traffic to the least loaded instance.
//
// MED is a ranking, not a weight: the instance with the lowest MED gets all
// the traffic its router can send it, which raises its load, which raises
// its MED, which moves the traffic back. Three things keep that loop from
// churning routes:
//   - steps: the MED takes one of a few values (min, min+step, ..., max), so
//     small load changes change nothing;
//   - hysteresis: to move to another step the load must pass the boundary
//     between two steps by a part of a step's width, so a load that sits on
//     a boundary does not toggle;
//   - a minimum interval between two changes, whatever the load does.
// Every change is one UPDATE; the caller re-announces only when the value
// returned here differs from the one before.

export interface LoadMedSettings {
  /** Load at or below which the MED is `minMed`. */
  readonly low: number;
  /** Load at or above which the MED is `maxMed`. */
  readonly high: number;
  readonly minMed: number;
  readonly maxMed: number;
  /** The MED moves in steps of this (the last step may be shorter, ending at maxMed). */
  readonly step: number;
  /** 0..0.5: how far past a boundary between two steps, in step widths, the load must go. */
  readonly hysteresis: number;
  /** No two changes closer than this (ms). */
  readonly minIntervalMs: number;
}

export interface LoadMedState {
  /** Current step, 0 = minMed; undefined before the first reading. */
  readonly level: number | undefined;
  /** Time of the last change; -Infinity before the first. */
  readonly changedAt: number;
}

export const INITIAL_LOAD_MED: LoadMedState = { level: undefined, changedAt: -Infinity };

export interface LoadMedStep {
  readonly state: LoadMedState;
  /** The MED to announce now; undefined only before the first reading. */
  readonly med: number | undefined;
  readonly changed: boolean;
  /** Why the value moved or stayed, for the log. */
  readonly reason: string;
}

/** Number of steps above the lowest: levels run 0..stepsOf(s). */
export const stepsOf = (s: LoadMedSettings): number => Math.max(1, Math.ceil((s.maxMed - s.minMed) / s.step));

export const medOfLevel = (s: LoadMedSettings, level: number): number => Math.min(s.minMed + level * s.step, s.maxMed);

/**
 * The level for `load` with no history: the nearest step. Load below `low`
 * or above `high` is clamped to the ends.
 */
export function nearestLevel(s: LoadMedSettings, load: number): number {
  const n = stepsOf(s);
  const f = s.high > s.low ? (load - s.low) / (s.high - s.low) : load >= s.high ? 1 : 0;
  return Math.round(Math.min(1, Math.max(0, f)) * n);
}

/**
 * The level for `load` coming from `level`: the farthest step in the
 * direction of the load whose boundary the load has passed by the
 * hysteresis. Level j's centre is at low + j·w (w = one step's width in load
 * units); the boundary with its neighbour below is half a step down.
 */
export function levelWithHysteresis(s: LoadMedSettings, level: number, load: number): number {
  const n = stepsOf(s);
  const w = (s.high - s.low) / n;
  const h = Math.min(0.5, Math.max(0, s.hysteresis)) * w;
  const centre = (j: number): number => s.low + j * w;
  let next = level;
  while (next < n && load >= centre(next + 1) - w / 2 + h) next++;
  if (next !== level) return next;
  while (next > 0 && load <= centre(next - 1) + w / 2 - h) next--;
  return next;
}

/** One reading at `now`. The first reading sets the MED at once; later ones respect hysteresis and the minimum interval. */
export function nextLoadMed(state: LoadMedState, load: number, now: number, s: LoadMedSettings): LoadMedStep {
  const shown = Number.isInteger(load) ? String(load) : load.toFixed(3);
  if (state.level === undefined) {
    const level = nearestLevel(s, load);
    return { state: { level, changedAt: now }, med: medOfLevel(s, level), changed: true, reason: `load ${shown}: MED ${medOfLevel(s, level)}` };
  }
  const current = medOfLevel(s, state.level);
  const wanted = levelWithHysteresis(s, state.level, load);
  if (wanted === state.level) return { state, med: current, changed: false, reason: `load ${shown}: MED stays ${current}` };
  const med = medOfLevel(s, wanted);
  if (now - state.changedAt < s.minIntervalMs) {
    const wait = Math.ceil((state.changedAt + s.minIntervalMs - now) / 1000);
    return { state, med: current, changed: false, reason: `load ${shown} asks for MED ${med}; MED stays ${current} for ${wait} s more (min-interval)` };
  }
  return { state: { level: wanted, changedAt: now }, med, changed: true, reason: `load ${shown}: MED ${current} -> ${med}` };
}
