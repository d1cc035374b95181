import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asPathText, formatRoutes } from '../../src/cli/format-routes.js';
import type { NeighborRoutesView } from '../../src/cli/format-views.js';
import { ROUTES } from './samples.js';

test('routes: one table per neighbor, announced (out) then received (in)', () => {
  assert.equal(
    formatRoutes(ROUTES as unknown as NeighborRoutesView[]),
    `Neighbor 169.254.169.254: 1 announced, 1 received
  Dir  Prefix         Next hop         AS path                    Origin      MED  LocPref  Communities
  out  192.0.2.10/32  203.0.113.5      65001 65001                IGP         -    -        65000:1 graceful-shutdown 65001:1:2
  in   0.0.0.0/0      169.254.169.254  64515 20473 {64600 64601}  incomplete  10   100      ext:0002fde800000001

Neighbor 2001:19f0:ffff::1: 0 announced, 0 received
  (no routes)
`,
  );
  assert.equal(formatRoutes([]), 'no neighbors configured\n');
});

test('AS path segments: sequence plain, set in braces, confederation segments in () and []', () => {
  assert.equal(asPathText(undefined), '-');
  assert.equal(asPathText([]), '-');
  assert.equal(
    asPathText([
      { type: 3 as 2, asns: [65010, 65011] },
      { type: 4 as 2, asns: [65012] },
      { type: 2, asns: [64500] },
      { type: 1, asns: [64501, 64502] },
    ]),
    '(65010 65011) [65012] 64500 {64501 64502}',
  );
});

test('an IPv6 route with two next hops and no attributes', () => {
  const out = formatRoutes([{ neighbor: 'fe80::1%eth0', announced: [{ prefix: '2001:db8::/48', nextHops: ['2001:db8::5', 'fe80::5'], attributes: {} }], received: [] }]);
  assert.equal(
    out,
    `Neighbor fe80::1%eth0: 1 announced, 0 received
  Dir  Prefix         Next hop             AS path  Origin  MED  LocPref  Communities
  out  2001:db8::/48  2001:db8::5 fe80::5  -        -       -    -        -
`,
  );
});

test('a received table larger than the answer says how many there are and how many are shown', () => {
  const out = formatRoutes([
    { neighbor: '192.0.2.254', announced: [], received: [{ prefix: '10.0.0.0/8', nextHops: ['192.0.2.254'], attributes: {} }], receivedTotal: 1_000_000 },
  ]);
  assert.equal(out.split('\n')[0], 'Neighbor 192.0.2.254: 0 announced, 1000000 received (the first 1 shown)');
});
