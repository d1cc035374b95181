import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/index.js';
import { bfdMultihop } from '../../src/daemon/bfd-links.js';
import { instanceConfig, SERVICE_NAME } from '../../src/demo/instance-config.js';
import { INSTANCES, type Phase } from '../../src/demo/story.js';

const parse = (phase: Phase, k = 0, bfd = true) =>
  parseConfigText(
    stringify(instanceConfig({ instance: INSTANCES[k]!, phase, routerPort: 17900, servicePort: 18080, controlSocket: '/tmp/x/inst.sock', bfd })),
    'inst.yaml',
    { env: {}, readFile: () => '', hostname: 'test' },
  );

test("an instance's config passes floatd's own schema: eBGP to the router from its own address, short timers", () => {
  const c = parse('active-active');
  const n = c.neighbors[0]!;
  assert.equal(c.routerId, '127.0.0.2');
  assert.equal(c.localAs, 65001);
  assert.equal(c.controlSocket, '/tmp/x/inst.sock');
  assert.equal(n.address, '127.0.0.1');
  assert.equal(n.peerAs, 65000);
  assert.equal(n.port, 17900);
  assert.equal(n.localAddress, '127.0.0.2');
  assert.equal(n.holdTime, 3);
  assert.equal(n.multihop, 1, 'eBGP on loopback: TTL 1 is enough');
  assert.equal(n.gracefulRestart, false);
  assert.deepEqual(n.bfd, { minRxMs: 100, minTxMs: 100, multiplier: 3 }, 'BFD toward the router, 100 ms x 3');
  assert.equal(bfdMultihop(n), false, 'single hop (RFC 5881)');
  const s = c.services![0]!;
  assert.equal(s.name, SERVICE_NAME);
  assert.deepEqual(s.prefixes, ['203.0.113.10/32']);
  assert.deepEqual(s.check, { kind: 'http', host: '127.0.0.1', port: 18080, path: '/health' });
  assert.deepEqual([s.rise, s.fall, s.intervalMs, s.fastIntervalMs, s.timeoutMs], [2, 2, 250, 100, 250]);
  assert.equal(s.role, undefined);
});

test('an instance may run without BFD, for the freeze that only the hold timer notices', () => {
  assert.equal(parse('roles', 0, false).neighbors[0]!.bfd, undefined);
});

test('with roles, each instance announces its Linode-style community', () => {
  const roles = INSTANCES.map((_, k) => parse('roles', k).services![0]!);
  assert.deepEqual(
    roles.map((s) => s.role),
    ['primary', 'secondary', 'tertiary'],
  );
  for (const s of roles) {
    assert.equal(s.roleStyle.kind, 'community');
    assert.equal(s.roleStyle.kind === 'community' && s.roleStyle.communities[s.role!], 65000 * 65536 + 1 + roles.indexOf(s));
  }
});
