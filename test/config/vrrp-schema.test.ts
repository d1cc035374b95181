import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { ConfigError, effectiveConfig, parseConfigText } from '../../src/config/index.js';
import type { Config, ConfigProblem } from '../../src/config/index.js';

const opts = { env: {}, hostname: 'h', ipv4Addresses: () => ['192.0.2.1'] };
const parse = (text: string): Config => parseConfigText(text, 'floatd.yaml', opts);

function problems(text: string): readonly ConfigProblem[] {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

/** VRRP only: no neighbors, one service without prefixes that the entry tracks. */
const SERVICE = ['services:', '  - name: web', '    check: { http: { url: "http://127.0.0.1:8080/" } }'];
const vrrpOnly = (entry: string[], extra: string[] = SERVICE): string =>
  ['local-as: 65001', 'vrrp:', '  - name: web-vip', '    interface: eth0', '    vrid: 51', ...entry.map((l) => `    ${l}`), ...extra, ''].join('\n');

test('a VRRP-only config: no neighbors, a tracked service without prefixes, defaults filled in', () => {
  const c = parse(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]']));
  assert.deepEqual(c.neighbors, []);
  assert.deepEqual(c.services?.[0]?.prefixes, []);
  assert.deepEqual(c.vrrp, [
    {
      name: 'web-vip',
      interface: 'eth0',
      vrid: 51,
      family: 'ipv4',
      priority: 100,
      advertIntervalMs: 1000,
      addresses: ['192.0.2.10/24'],
      track: ['web'],
      weight: undefined,
      preempt: true,
      preemptDelayMs: 0,
      unicastPeers: [],
      checksumAsV2: false,
      virtualMac: false,
    },
  ]);
});

test('every key: intervals in centiseconds, weight, preempt-delay, unicast peers, IPv6', () => {
  const c = parse(
    vrrpOnly([
      'priority: 150',
      'advert-interval: 0.1',
      'addresses: ["2001:db8::10/64", "2001:db8::11"]',
      'track: [web]',
      'weight: -60',
      'preempt: false',
      'preempt-delay: 2.5',
      'unicast-peers: ["fe80::3"]',
      'checksum-as-v2: true',
    ]),
  );
  const v = c.vrrp![0]!;
  assert.equal(v.family, 'ipv6');
  assert.equal(v.advertIntervalMs, 100);
  assert.deepEqual(v.addresses, ['2001:db8::10/64', '2001:db8::11/128']);
  assert.equal(v.weight, -60);
  assert.equal(v.preempt, false);
  assert.equal(v.preemptDelayMs, 2500);
  assert.deepEqual(v.unicastPeers, ['fe80::3']);
  assert.equal(v.checksumAsV2, true);
  assert.equal(parse(vrrpOnly(['addresses: [192.0.2.10]', 'track: [web]', 'advert-interval: 40.95'])).vrrp![0]!.advertIntervalMs, 40_950);
});

test('field ranges: vrid, priority (255 refused: floatd never owns the addresses), interval resolution, weight sign', () => {
  const at = (entry: string[]): ConfigProblem => problems(vrrpOnly(['addresses: [192.0.2.10/24]', ...entry]))[0]!;
  assert.match(problems(vrrpOnly(['addresses: [192.0.2.10/24]']).replace('vrid: 51', 'vrid: 0'))[0]!.message, /0 is out of range \(expected a virtual router id 1..255\)/);
  assert.match(problems(vrrpOnly(['addresses: [192.0.2.10/24]']).replace('vrid: 51', 'vrid: 256'))[0]!.message, /out of range/);
  const owner = at(['priority: 255']);
  assert.equal(owner.path, 'vrrp[0].priority');
  assert.match(owner.message, /255 is out of range \(expected a priority 1..254 \(255 is for the owner of the addresses/);
  assert.match(at(['priority: 0']).message, /out of range/);
  assert.match(at(['advert-interval: 0.015']).message, /finer than a hundredth of a second/);
  assert.match(at(['advert-interval: 41']).message, /out of range \(expected a number of seconds 0.01..40.95/);
  assert.match(at(['advert-interval: 0']).message, /out of range/);
  assert.match(at(['track: [web]', 'weight: 10']).message, /expected a negative integer -254..-1/);
  assert.match(at(['weight: -10']).message, /weight without track has nothing to weigh/);
  assert.match(at(['accept: false']).message, /unknown key "accept"/);
});

test('addresses: one family per entry, no duplicates; peers of the same family', () => {
  const mixed = problems(vrrpOnly(['addresses: [192.0.2.10/24, "2001:db8::10/64"]']));
  assert.equal(mixed[0]!.path, 'vrrp[0].addresses[1]');
  assert.match(mixed[0]!.message, /is not IPv4 like 192.0.2.10\/24 \(expected one family per entry/);
  assert.match(problems(vrrpOnly(['addresses: [192.0.2.10/24, 192.0.2.10/32]']))[0]!.message, /192.0.2.10 is listed twice/);
  assert.match(problems(vrrpOnly(['addresses: []']))[0]!.message, /the list is empty \(expected at least one address\)/);
  assert.match(problems(vrrpOnly(['addresses: [not-an-address]']))[0]!.message, /is not an IP address/);
  const peer = problems(vrrpOnly(['addresses: [192.0.2.10/24]', 'unicast-peers: ["2001:db8::3"]']))[0]!;
  assert.equal(peer.path, 'vrrp[0].unicast-peers[0]');
  assert.match(peer.message, /is not IPv4/);
});

test('virtual-mac: off by default, on for IPv4, refused for IPv6, one per vrid on the host (its interface is vrrp.VRID)', () => {
  assert.equal(parse(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]'])).vrrp?.[0]?.virtualMac, false);
  assert.equal(parse(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]', 'virtual-mac: true'])).vrrp?.[0]?.virtualMac, true);
  const v6 = problems(vrrpOnly(['addresses: ["2001:db8::10/64"]', 'track: [web]', 'virtual-mac: true']))[0]!;
  assert.equal(v6.path, 'vrrp[0].virtual-mac');
  assert.match(v6.message, /virtual-mac is supported for IPv4 entries only/);
  assert.match(problems(vrrpOnly(['addresses: [192.0.2.10/24]', 'virtual-mac: yes please']))[0]!.message, /virtual-mac|true or false|boolean/i);
  const other = ['  - name: other', '    interface: eth1', '    vrid: 51', '    addresses: [198.51.100.10/24]', '    virtual-mac: true', ...SERVICE];
  const clash = problems(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]', 'virtual-mac: true'], other))[0]!;
  assert.equal(clash.path, 'vrrp[1].virtual-mac');
  assert.match(clash.message, /vrrp\[0\] has a virtual MAC for vrid 51 too .*named vrrp\.51/);
  assert.equal(parse(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]', 'virtual-mac: true'], other.map((l) => l.replace('virtual-mac: true', 'virtual-mac: false')))).vrrp?.length, 2);
});

test('track names a configured service', () => {
  const p = problems(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web, db]']));
  assert.equal(p.length, 1);
  assert.equal(p[0]!.path, 'vrrp[0].track[1]');
  assert.match(p[0]!.message, /db is not a configured service \(expected one of web\)/);
});

test('(interface, vrid, family) unique; names unique; an address in one entry; IPv4 and IPv6 may share a vrid', () => {
  const second = (lines: string[]): string[] => ['  - name: other', '    interface: eth0', ...lines.map((l) => `    ${l}`)];
  const text = (lines: string[]): string => vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]'], [...second(lines), ...SERVICE]);
  const clash = problems(text(['vrid: 51', 'addresses: [192.0.2.11/24]']));
  assert.equal(clash[0]!.path, 'vrrp[1].vrid');
  assert.match(clash[0]!.message, /IPv4 vrid 51 on eth0 is already vrrp\[0\]/);
  assert.match(problems(text(['vrid: 52', 'addresses: [192.0.2.10/24]']))[0]!.message, /192.0.2.10 on eth0 is already an address of vrrp\[0\]/);
  assert.match(problems(text(['vrid: 52', 'addresses: [192.0.2.11/24]']).replace('name: other', 'name: web-vip'))[0]!.message, /web-vip is already the name of vrrp\[0\]/);
  assert.equal(parse(text(['vrid: 51', 'addresses: ["2001:db8::10/64"]'])).vrrp?.length, 2);
});

test('no neighbors and no vrrp is still refused; a service without prefixes needs a user beyond BGP', () => {
  const none = problems('router-id: 192.0.2.1\nlocal-as: 65001\n');
  assert.equal(none[0]!.path, 'neighbors');
  assert.match(none[0]!.message, /missing \(expected a list of neighbors; only a config with vrrp entries or services that use dns may have none\)/);
  const untracked = problems(vrrpOnly(['addresses: [192.0.2.10/24]']));
  assert.equal(untracked.length, 1);
  assert.equal(untracked[0]!.path, 'services[0].prefixes');
  assert.match(untracked[0]!.message, /the list is empty \(expected at least one prefix, or a service used by dns or vrrp\)/);
});

test('floatd check prints the entries in the file form, and that loads back to the same config', () => {
  const c = parse(vrrpOnly(['addresses: [192.0.2.10/24]', 'track: [web]', 'weight: -20', 'advert-interval: 0.25', 'unicast-peers: [192.0.2.3]']));
  const file = effectiveConfig(c);
  assert.deepEqual((file.vrrp as unknown[])[0], {
    name: 'web-vip',
    interface: 'eth0',
    vrid: 51,
    priority: 100,
    'advert-interval': 0.25,
    addresses: ['192.0.2.10/24'],
    track: ['web'],
    weight: -20,
    preempt: true,
    'preempt-delay': 0,
    'unicast-peers': ['192.0.2.3'],
    'checksum-as-v2': false,
    'virtual-mac': false,
  });
  const again = parseConfigText(JSON.stringify(file), 'again.yaml', opts);
  assert.deepEqual(again.vrrp, c.vrrp);
  assert.ok(parseYaml(JSON.stringify(file)));
});
