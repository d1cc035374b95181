import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressError } from '../../../src/daemon/addresses/errors.js';
import { isUsable, parseAddrShow } from '../../../src/daemon/addresses/parse-addr-show.js';

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
