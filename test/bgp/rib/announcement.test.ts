import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodePrefix, prefix } from '../../../src/bgp/codec/nlri.js';
import { toAnnouncement } from '../../../src/bgp/rib/announcement.js';

const fields = { prepend: 0, communities: [], largeCommunities: [], neighbors: ['192.0.2.1'] };

test('an announcement parses its prefix once and keeps the wire octets', () => {
  const a = toAnnouncement({ ...fields, prefix: '198.51.100.0/23' });
  assert.equal(a.prefix, '198.51.100.0/23');
  assert.deepEqual({ afi: a.nlri.afi, addr: a.nlri.addr, len: a.nlri.len }, { afi: 1, addr: '198.51.100.0', len: 23 });
  assert.deepEqual([...a.nlri.bytes!], [198, 51, 100, 0]);
  assert.deepEqual(a.neighbors, ['192.0.2.1']);
});

test('an invalid prefix is refused where the announcement is built', () => {
  assert.throws(() => toAnnouncement({ ...fields, prefix: '198.51.100.1/23' }), /host bits/);
});

test('the encoder writes the kept octets, the same bytes as for a prefix parsed from text', () => {
  // Hand-written wire forms (RFC 4271 4.3, RFC 7911 3).
  const v4 = toAnnouncement({ ...fields, prefix: '203.0.113.128/25' }).nlri;
  assert.deepEqual([...encodePrefix(v4, false)], [25, 203, 0, 113, 128]);
  assert.deepEqual([...encodePrefix({ ...v4, pathId: 7 }, true)], [0, 0, 0, 7, 25, 203, 0, 113, 128]);
  const v6 = toAnnouncement({ ...fields, prefix: '2001:db8:4::/48' }).nlri;
  assert.deepEqual([...encodePrefix(v6, false)], [48, 0x20, 0x01, 0x0d, 0xb8, 0, 4]);
  for (const text of ['0.0.0.0/0', '10.0.0.0/8', '2001:db8::1/128', '::/0']) {
    assert.deepEqual(encodePrefix(toAnnouncement({ ...fields, prefix: text }).nlri, false), encodePrefix(prefix(text), false), text);
  }
});

test('the encoder takes the octets as given, without reading the text', () => {
  const p = { afi: 1 as const, addr: 'not parsed', len: 16, bytes: new Uint8Array([10, 20, 0, 0]) };
  assert.deepEqual([...encodePrefix(p, false)], [16, 10, 20]);
});
