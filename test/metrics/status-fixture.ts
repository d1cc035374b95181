// A daemon's status views for status page tests: plain values the test
// changes between requests, as the daemon's own status changes.

import type { EventView, ExtraSection, PeerView, ServiceView, StatusViews } from '../../src/metrics/status-page/views.js';

/** A peer hostname from the network (FQDN capability) that tries to become markup and run script. */
export const HOSTILE_HOSTNAME = '<img src=x onerror="window.__pwned=1">evil"\'&host';
/** A shutdown communication (RFC 8203) that tries the same. */
export const HOSTILE_SHUTDOWN = 'Cease: administrative shutdown: "<script>window.__pwned=2</script> maintenance"';

export interface FixtureState {
  now: number;
  services: ServiceView[];
  peers: PeerView[];
  events: EventView[];
  sections: ExtraSection[];
}

export function service(name: string, state: string, over: Partial<ServiceView> = {}): ServiceView {
  const serving = state === 'UP' || state === 'FALLING';
  return {
    name,
    state,
    since: 0,
    serving,
    disabledBy: [],
    prefixes: ['192.0.2.10/32'],
    announced: serving ? ['192.0.2.10/32'] : [],
    held: [],
    demoted: false,
    draining: null,
    lastProbes: [],
    transitions: [],
    ...over,
  };
}

export function fixture(): FixtureState {
  const okProbe = (at: number, ms: number) => ({ ok: true, durationMs: ms, timedOut: false, detail: 'HTTP 200 in time', atMs: at });
  return {
    now: 600_000,
    services: [
      service('web', 'UP', {
        since: 480_000,
        role: 'primary',
        transitions: [{ reason: '3 checks passed (rise 3)', at: 480_000 }],
        lastProbes: [okProbe(594_000, 4.2), okProbe(596_000, 3.9), okProbe(598_000, 12.5)],
      }),
      service('db', 'DOWN', {
        since: 570_000,
        prefixes: ['192.0.2.20/32', '2001:db8::20/128'],
        transitions: [{ reason: '3 checks failed (fall 3): connect ECONNREFUSED 127.0.0.1:5432', at: 570_000 }],
        lastProbes: [{ ok: false, durationMs: 0.8, timedOut: false, detail: 'connect ECONNREFUSED 127.0.0.1:5432', atMs: 598_500 }],
        held: [{ prefix: '192.0.2.20/32', until: 630_000 }],
      }),
    ],
    peers: [
      {
        address: '192.0.2.1',
        description: 'upstream router',
        peerAs: 64512,
        state: 'Established',
        uptimeSeconds: 3725,
        holdTime: 90,
        keepaliveTime: 30,
        peerRouterId: '192.0.2.1',
        capabilities: { hostname: HOSTILE_HOSTNAME },
        prefixesReceived: 1,
        prefixesAnnounced: 1,
        establishedTransitions: 1,
      },
      {
        address: '2001:db8::1',
        peerAs: 64512,
        state: 'Active',
        prefixesReceived: 0,
        prefixesAnnounced: 0,
        establishedTransitions: 2,
        lastError: HOSTILE_SHUTDOWN,
      },
    ],
    events: [
      { at: '2025-01-01T10:00:00.000Z', service: 'web', from: 'RISING', to: 'UP', reason: '3 checks passed (rise 3)', kind: 'transition' },
      { at: '2025-01-01T10:01:30.000Z', service: 'db', from: 'FALLING', to: 'DOWN', reason: '3 checks failed (fall 3)', kind: 'transition' },
    ],
    sections: [],
  };
}

export function viewsOf(st: FixtureState): StatusViews {
  return {
    clock: { now: () => st.now },
    version: '0.1.0',
    speaker: () => ({ routerId: '192.0.2.254', localAs: 65001, peers: st.peers }),
    services: () => st.services,
    events: (limit) => st.events.slice(-limit),
    sections: () => st.sections,
  };
}
