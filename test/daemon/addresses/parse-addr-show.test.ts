import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressError } from '../../../src/daemon/addresses/errors.js';
import { isUsable, linkStateOf, parseAddrShow, parseInterfaces, usableAddresses } from '../../../src/daemon/addresses/parse-addr-show.js';

// Printed by iproute2 6.1 (`ip -j addr show dev lo`) in a namespace after
// `ip addr add 192.0.2.11/32 dev lo`, `... 192.0.2.12/32 dev lo label xx:a`,
// `... 192.0.2.11/24 dev lo` and `ip -6 addr add 2001:db8::1/64 dev lo`.
const CAPTURE =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"192.0.2.11","prefixlen":32,"scope":"global","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"192.0.2.12","prefixlen":32,"scope":"global","label":"xx:a","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"192.0.2.11","prefixlen":24,"scope":"global","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"2001:db8::1","prefixlen":64,"scope":"global","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n';

test('a real capture: every address with its length, label and scope, in order', () => {
  const got = parseAddrShow(CAPTURE, 'lo');
  assert.deepEqual(
    got.map((a) => [a.prefix, a.label, a.scope]),
    [
      ['127.0.0.1/8', 'lo', 'host'],
      ['192.0.2.11/32', 'lo', 'global'],
      ['192.0.2.12/32', 'xx:a', 'global'],
      ['192.0.2.11/24', 'lo', 'global'],
      ['2001:db8::1/64', undefined, 'global'],
      ['::1/128', undefined, 'host'],
    ],
  );
  const v6 = got[4]!;
  assert.equal(v6.family, 'ipv6');
  assert.equal(v6.address, '2001:db8::1');
  assert.equal(v6.length, 64);
  assert.equal(v6.interface, 'lo');
  assert.equal('label' in v6, false);
  assert.ok(got.every(isUsable));
});

test('IPv6 text comes out in RFC 5952 form; DAD flags are kept and make the address unusable', () => {
  const json = JSON.stringify([
    {
      ifname: 'eth0',
      addr_info: [
        { family: 'inet6', local: '2001:DB8:0:0:0:0:0:A', prefixlen: 128, scope: 'global', tentative: true },
        { family: 'inet6', local: '2001:db8::b', prefixlen: 128, scope: 'global', dadfailed: true, tentative: true },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
      ],
    },
  ]);
  const got = parseAddrShow(json, 'eth0');
  assert.deepEqual(
    got.map((a) => [a.prefix, a.tentative, a.dadFailed, isUsable(a)]),
    [
      ['2001:db8::a/128', true, false, false],
      ['2001:db8::b/128', true, true, false],
      ['fe80::1/64', false, false, true],
    ],
  );
});

test('other interfaces, empty objects and entries without an address are skipped', () => {
  const json = JSON.stringify([
    { ifname: 'eth0', addr_info: [{ family: 'inet', local: '10.0.0.1', prefixlen: 24 }] },
    { ifname: 'lo', addr_info: [{}, { valid_life_time: 1 }, { family: 'inet', prefixlen: 32 }, { family: 'link', local: 'x', prefixlen: 1 }, { family: 'inet', local: '192.0.2.1', prefixlen: 32 }] },
    { ifname: 'lo' },
    'garbage',
  ]);
  assert.deepEqual(
    parseAddrShow(json, 'lo').map((a) => a.prefix),
    ['192.0.2.1/32'],
  );
  assert.deepEqual(
    parseAddrShow(json).map((a) => `${a.interface} ${a.prefix}`),
    ['eth0 10.0.0.1/24', 'lo 192.0.2.1/32'],
  );
});

test('bad values inside an entry are skipped, never thrown', () => {
  const json = JSON.stringify([
    {
      ifname: 'lo',
      addr_info: [
        { family: 'inet', local: '300.1.1.1', prefixlen: 32 },
        { family: 'inet', local: '192.0.2.1', prefixlen: 33 },
        { family: 'inet6', local: '192.0.2.1', prefixlen: 128 },
        { family: 'inet6', local: 'fe80::1%lo', prefixlen: 64 },
        { family: 'inet', local: '192.0.2.2', prefixlen: 31.5 },
        { family: 'inet', local: '192.0.2.3', prefixlen: '32' },
      ],
    },
  ]);
  assert.deepEqual(parseAddrShow(json, 'lo'), []);
});

test('empty output is no addresses; text that is not a JSON list is an AddressError', () => {
  assert.deepEqual(parseAddrShow('', 'lo'), []);
  assert.deepEqual(parseAddrShow('[]', 'lo'), []);
  assert.throws(
    () => parseAddrShow('Device "lo" does not exist.', 'lo'),
    (e: unknown) => e instanceof AddressError && e.code === 'ERR_ADDRESS' && /not JSON/.test(e.message) && /does not exist/.test(e.message),
  );
  assert.throws(() => parseAddrShow('{"ifname":"lo"}', 'lo'), (e: unknown) => e instanceof AddressError && /instead of a list/.test(e.message));
});

// Printed by iproute2 6.1 (`ip -j addr show dev va`) in a namespace, for one
// end of a veth pair holding 192.0.2.50/32: after `ip link set va down`, and
// after `ip link set vb down` on the far end (va up, without carrier).
const VETH_DOWN =
  '[{"ifindex":2,"link_index":2,"ifname":"va","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":"noqueue","operstate":"DOWN","group":"default","txqlen":1000,"link_type":"ether","address":"22:e6:5e:7b:70:c1","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"192.0.2.50","prefixlen":32,"scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n';
const VETH_NO_CARRIER =
  '[{"ifindex":2,"link_index":2,"ifname":"va","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"qdisc":"noqueue","operstate":"DOWN","group":"default","txqlen":1000,"link_type":"ether","address":"22:e6:5e:7b:70:c1","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"192.0.2.50","prefixlen":32,"scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n';
const VETH_UP =
  '[{"ifindex":2,"link_index":2,"ifname":"va","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"22:e6:5e:7b:70:c1","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"192.0.2.50","prefixlen":32,"scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::20e6:5eff:fe7b:70c1","prefixlen":64,"scope":"link","tentative":true,"valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n';

test('real captures: a link down or without carrier keeps its addresses, which are then not usable; lo (operstate UNKNOWN) is up', () => {
  for (const [json, state] of [
    [VETH_DOWN, 'down'],
    [VETH_NO_CARRIER, 'no-carrier'],
    [VETH_UP, 'up'],
  ] as const) {
    const scan = parseInterfaces(json, 'va');
    assert.deepEqual(scan.links, [{ name: 'va', state }]);
    assert.equal(scan.addresses[0]?.prefix, '192.0.2.50/32', 'the kernel keeps the address whatever the link does');
    assert.deepEqual(
      usableAddresses(scan).map((a) => a.prefix),
      state === 'up' ? ['192.0.2.50/32'] : [],
      `${state}: the tentative link-local address is never usable`,
    );
  }
  const lo = parseInterfaces(CAPTURE, 'lo');
  assert.deepEqual(lo.links, [{ name: 'lo', state: 'up' }]);
  assert.equal(usableAddresses(lo).length, 6);
  assert.deepEqual(parseAddrShow(VETH_DOWN, 'va').map((a) => a.prefix), ['192.0.2.50/32'], 'parseAddrShow lists addresses whatever the link state');
});

test('link rule: UP and LOWER_UP, no NO-CARRIER, operstate UP or UNKNOWN (or none printed)', () => {
  const cases: [unknown, unknown, string][] = [
    [['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'UP', 'up'],
    [['LOOPBACK', 'UP', 'LOWER_UP'], 'UNKNOWN', 'up'],
    [['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'], undefined, 'up'],
    [['BROADCAST', 'MULTICAST'], 'DOWN', 'down'],
    [['LOOPBACK'], 'DOWN', 'down'],
    [['BROADCAST', 'MULTICAST', 'LOWER_UP'], 'DOWN', 'down'],
    [['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], 'DOWN', 'no-carrier'],
    // Seen from `ip monitor` for a moment after `ip link set up`: lower layer up, not yet running.
    [['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'DOWN', 'no-carrier'],
    [['BROADCAST', 'MULTICAST', 'UP'], 'UP', 'no-carrier'],
    [['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'DORMANT', 'no-carrier'],
    [['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'LOWERLAYERDOWN', 'no-carrier'],
    [undefined, undefined, 'up'],
    ['UP', 'UP', 'up'],
  ];
  for (const [flags, operstate, want] of cases) assert.equal(linkStateOf(flags, operstate), want, `${JSON.stringify(flags)} ${String(operstate)}`);
});

test('every link is listed with its state, with or without addresses; "*" reads keep each address with its own link', () => {
  const json = JSON.stringify([
    { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addr_info: [{ family: 'inet', local: '192.0.2.1', prefixlen: 32 }] },
    { ifname: 'eth0', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], operstate: 'DOWN', addr_info: [{ family: 'inet', local: '192.0.2.2', prefixlen: 32 }] },
    { ifname: 'eth1', flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN', addr_info: [] },
  ]);
  const all = parseInterfaces(json);
  assert.deepEqual(all.links, [
    { name: 'lo', state: 'up' },
    { name: 'eth0', state: 'no-carrier' },
    { name: 'eth1', state: 'down' },
  ]);
  assert.deepEqual(usableAddresses(all).map((a) => `${a.interface} ${a.prefix}`), ['lo 192.0.2.1/32']);
  assert.deepEqual(parseInterfaces(json, 'eth1'), { links: [{ name: 'eth1', state: 'down' }], addresses: [] });
  assert.deepEqual(parseInterfaces('', 'lo'), { links: [], addresses: [] });
});
