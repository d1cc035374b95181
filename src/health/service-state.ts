// The service state machine, pure: (state, input) -> (state, transition, effects).
//
//   INIT     no result yet (start, or just re-enabled)
//   RISING   passing checks, not yet `rise` in a row; not serving
//   UP       healthy; serving
//   FALLING  failing checks, not yet `fall` in a row; still serving if it was UP
//   DOWN     unhealthy; not serving
//   DISABLED held out of service by an operator (maintenance file, command)
//   STOPPING floatd is shutting the service down; final
//
// `serving` is the hysteresis bit the announce policy acts on: UP sets it,
// DOWN, INIT, DISABLED and STOPPING clear it, RISING and FALLING keep it. So
// INIT -> FALLING (a first failure) does not serve, and a FALLING service that
// came from INIT needs `rise` passes, not one, to become UP.
//
// A failure marked `certain` (an event-driven probe saw the process die or
// the port close) goes straight to DOWN: there is nothing to confirm. A
// failure while RISING also goes to DOWN, the state it was rising from.
// Leaving DISABLED goes to INIT, so a service back from maintenance proves
// itself again before it serves. Flap damping is not here: it belongs to the
// announce policy, which gets every transition with its time.

export type ServiceStateName = 'INIT' | 'RISING' | 'UP' | 'FALLING' | 'DOWN' | 'DISABLED' | 'STOPPING';

export const SERVICE_STATES: readonly ServiceStateName[] = ['INIT', 'RISING', 'UP', 'FALLING', 'DOWN', 'DISABLED', 'STOPPING'];

export interface Thresholds {
  /** Passes in a row before UP (>= 1). */
  readonly rise: number;
  /** Failures in a row before DOWN (>= 1). */
  readonly fall: number;
}

export interface ServiceState {
  readonly name: ServiceStateName;
  /** Clock time this state was entered. */
  readonly since: number;
  /** Passes in a row counted toward rise. */
  readonly successes: number;
  /** Failures in a row counted toward fall. */
  readonly failures: number;
  readonly serving: boolean;
  /** What holds the service disabled ("file /etc/floatd/off", "operator"); sorted, no duplicates. */
  readonly disabledBy: readonly string[];
  /** Transitions so far. */
  readonly transitions: number;
}

export type ServiceInput =
  | { readonly kind: 'result'; readonly ok: boolean; readonly at: number; readonly detail: string; readonly certain?: boolean }
  | { readonly kind: 'disable'; readonly source: string; readonly on: boolean; readonly at: number; readonly reason?: string }
  | { readonly kind: 'stop'; readonly at: number; readonly reason?: string };

export interface TransitionEvent {
  readonly from: ServiceStateName;
  readonly to: ServiceStateName;
  readonly reason: string;
  readonly at: number;
  /** `serving` before and after: the policy changes routes only when these differ (or the state's metric does). */
  readonly wasServing: boolean;
  readonly serving: boolean;
}

/** How often the runner should probe in a state. */
export type Pace = 'fast' | 'normal' | 'stopped';

export type ServiceEffect = { readonly kind: 'pace'; readonly pace: Pace };

export interface ServiceStep {
  readonly state: ServiceState;
  /** Set only when the state name changed. */
  readonly transition?: TransitionEvent;
  readonly effects: readonly ServiceEffect[];
}

export const paceOf = (name: ServiceStateName): Pace =>
  name === 'STOPPING' ? 'stopped' : name === 'INIT' || name === 'RISING' || name === 'FALLING' ? 'fast' : 'normal';

export const initialServiceState = (at: number): ServiceState => ({
  name: 'INIT',
  since: at,
  successes: 0,
  failures: 0,
  serving: false,
  disabledBy: [],
  transitions: 0,
});

const atLeastOne = (n: number): number => (Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1);

/** Where a state name leads, with the fields that go with it. */
function enter(
  s: ServiceState,
  to: ServiceStateName,
  at: number,
  reason: string,
  fields: Partial<Pick<ServiceState, 'successes' | 'failures' | 'disabledBy'>> = {},
): ServiceStep {
  const serving = to === 'UP' ? true : to === 'RISING' || to === 'FALLING' ? s.serving : false;
  const next: ServiceState = {
    name: to,
    since: to === s.name ? s.since : at,
    successes: fields.successes ?? 0,
    failures: fields.failures ?? 0,
    serving,
    disabledBy: fields.disabledBy ?? s.disabledBy,
    transitions: s.transitions + (to === s.name ? 0 : 1),
  };
  if (to === s.name) return { state: next, effects: [] };
  const effects: ServiceEffect[] = paceOf(to) !== paceOf(s.name) ? [{ kind: 'pace', pace: paceOf(to) }] : [];
  return { state: next, transition: { from: s.name, to, reason, at, wasServing: s.serving, serving }, effects };
}

function onPass(s: ServiceState, at: number, detail: string, t: Thresholds): ServiceStep {
  const rise = atLeastOne(t.rise);
  switch (s.name) {
    case 'UP':
      return enter(s, 'UP', at, '');
    case 'FALLING':
      if (s.serving) return enter(s, 'UP', at, `check passed again: ${detail}`);
      break;
    case 'INIT':
    case 'RISING':
    case 'DOWN':
      break;
    default:
      return { state: s, effects: [] };
  }
  const successes = (s.name === 'RISING' ? s.successes : 0) + 1;
  if (successes >= rise) {
    return enter(s, 'UP', at, rise === 1 ? `check passed: ${detail}` : `${rise} checks passed in a row: ${detail}`);
  }
  return enter(s, 'RISING', at, `check passed (${successes}/${rise}): ${detail}`, { successes });
}

function onFail(s: ServiceState, at: number, detail: string, certain: boolean, t: Thresholds): ServiceStep {
  const fall = atLeastOne(t.fall);
  switch (s.name) {
    case 'DOWN':
      return enter(s, 'DOWN', at, '');
    case 'RISING':
      return enter(s, 'DOWN', at, `${certain ? 'event' : 'check failed while rising'}: ${detail}`);
    case 'INIT':
    case 'UP':
    case 'FALLING': {
      if (certain) return enter(s, 'DOWN', at, `event: ${detail}`);
      const failures = (s.name === 'FALLING' ? s.failures : 0) + 1;
      if (failures >= fall) {
        return enter(s, 'DOWN', at, fall === 1 ? `check failed: ${detail}` : `${fall} checks failed in a row: ${detail}`);
      }
      return enter(s, 'FALLING', at, `check failed (${failures}/${fall}): ${detail}`, { failures });
    }
    default:
      return { state: s, effects: [] };
  }
}

export function stepService(s: ServiceState, input: ServiceInput, t: Thresholds): ServiceStep {
  if (s.name === 'STOPPING') return { state: s, effects: [] };
  switch (input.kind) {
    case 'stop':
      return enter(s, 'STOPPING', input.at, `stop${input.reason ? `: ${input.reason}` : ''}`, { disabledBy: [] });
    case 'result':
      return input.ok ? onPass(s, input.at, input.detail, t) : onFail(s, input.at, input.detail, input.certain === true, t);
    case 'disable': {
      const has = s.disabledBy.includes(input.source);
      if (input.on === has) return { state: s, effects: [] };
      const disabledBy = input.on
        ? [...s.disabledBy, input.source].sort()
        : s.disabledBy.filter((x) => x !== input.source);
      const why = input.reason ? `: ${input.reason}` : '';
      if (input.on) {
        if (s.name === 'DISABLED') return { state: { ...s, disabledBy }, effects: [] };
        return enter(s, 'DISABLED', input.at, `disabled by ${input.source}${why}`, { disabledBy });
      }
      if (disabledBy.length > 0 || s.name !== 'DISABLED') return { state: { ...s, disabledBy }, effects: [] };
      return enter(s, 'INIT', input.at, `enabled: ${input.source} cleared${why}`, { disabledBy });
    }
  }
}

/** Transitions into this state run these hook kinds (besides "any"). */
export const hookKindOf = (to: ServiceStateName): 'up' | 'down' | 'disabled' | undefined =>
  to === 'UP' ? 'up' : to === 'DOWN' ? 'down' : to === 'DISABLED' ? 'disabled' : undefined;
