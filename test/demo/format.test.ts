import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChange, describeDecision, describeRoute, line, stamp, summaryTable, trafficLine } from '../../src/demo/format.js';
import type { WindowStats } from '../../src/demo/traffic.js';
import { decide, LINODE_COMMUNITY_PREFERENCE, type RoutePath } from '../../src/routeserver/index.js';
import type { RouteChange } from '../../src/routeserver/route-server.js';

const names: Record<string, string> = { '127.0.0.2': 'inst-1', '127.0.0.3': 'inst-2', '127.0.0.4': 'inst-3' };
const nameOf = (a: string): string => names[a] ?? a;

const path = (address: string, communities: number[] = [], prepends = 0): RoutePath => ({
  peerAddress: address,
  peerAs: 65001,
  peerRouterId: address,
  internal: false,
  nextHops: [address],
  attributes: { origin: 0, asPath: [{ type: 2, asns: new Array<number>(1 + prepends).fill(65001) }], ...(communities.length > 0 ? { communities } : {}) },
});

test('timeline lines: right-aligned seconds, who, what', () => {
  assert.equal(stamp(1234), '   1.23s');
  assert.equal(stamp(61_000), '  61.00s');
  assert.equal(line(500, 'router', 'hello'), '   0.50s  router   hello');
});

test('traffic line: a bar and a share per instance, the rate, the failures by reason', () => {
  const s: WindowStats = { total: 80, ok: 76, failed: 4, served: new Map([['inst-1', 57], ['inst-2', 19]]), failures: new Map([['HTTP 503', 4]]) };
  assert.equal(
    trafficLine(s, ['inst-1', 'inst-2', 'inst-3'], 80),
    'inst-1 ########..  75%  inst-2 ###.......  25%  inst-3 ..........   0%  | 80 req/s, 4 failed (4 HTTP 503)',
  );
  const idle: WindowStats = { total: 0, ok: 0, failed: 0, served: new Map(), failures: new Map() };
  assert.equal(trafficLine(idle, ['a'], 0, 4), 'a ....   0%  | 0 req/s, none failed');
});

test('routes and decisions in words', () => {
  assert.equal(describeRoute(path('127.0.0.2', [65000 * 65536 + 1, 0xffff0000], 2)), 'AS path 65001 65001 65001, communities 65000:1 graceful-shutdown');
  assert.equal(describeRoute({ ...path('127.0.0.2'), attributes: { asPath: [], med: 20 } }), 'AS path (empty), MED 20');
  const o = { communityPreference: LINODE_COMMUNITY_PREFERENCE };
  assert.equal(describeDecision(decide([path('127.0.0.3'), path('127.0.0.2')], o), nameOf), 'ECMP over inst-1, inst-2');
  const drained = decide([path('127.0.0.2', [65000 * 65536 + 1, 0xffff0000]), path('127.0.0.3', [65000 * 65536 + 2]), path('127.0.0.4', [65000 * 65536 + 3])], o);
  assert.equal(describeDecision(drained, nameOf), 'best inst-2 (inst-1 lost on LOCAL_PREF; inst-3 on community preference)');
  assert.equal(describeDecision(undefined, nameOf), 'no route left');
});

test('route changes in words: announce, withdraw, session end, and the new best paths when they moved', () => {
  const a = path('127.0.0.2', [65000 * 65536 + 1]);
  const b = path('127.0.0.3', [65000 * 65536 + 2]);
  const o = { communityPreference: LINODE_COMMUNITY_PREFERENCE };
  const base = { prefix: '203.0.113.10/32', at: 0, change: 'update' as const };
  const both = decide([a, b], o);
  const onlyB = decide([b], o);
  const announce: RouteChange = { ...base, peer: a.peerAddress, route: a, before: undefined, decision: both, previous: onlyB, bestChanged: true };
  assert.equal(describeChange(announce, nameOf), 'inst-1 announces 203.0.113.10/32 (AS path 65001, communities 65000:1) -> best inst-1 (inst-2 lost on community preference)');
  const quiet: RouteChange = { ...base, peer: b.peerAddress, route: undefined, before: b, decision: decide([a], o), previous: both, bestChanged: false };
  assert.equal(describeChange(quiet, nameOf), 'inst-2 withdrew 203.0.113.10/32');
  const down: RouteChange = { ...base, change: 'down', peer: a.peerAddress, route: undefined, before: a, decision: undefined, previous: decide([a], o), bestChanged: true };
  assert.equal(describeChange(down, nameOf), "inst-1's session ended: its route is gone -> no route left");
  const again: RouteChange = { ...announce, before: a, bestChanged: false };
  assert.equal(describeChange(again, nameOf), 'inst-1 re-announces 203.0.113.10/32 (AS path 65001, communities 65000:1)');
});

test('the summary table aligns its columns and marks failures', () => {
  const table = summaryTable([
    { name: 'failover', requests: 213, failed: 12, recoveryMs: 150, pass: true, detail: 'switched 0.15 s' },
    { name: 'drain', requests: 507, failed: 3, pass: false, detail: '3 of 507 requests failed' },
  ]);
  assert.equal(
    table,
    [
      'scenario  requests  failed  recovery  result  detail',
      '--------  --------  ------  --------  ------  ------------------------',
      'failover       213      12    0.15 s  pass    switched 0.15 s',
      'drain          507       3         -  FAIL    3 of 507 requests failed',
    ].join('\n'),
  );
});
