// The demo's story, pure: which scenarios exist, in what order, what each
// shows, and the fixed cast (addresses, AS numbers, timers).

export const FLOATING_PREFIX = '203.0.113.10/32';

export const ROUTER = { address: '127.0.0.1', as: 65000, routerId: '127.0.0.1' } as const;
export const INSTANCE_AS = 65001;

export interface InstanceInfo {
  readonly name: string;
  /** Its own loopback address: Linux routes all of 127/8 to lo, so each instance gets one without root. */
  readonly address: string;
  readonly role: 'primary' | 'secondary' | 'tertiary';
}

export const INSTANCES: readonly InstanceInfo[] = [
  { name: 'inst-1', address: '127.0.0.2', role: 'primary' },
  { name: 'inst-2', address: '127.0.0.3', role: 'secondary' },
  { name: 'inst-3', address: '127.0.0.4', role: 'tertiary' },
];

/** Short timers so the whole story fits in two minutes. */
export const DEMO_TIMERS = {
  /** BGP hold time, s: the least RFC 4271 allows; keepalives every second. */
  holdTime: 3,
  connectRetry: 1,
  /** Health check every 0.25 s, 0.1 s while a change is being confirmed. */
  interval: 0.25,
  fastInterval: 0.1,
  timeout: 0.25,
  rise: 2,
  fall: 2,
  /** BFD between each instance and the router (floatd's defaults): a silent peer is down after 0.3 s. */
  bfd: { minTxMs: 100, minRxMs: 100, multiplier: 3 },
} as const;

export const DEFAULT_RATE = 80;
/** A client request that gets no answer within this counts as failed. */
export const REQUEST_TIMEOUT_MS = 800;

/** The instances' configs: all equal, or each with its role (by Linode-style community). */
export type Phase = 'active-active' | 'roles';

export type ScenarioName = 'active-active' | 'primary-secondary' | 'failover' | 'failback' | 'drain' | 'kill' | 'freeze-no-bfd' | 'freeze' | 'flap';

export interface ScenarioInfo {
  readonly name: ScenarioName;
  readonly title: string;
  /** What to watch for, printed before the scenario runs. */
  readonly intro: string;
  /** The configs the scenario starts from. */
  readonly phase: Phase;
  /** The instance that runs without BFD in this scenario; every other one runs it. */
  readonly bfdOff?: string;
}

export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: 'active-active',
    title: 'All up, active-active',
    phase: 'active-active',
    intro:
      'Every instance announces the floating prefix with the same attributes. The router keeps all three as equal-cost paths (ECMP) and hashes requests across them.',
  },
  {
    name: 'primary-secondary',
    title: 'Primary / secondary by community',
    phase: 'active-active',
    intro:
      'Each floatd restarts in turn (SIGTERM: withdraw, then Cease) with a role: inst-1 primary (65000:1), inst-2 secondary (65000:2), inst-3 tertiary (65000:3). The router prefers 65000:1. No request may fail during the rolling restart.',
  },
  {
    name: 'failover',
    title: "The primary's service fails",
    phase: 'roles',
    intro:
      "inst-1's service starts answering 503. floatd's HTTP check fails twice (fall 2), floatd withdraws the prefix, and the router moves traffic to the secondary.",
  },
  {
    name: 'failback',
    title: 'The primary recovers (failback)',
    phase: 'roles',
    intro: "inst-1's service answers again. After two good checks (rise 2) floatd announces the prefix again, and traffic moves back to the primary.",
  },
  {
    name: 'drain',
    title: 'Maintenance drain',
    phase: 'roles',
    intro: 'inst-1 is drained before maintenance: traffic leaves it while its service still answers, so not one request may fail.',
  },
  {
    name: 'kill',
    title: "An instance's floatd is killed (SIGKILL)",
    phase: 'roles',
    intro: "inst-1's floatd dies without a word. The kernel closes its TCP session at once, the router drops its route and traffic moves. The service still runs: no request should fail.",
  },
  {
    name: 'freeze-no-bfd',
    title: 'An instance freezes (SIGSTOP), BFD off',
    phase: 'roles',
    bfdOff: 'inst-1',
    intro:
      "inst-1's floatd restarts without BFD, then freezes: SIGSTOP to its floatd, and its service stops answering. The TCP session stays open but silent, so only the router's hold timer (3 s here) can notice.",
  },
  {
    name: 'freeze',
    title: 'An instance freezes (SIGSTOP), BFD on',
    phase: 'roles',
    intro:
      "The same freeze with BFD between inst-1 and the router (100 ms x 3, in a thread of its own on each side). The router's BFD session hears nothing for 0.3 s, goes down, and the router resets the BGP session at once (RFC 5882) instead of waiting for the hold timer.",
  },
  {
    name: 'flap',
    title: 'A flapping service is held down',
    phase: 'roles',
    intro:
      "inst-1's service flaps: down 0.8 s, up 1.2 s, again and again. floatd's flap guard allows three announcements in two minutes and holds the next one down (30 s, doubling), so traffic stops bouncing.",
  },
];

export class DemoUsageError extends Error {
  readonly code = 'ERR_DEMO_USAGE';
  override readonly name = 'DemoUsageError';
}

/** All scenarios in story order, or the one named. */
export function selectScenarios(name: string | undefined): readonly ScenarioInfo[] {
  if (name === undefined) return SCENARIOS;
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new DemoUsageError(`unknown scenario ${JSON.stringify(name)} (expected one of ${SCENARIOS.map((x) => x.name).join(', ')})`);
  return [s];
}

/** The instance whose session uses `address`, if any. */
export const instanceAt = (address: string | undefined): InstanceInfo | undefined => INSTANCES.find((i) => i.address === address);
