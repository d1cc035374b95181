// Answers of the control socket as JSON, shared by the formatter tests and
// the end-to-end CLI test. Written by hand in the daemon's field names.

import type { EventView } from '../../src/cli/format-views.js';
import type { VrrpView } from '../../src/cli/format-vrrp.js';

export const PEER_UP = {
  address: '169.254.169.254',
  peerAs: 64515,
  state: 'Established',
  direction: 'outbound',
  uptimeSeconds: 3725,
  holdTimeProposed: 90,
  peerHoldTime: 240,
  holdTime: 90,
  keepaliveTime: 30,
  peerRouterId: '45.63.10.1',
  capabilities: {
    families: ['ipv4', 'ipv6'],
    fourOctetAs: true,
    routeRefresh: true,
    enhancedRouteRefresh: false,
    extendedMessage: true,
    extendedNextHopIpv4: false,
    addPath: { rxIpv4: true, rxIpv6: false, txIpv4: false, txIpv6: false },
    gracefulRestart: { restartTime: 120, restarting: false, notification: true, families: [{ family: 'ipv4', forwarding: true }, { family: 'ipv6', forwarding: false }] },
    hostname: null,
  },
  messages: { in: 130, out: 131 },
  updates: { in: 1, out: 2 },
  prefixes: { received: 1, withdrawnReceived: 0, looped: 0, announced: 1 },
  importMode: 'all',
  establishedTransitions: 1,
  description: 'vultr',
  prefixesReceived: 1,
  prefixesAnnounced: 1,
};

export const PEER_DOWN = {
  address: '2001:19f0:ffff::1',
  peerAs: 64515,
  state: 'Active',
  holdTimeProposed: 9,
  holdLadder: { candidates: [3, 9, 30, 90], step: 2, exhausted: false },
  messages: { in: 3, out: 4 },
  updates: { in: 0, out: 0 },
  prefixes: { received: 0, withdrawnReceived: 0, looped: 0, announced: 0 },
  importMode: 'none',
  establishedTransitions: 2,
  lastError: 'received NOTIFICATION 6/2 (Cease / Administrative Shutdown): "maintenance"',
  prefixesReceived: 0,
  prefixesAnnounced: 0,
};

export const SERVICE_WEB = {
  name: 'web',
  state: 'UP',
  since: 5000,
  serving: true,
  disabledBy: [],
  successes: 3,
  failures: 0,
  settings: { rise: 3, fall: 2, intervalMs: 2000, fastIntervalMs: 500, timeoutMs: 1000 },
  results: [],
  transitions: [
    { service: 'web', from: 'INIT', to: 'RISING', reason: 'check passed: 200', at: 1000, wasServing: false, serving: false },
    { service: 'web', from: 'RISING', to: 'UP', reason: '3 checks passed in a row', at: 5000, wasServing: false, serving: true },
  ],
  hooks: [],
  counters: { checks: 12, events: 0, failures: 1, timeouts: 1, transitions: 2 },
  prefixes: ['192.0.2.10/32', '192.0.2.11/32'],
  announced: ['192.0.2.10/32'],
  held: [{ prefix: '192.0.2.11/32', until: 95000 }],
  demoted: false,
  lastProbes: [
    { ok: false, durationMs: 1000.4, timedOut: true, detail: 'GET http://127.0.0.1:8080/health: aborted after 1000.4 ms', atMs: 3000 },
    { ok: false, durationMs: 0.73, timedOut: false, detail: 'GET http://127.0.0.1:8080/health: status 503', atMs: 3500 },
    { ok: true, durationMs: 2.25, timedOut: false, detail: 'GET http://127.0.0.1:8080/health: status 200', atMs: 4000 },
  ],
  draining: null,
  loadMed: null,
};

/** An older daemon: no lastProbes, no draining; probe results only in `results`. */
export const SERVICE_DB = {
  name: 'db',
  state: 'DISABLED',
  since: 7000,
  serving: false,
  disabledBy: ['file /etc/floatd/db.off', 'operator'],
  successes: 0,
  failures: 0,
  settings: { rise: 2, fall: 1, intervalMs: 1000, fastIntervalMs: 250, timeoutMs: 500 },
  results: [{ ok: true, durationMs: 12, detail: 'exec check-lag: exit 0', at: 6500, source: 'poll' }],
  transitions: [{ service: 'db', from: 'UP', to: 'DISABLED', reason: 'disabled by operator: maintenance', at: 7000, wasServing: true, serving: false }],
  hooks: [],
  counters: { checks: 1, events: 0, failures: 0, timeouts: 0, transitions: 1 },
  prefixes: ['198.51.100.7/32'],
  announced: [],
  held: [],
  demoted: true,
};

export const STATUS = { routerId: '203.0.113.5', localAs: 65001, peers: [PEER_UP, PEER_DOWN], services: [SERVICE_WEB, SERVICE_DB] };

/** 65000:1 and the RFC 8326 GRACEFUL_SHUTDOWN community 65535:0. */
const C_65000_1 = 65000 * 65536 + 1;
const GRACEFUL_SHUTDOWN = 0xffff0000;

export const ROUTES = [
  {
    neighbor: '169.254.169.254',
    announced: [
      {
        prefix: '192.0.2.10/32',
        nextHops: ['203.0.113.5'],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [65001, 65001] }], communities: [C_65000_1, GRACEFUL_SHUTDOWN], largeCommunities: [{ global: 65001, local1: 1, local2: 2 }] },
      },
    ],
    received: [
      {
        prefix: '0.0.0.0/0',
        nextHops: ['169.254.169.254'],
        attributes: {
          origin: 2,
          asPath: [
            { type: 2, asns: [64515, 20473] },
            { type: 1, asns: [64600, 64601] },
          ],
          med: 10,
          localPref: 100,
          // A Uint8Array as JSON.stringify writes it.
          extendedCommunities: [{ '0': 0, '1': 2, '2': 253, '3': 232, '4': 0, '5': 0, '6': 0, '7': 1 }],
        },
      },
    ],
  },
  { neighbor: '2001:19f0:ffff::1', announced: [], received: [] },
];

export const EVENTS: EventView[] = [
  { at: '2025-03-01T10:00:01.000Z', atMs: 1000, service: 'web', from: 'INIT', to: 'RISING', reason: 'check passed: 200', kind: 'transition' },
  { at: '2025-03-01T10:00:05.000Z', atMs: 5000, service: 'web', from: 'RISING', to: 'UP', reason: '3 checks passed in a row', kind: 'transition' },
  { at: '2025-03-01T10:00:06.900Z', atMs: 6900, service: 'db', from: 'UP', to: 'UP', reason: 'maintenance on: operator', kind: 'command' },
  { at: '2025-03-01T10:00:07.000Z', atMs: 7000, service: 'db', from: 'UP', to: 'DISABLED', reason: 'disabled by operator: maintenance', kind: 'transition' },
];

/** `vrrp`: one instance that gave up for its service. */
export const VRRP: VrrpView[] = [
  {
    name: 'web-vip',
    interface: 'eth0',
    vrid: 51,
    state: 'Backup',
    priority: 0,
    configuredPriority: 150,
    addresses: ['192.0.2.10/24'],
    track: ['web'],
    active: { address: '192.0.2.3', priority: 100 },
    last: { from: 'Active', to: 'Backup', reason: 'tracked service not serving: giving up mastership' },
    tracking: { tracked: false, reason: 'web not serving' },
    transitions: 3,
    dropped: { ERR_VRRP_TTL: 2 },
  },
];
