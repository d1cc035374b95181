// A reload that drops only families the session never negotiated keeps the session.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText, type Config } from '../../src/config/index.js';
import { diffConfig } from '../../src/daemon/config-diff.js';
import { keepSessionsOfUnusedFamilies } from '../../src/daemon/unused-families.js';

const parse = (families: string, more = ''): Config =>
  parseConfigText(
    ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: "2001:db8::1"', '    peer-as: 64512', `    families: ${families}`, ...(more ? [`    ${more}`] : []), ''].join('\n'),
    '/etc/floatd/floatd.yaml',
    { env: {}, hostname: 'node-a', readFile: () => '' },
  );

const plan = (a: Config, b: Config, negotiated: readonly string[] | undefined) => keepSessionsOfUnusedFamilies(diffConfig(a, b), a, b, () => negotiated);

test('disabling a family that was never negotiated leaves nothing to reset', () => {
  const p = plan(parse('[ipv4, ipv6]'), parse('[ipv6]'), ['ipv6']);
  assert.deepEqual(p.neighbors.reset, []);
  assert.deepEqual(p.neighbors.infoOnly.map((c) => c.address), ['2001:db8::1']);
  assert.deepEqual(p.changes, ['neighbor 2001:db8::1 updated: families [ipv4, ipv6] -> [ipv6] (ipv4 never negotiated: the session stays)']);
  // Not Established, no OPEN sent yet: nothing negotiated, nothing to reset either.
  assert.deepEqual(plan(parse('[ipv4, ipv6]'), parse('[ipv6]'), []).neighbors.reset, []);
});

test('a reload still resets when the dropped family was negotiated, a family is added, another key changed, or an OPEN exchange runs', () => {
  const reset = (p: ReturnType<typeof plan>) => p.neighbors.reset.map((c) => c.address);
  assert.deepEqual(reset(plan(parse('[ipv4, ipv6]'), parse('[ipv6]'), ['ipv4', 'ipv6'])), ['2001:db8::1']);
  assert.deepEqual(reset(plan(parse('[ipv6]'), parse('[ipv4, ipv6]'), ['ipv6'])), ['2001:db8::1']);
  assert.deepEqual(reset(plan(parse('[ipv4, ipv6]'), parse('[ipv6]', 'hold-time: 30'), ['ipv6'])), ['2001:db8::1']);
  assert.deepEqual(reset(plan(parse('[ipv4, ipv6]'), parse('[ipv6]'), undefined)), ['2001:db8::1']);
});
