import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStatus, type DaemonStatus } from '../../src/cli/status.js';
import { STATUS } from './samples.js';

test('status prints one line per neighbor and one per service', () => {
  assert.equal(
    formatStatus(STATUS as unknown as DaemonStatus),
    `floatd router-id 203.0.113.5, local AS 65001
Neighbor           AS     State        Up        MsgIn  MsgOut  PfxRcvd  PfxSent  Last error
169.254.169.254    64515  Established  01:02:05  130    131     1        1
2001:19f0:ffff::1  64515  Active       -         3      4       0        0        received NOTIFICATION 6/2 (Cease / Administrative Shutdown): "maintenance"

Service  State                                         Serving  Announced      Held           Last check
web      UP                                            yes      192.0.2.10/32  192.0.2.11/32  ok: GET http://127.0.0.1:8080/health: status 200
db       DISABLED (file /etc/floatd/db.off, operator)  no       -              -              ok: exec check-lag: exit 0
`,
  );
});

test('status marks a draining service and leaves out the services table when there are none', () => {
  const web = { ...STATUS.services[0]!, draining: 12000, lastProbes: [] };
  const out = formatStatus({ ...STATUS, peers: [], services: [web] } as unknown as DaemonStatus);
  assert.equal(
    out,
    `floatd router-id 203.0.113.5, local AS 65001
Neighbor  AS  State  Up  MsgIn  MsgOut  PfxRcvd  PfxSent  Last error

Service  State          Serving  Announced      Held           Last check
web      UP (draining)  yes      192.0.2.10/32  192.0.2.11/32  -
`,
  );
  assert.equal(formatStatus({ routerId: '192.0.2.1', localAs: 65000, peers: [] }), 'floatd router-id 192.0.2.1, local AS 65000\nNeighbor  AS  State  Up  MsgIn  MsgOut  PfxRcvd  PfxSent  Last error\n');
});

test('status of a daemon without BGP (vrrp or dns only) has no neighbor table and no empty identity', () => {
  assert.equal(formatStatus({ peers: [] }), 'floatd without BGP\n');
});
