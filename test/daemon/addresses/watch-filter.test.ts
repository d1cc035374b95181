import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InterfaceAddress } from '../../../src/net/address-port.js';
import { globMatch, selectWatchPrefixes } from '../../../src/daemon/addresses/watch-filter.js';

const a = (prefix: string, label?: string): InterfaceAddress => ({ prefix, interface: 'lo', ...(label !== undefined ? { label } : {}) });

const LO = [
  a('127.0.0.1/8', 'lo'),
  a('::1/128'),
  a('fe80::1/64'),
  a('169.254.1.1/16', 'lo'),
  a('192.0.2.10/32', 'lo:web'),
  a('192.0.2.11/32', 'lo:bgp1'),
  a('192.0.2.12/24', 'lo:bgp2'),
  a('198.51.100.7/32', 'lo:bgp3'),
  a('2001:db8:1:2::10/128'),
  a('2001:db8:1:2::11/128'),
  a('2001:db8:1:3::1/64'),
];

test('host prefixes of every address inside the allow-list; loopback and link-local skipped silently', () => {
  const sel = selectWatchPrefixes(LO, { allow: ['192.0.2.0/24', '2001:db8::/32'] });
  assert.deepEqual(sel.prefixes, ['192.0.2.10/32', '192.0.2.11/32', '2001:db8:1:2::10/128', '2001:db8:1:2::11/128']);
  assert.deepEqual(sel.refused, [{ address: '198.51.100.7', prefix: '198.51.100.7/32' }]);
});

test('a label glob filters IPv4 addresses; IPv6 addresses, which have no label, pass to the allow-list', () => {
  const sel = selectWatchPrefixes(LO, { label: 'lo:bgp*', allow: ['192.0.2.0/24', '2001:db8:1:2::/64'] });
  assert.deepEqual(sel.prefixes, ['192.0.2.11/32', '2001:db8:1:2::10/128', '2001:db8:1:2::11/128']);
  assert.deepEqual(
    sel.refused.map((r) => r.prefix),
    ['198.51.100.7/32'],
  );
  assert.deepEqual(selectWatchPrefixes(LO, { label: 'lo:web', allow: ['0.0.0.0/0'] }).prefixes, ['192.0.2.10/32']);
  assert.deepEqual(selectWatchPrefixes(LO, { label: 'lo:bgp?', allow: ['192.0.2.11/32'] }).prefixes, ['192.0.2.11/32']);
});

test('ipv6-length 64 or 56 announces the covering prefix once, and the allow-list applies to it', () => {
  const v6only = { label: 'none', allow: ['2001:db8::/32'] };
  assert.deepEqual(selectWatchPrefixes(LO, { ...v6only, ipv6Length: 64 }).prefixes, ['2001:db8:1:2::/64', '2001:db8:1:3::/64']);
  assert.deepEqual(selectWatchPrefixes(LO, { ...v6only, ipv6Length: 56 }).prefixes, ['2001:db8:1::/56']);
  // The address is inside the allowed /64 but the /56 that would be announced is not.
  const sel = selectWatchPrefixes(LO, { label: 'none', allow: ['2001:db8:1:2::/64'], ipv6Length: 56 });
  assert.deepEqual(sel.prefixes, []);
  assert.deepEqual(sel.refused[0], { address: '2001:db8:1:2::10', prefix: '2001:db8:1::/56' });
});

test('only host routes are floating addresses: an IPv4 address in a subnet, or IPv6 of another length, is the machine own', () => {
  const list = [a('192.0.2.12/24', 'lo'), a('192.0.2.13/31', 'lo'), a('192.0.2.14/32', 'lo'), a('2001:db8:1:3::1/64'), a('2001:db8:1:4::1/56'), a('2001:db8:1:5::1/128')];
  const allow = ['192.0.2.0/24', '2001:db8::/32'];
  assert.deepEqual(selectWatchPrefixes(list, { allow }).prefixes, ['192.0.2.14/32', '2001:db8:1:5::1/128']);
  assert.deepEqual(selectWatchPrefixes(list, { allow, ipv6Length: 64 }).prefixes, ['192.0.2.14/32', '2001:db8:1:3::/64', '2001:db8:1:5::/64']);
  assert.deepEqual(selectWatchPrefixes(list, { allow, ipv6Length: 56 }).prefixes, ['192.0.2.14/32', '2001:db8:1::/56']);
  assert.deepEqual(selectWatchPrefixes(list, { allow }).refused, []);
});

test('an empty allow-list announces nothing and refuses every candidate', () => {
  const sel = selectWatchPrefixes(LO, { allow: [] });
  assert.deepEqual(sel.prefixes, []);
  assert.equal(sel.refused.length, 5);
});

test('excluded prefixes (the services own) are never announced and never warned about', () => {
  const sel = selectWatchPrefixes(LO, { allow: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.0/24'], exclude: ['192.0.2.10/32', '2001:db8:1:2::11/128'], ipv6Length: 64 });
  // The /64 holding an excluded address would attract its traffic whatever the service's health: left out too.
  assert.deepEqual(sel.prefixes, ['192.0.2.11/32', '198.51.100.7/32', '2001:db8:1:3::/64']);
  assert.deepEqual(sel.refused, []);
});

test('globs: * and ? only; other characters are literal', () => {
  assert.ok(globMatch('lo:*', 'lo:web'));
  assert.ok(globMatch('lo:*', 'lo:'));
  assert.ok(!globMatch('lo:*', 'lo'));
  assert.ok(globMatch('lo:w?b', 'lo:web'));
  assert.ok(!globMatch('lo.web', 'loxweb'));
  assert.ok(globMatch('lo:(a)+', 'lo:(a)+'));
  assert.ok(globMatch('*', ''));
});

test('property: every announced prefix lies inside the allow-list, whatever the addresses', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 32 })).map(([x, y, z, w, l]) => a(`${x}.${y}.${z}.${w}/${l}`));
  fc.assert(
    fc.property(fc.array(v4, { maxLength: 20 }), fc.constantFrom(['10.0.0.0/8'], ['192.0.2.0/24', '10.1.0.0/16'], []), (list, allow) => {
      const sel = selectWatchPrefixes(list, { allow });
      for (const p of sel.prefixes) {
        const [addr] = p.split('/');
        const n = addr!.split('.').map(Number);
        const inside = allow.some((al) => {
          const [base, len] = al.split('/');
          const b = base!.split('.').map(Number);
          const bits = Number(len);
          const num = (q: number[]) => ((q[0]! << 24) | (q[1]! << 16) | (q[2]! << 8) | q[3]!) >>> 0;
          const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
          return (num(n) & mask) >>> 0 === (num(b) & mask) >>> 0;
        });
        assert.ok(inside, `${p} outside ${allow.join(',')}`);
      }
    }),
  );
});
