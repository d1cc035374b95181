import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { formatIpv4, formatIpv6 } from '../../src/bgp/codec/ip.js';
import { checksumOf, decodeAdvert, encodeAdvert, msToCs, VrrpPacketError, type Advert, type ChecksumMode, type Path } from '../../src/vrrp/packet.js';

// Fixtures: keepalived 2.2 adverts captured by scripts/capture-vrrp-fixtures.sh, IP header included.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'vrrp');

interface Captured {
  readonly path: Path;
  readonly ttl: number;
  readonly vrrp: Buffer;
}

function captured(name: string): Captured {
  const ip = Buffer.from(readFileSync(join(FIXTURES, `${name}.hex`), 'utf8').trim(), 'hex');
  if (ip[0]! >> 4 === 4) {
    const ihl = (ip[0]! & 0x0f) * 4;
    return { path: { family: 'ipv4', source: formatIpv4(ip, 12), destination: formatIpv4(ip, 16) }, ttl: ip[8]!, vrrp: ip.subarray(ihl) };
  }
  return { path: { family: 'ipv6', source: formatIpv6(ip, 8), destination: formatIpv6(ip, 24) }, ttl: ip[7]!, vrrp: ip.subarray(40) };
}

const cases: { name: string; advert: Advert; checksum: ChecksumMode; ttl: number }[] = [
  { name: 'v4-mcast', advert: { vrid: 51, priority: 150, intervalCs: 100, addresses: ['10.51.0.100'] }, checksum: 'rfc', ttl: 255 },
  { name: 'v4-mcast-fast', advert: { vrid: 52, priority: 100, intervalCs: 10, addresses: ['10.51.0.101', '10.51.0.102'] }, checksum: 'rfc', ttl: 255 },
  { name: 'v4-unicast', advert: { vrid: 53, priority: 200, intervalCs: 100, addresses: ['10.51.0.103'] }, checksum: 'rfc', ttl: 255 },
  { name: 'v4-unicast-old', advert: { vrid: 54, priority: 200, intervalCs: 100, addresses: ['10.51.0.104'] }, checksum: 'old-unicast', ttl: 255 },
  { name: 'v4-release', advert: { vrid: 55, priority: 0, intervalCs: 100, addresses: ['10.51.0.105'] }, checksum: 'rfc', ttl: 255 },
  { name: 'v6-mcast', advert: { vrid: 56, priority: 150, intervalCs: 100, addresses: ['fd00:51::100', 'fd00:51::101'] }, checksum: 'rfc', ttl: 255 },
  // keepalived sends IPv6 unicast adverts with hop limit 64 unless unicast_ttl is set.
  { name: 'v6-unicast', advert: { vrid: 57, priority: 110, intervalCs: 50, addresses: ['fd00:51::102'] }, checksum: 'rfc', ttl: 64 },
];

for (const c of cases) {
  test(`keepalived's ${c.name} advert decodes, and encodes back to the same bytes`, () => {
    const cap = captured(c.name);
    assert.equal(cap.ttl, c.ttl);
    const d = decodeAdvert(cap.vrrp, cap.path);
    assert.ok(d.ok, d.ok ? '' : d.reason);
    assert.deepEqual(d.advert, c.advert);
    assert.equal(d.checksum, c.checksum);
    assert.deepEqual(encodeAdvert(c.advert, cap.path, c.checksum), cap.vrrp);
  });
}

test('the old unicast checksum is the one with the multicast group in the pseudo-header', () => {
  const cap = captured('v4-unicast-old');
  const got = cap.vrrp.readUInt16BE(6);
  assert.notEqual(checksumOf(cap.vrrp, cap.path, 'rfc'), got);
  assert.equal(checksumOf(cap.vrrp, { ...cap.path, destination: '224.0.0.18' }, 'rfc'), got);
});

test('a v2-style checksum leaves the pseudo-header out and is recognised as such', () => {
  const path: Path = { family: 'ipv4', source: '10.51.0.1', destination: '224.0.0.18' };
  const a: Advert = { vrid: 9, priority: 100, intervalCs: 100, addresses: ['10.51.0.9'] };
  const b = encodeAdvert(a, path, 'v2');
  const plain = Buffer.from(b);
  plain.writeUInt16BE(0, 6);
  let s = 0;
  for (let i = 0; i < plain.length; i += 2) s += plain.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  assert.equal(b.readUInt16BE(6), ~s & 0xffff);
  const d = decodeAdvert(b, path, 'v2');
  assert.ok(d.ok);
  assert.equal(d.checksum, 'v2');
  assert.notDeepEqual(b, encodeAdvert(a, path, 'rfc'));
});

test('the checksum covers the pseudo-header: the same bytes from another source fail', () => {
  const cap = captured('v4-mcast');
  const d = decodeAdvert(cap.vrrp, { ...cap.path, source: '10.51.0.7' });
  assert.equal(d.ok, false);
  assert.equal(!d.ok && d.code, 'ERR_VRRP_CHECKSUM');
});

test('malformed packets are dropped with a stable code (RFC 9568 7.1)', () => {
  const path: Path = { family: 'ipv4', source: '10.51.0.1', destination: '224.0.0.18' };
  const good = encodeAdvert({ vrid: 1, priority: 100, intervalCs: 100, addresses: ['10.51.0.9', '10.51.0.10'] }, path);
  const code = (b: Uint8Array): string => {
    const d = decodeAdvert(b, path);
    return d.ok ? 'ok' : d.code;
  };
  assert.equal(code(good), 'ok');
  assert.equal(code(good.subarray(0, 7)), 'ERR_VRRP_SHORT');
  assert.equal(code(good.subarray(0, 12)), 'ERR_VRRP_LENGTH');
  const v2 = Buffer.from(good);
  v2[0] = 0x21;
  assert.equal(code(v2), 'ERR_VRRP_VERSION');
  const t2 = Buffer.from(good);
  t2[0] = 0x32;
  assert.equal(code(t2), 'ERR_VRRP_TYPE');
  const flipped = Buffer.from(good);
  flipped[2] = 101;
  assert.equal(code(flipped), 'ERR_VRRP_CHECKSUM');
  const zeroInt = Buffer.from(good);
  zeroInt.writeUInt16BE(0, 4);
  zeroInt.writeUInt16BE(checksumOf(zeroInt, path, 'rfc'), 6);
  assert.equal(code(zeroInt), 'ERR_VRRP_INTERVAL');
});

test('the reserved bits above the interval are ignored on receipt', () => {
  const path: Path = { family: 'ipv4', source: '10.51.0.1', destination: '224.0.0.18' };
  const b = encodeAdvert({ vrid: 1, priority: 100, intervalCs: 100, addresses: ['10.51.0.9'] }, path);
  b[4] = b[4]! | 0xf0;
  b.writeUInt16BE(checksumOf(b, path, 'rfc'), 6);
  const d = decodeAdvert(b, path);
  assert.ok(d.ok);
  assert.equal(d.advert.intervalCs, 100);
});

test('encode refuses values the wire cannot carry', () => {
  const path: Path = { family: 'ipv4', source: '10.51.0.1', destination: '224.0.0.18' };
  const base: Advert = { vrid: 1, priority: 100, intervalCs: 100, addresses: ['10.51.0.9'] };
  for (const bad of [{ vrid: 0 }, { vrid: 256 }, { priority: 256 }, { intervalCs: 0 }, { intervalCs: 4096 }, { addresses: [] }, { addresses: ['fd00::1'] }]) {
    assert.throws(() => encodeAdvert({ ...base, ...bad }, path), VrrpPacketError);
  }
});

test('msToCs rounds to centiseconds within 1..4095', () => {
  assert.deepEqual([1, 100, 104, 105, 1000, 50_000].map(msToCs), [1, 10, 10, 11, 100, 4095]);
});

test('round trip over random adverts, both families and all checksum modes', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
  const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => formatIpv6(Buffer.from(g.flatMap((x) => [x >> 8, x & 0xff]))));
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.integer({ min: 1, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 1, max: 4095 }),
      fc.constantFrom<ChecksumMode>('rfc', 'v2', 'old-unicast'),
      fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
      (six, vrid, priority, intervalCs, mode, seeds) => {
        const gen = six ? v6 : v4;
        const addresses = seeds.map((s) => fc.sample(gen, { seed: s, numRuns: 1 })[0]!);
        const path: Path = six ? { family: 'ipv6', source: 'fe80::1', destination: 'fd00::9' } : { family: 'ipv4', source: '192.0.2.1', destination: '192.0.2.2' };
        const a: Advert = { vrid, priority, intervalCs, addresses };
        const d = decodeAdvert(encodeAdvert(a, path, mode), path, mode);
        assert.ok(d.ok);
        assert.deepEqual(d.advert, a);
        assert.equal(d.checksum, mode);
      },
    ),
    { numRuns: 300 },
  );
});

test('decode never throws on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (b, six) => {
      const path: Path = six ? { family: 'ipv6', source: 'fe80::1', destination: 'ff02::12' } : { family: 'ipv4', source: '192.0.2.1', destination: '224.0.0.18' };
      decodeAdvert(b, path);
    }),
    { numRuns: 500 },
  );
});
