import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { scrape } from './scrape.js';

const peer = (address: string, bfd?: { state: string; detectionTimeMs: number; stateChanges: number }) => ({
  address,
  state: 'Established',
  messages: { in: 0, out: 0 },
  updates: { in: 0, out: 0 },
  prefixesReceived: 0,
  prefixesAnnounced: 0,
  establishedTransitions: 1,
  ...(bfd ? { bfd } : {}),
});

const metrics = (peers: unknown[]): DaemonMetrics =>
  new DaemonMetrics({
    peers: () => ({ peers }) as never,
    services: () => [],
    clock: { now: () => 0 },
    process: () => ({ residentMemoryBytes: 0, cpuSeconds: 0, startTimeSeconds: 0, heapBytes: 0 }),
    version: 'test',
  });

test('BFD metrics per neighbor with bfd: session up, detection time in seconds, state changes; none for neighbors without', () => {
  const s = scrape(
    metrics([
      peer('192.0.2.1', { state: 'Up', detectionTimeMs: 300, stateChanges: 2 }),
      peer('2001:db8::1', { state: 'Down', detectionTimeMs: 0, stateChanges: 5 }),
      peer('192.0.2.9'),
    ]).render(),
  );
  assert.equal(s.value('floatd_bfd_session_up', { neighbor: '192.0.2.1' }), 1);
  assert.equal(s.value('floatd_bfd_session_up', { neighbor: '2001:db8::1' }), 0);
  assert.equal(s.value('floatd_bfd_detection_time_seconds', { neighbor: '192.0.2.1' }), 0.3);
  assert.equal(s.value('floatd_bfd_state_changes_total', { neighbor: '2001:db8::1' }), 5);
  assert.equal(s.all('floatd_bfd_session_up').length, 2, 'no series for a neighbor without bfd');
  assert.equal(s.families.get('floatd_bfd_session_up')?.type, 'GAUGE');
  assert.equal(s.families.get('floatd_bfd_detection_time_seconds')?.type, 'GAUGE');
  assert.equal(s.families.get('floatd_bfd_state_changes_total')?.type, 'COUNTER');
});
