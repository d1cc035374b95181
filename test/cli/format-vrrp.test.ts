import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVrrp } from '../../src/cli/format-vrrp.js';
import { VRRP } from './samples.js';
import { formatStatus, type DaemonStatus } from '../../src/cli/status.js';


test('floatd vrrp: a line per instance, then the details', () => {
  assert.equal(
    formatVrrp(VRRP),
    [
      'VRRP     Interface  VRID  State   Prio  Active (prio)    Last transition',
      'web-vip  eth0       51    Backup  0     192.0.2.3 (100)  Active -> Backup: tracked service not serving: giving up mastership',
      '',
      'web-vip: Backup on eth0, vrid 51, priority 0 (configured 150)',
      '  addresses:  192.0.2.10/24',
      '  active:     192.0.2.3 (100)',
      '  last:       Active -> Backup: tracked service not serving: giving up mastership',
      '  tracking:   web: web not serving',
      '  changes:    3',
      '  dropped:    ERR_VRRP_TTL 2',
      '',
    ].join('\n'),
  );
  assert.equal(formatVrrp([]), 'no VRRP instances configured\n');
});

test('floatd vrrp names the macvlan and the virtual MAC of an instance with virtual-mac', () => {
  const out = formatVrrp([{ ...VRRP[0]!, virtualMac: { interface: 'vrrp.51', mac: '00:00:5e:00:01:33' } }]);
  assert.match(out, /\n  addresses:  192\.0\.2\.10\/24 on vrrp\.51\n  vmac:       00:00:5e:00:01:33\n/);
});

test('floatd status ends with the VRRP table when there are instances', () => {
  const s = { routerId: '192.0.2.1', localAs: 65001, peers: [], vrrp: VRRP } as unknown as DaemonStatus;
  const out = formatStatus(s);
  assert.match(out, /\nVRRP +Interface +VRID +State +Prio +Active \(prio\) +Last transition\nweb-vip +eth0 +51 +Backup +0 +192\.0\.2\.3 \(100\) +Active -> Backup: tracked/);
  assert.doesNotMatch(formatStatus({ ...s, vrrp: [] }), /VRRP/);
});
