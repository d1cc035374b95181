import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStatus, type DaemonStatus } from '../../src/cli/status.js';

test('status prints one line per neighbor and one per service', () => {
  const s = {
    routerId: '10.0.0.2',
    localAs: 65001,
    peers: [{ address: '10.0.0.1', peerAs: 64515, state: 'Established', uptimeSeconds: 3725, messages: { in: 5, out: 7 }, prefixesReceived: 0, prefixesAnnounced: 1 }],
    services: [{ name: 'web', state: 'DOWN', serving: false, disabledBy: [], announced: [], held: [], results: [{ ok: false, detail: 'status 503', durationMs: 2, at: 0, source: 'poll' }] }],
  } as unknown as DaemonStatus;
  const out = formatStatus(s);
  assert.match(out, /10\.0\.0\.1\s+64515\s+Established\s+01:02:05\s+5\s+7\s+0\s+1/);
  assert.match(out, /web\s+DOWN\s+no\s+-\s+-\s+FAIL: status 503/);
});
