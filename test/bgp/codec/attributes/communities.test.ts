import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCommunity, formatLargeCommunity, parseCommunity, parseLargeCommunity } from '../../../../src/bgp/codec/attributes/index.js';
import { decodeHex } from './fixtures.js';

test('communities format as AS:value, well-known ones by name', () => {
  assert.equal(formatCommunity(0xfde80001), '65000:1');
  assert.equal(formatCommunity(0), '0:0');
  assert.equal(formatCommunity(0xffffffff), '65535:65535');
  assert.equal(formatCommunity(0xffffff01), 'no-export');
  assert.equal(formatCommunity(0xffffff02), 'no-advertise');
  assert.equal(formatCommunity(0xffffff03), 'no-export-subconfed');
  assert.equal(formatCommunity(0xffffff04), 'no-peer');
  assert.equal(formatCommunity(0xffff0000), 'graceful-shutdown');
  assert.equal(formatCommunity(0xffff0001), 'accept-own');
  assert.equal(formatCommunity(0xffff029a), 'blackhole');
});

test('communities parse from AS:value or a well-known name', () => {
  assert.equal(parseCommunity('65000:1'), 0xfde80001);
  assert.equal(parseCommunity('65535:65535'), 0xffffffff);
  assert.equal(parseCommunity('no-export'), 0xffffff01);
  assert.throws(() => parseCommunity('GRACEFUL-SHUTDOWN'), TypeError, 'names are lower case, as in the config reference');
  assert.equal(parseCommunity('65535:0'), 0xffff0000);
  for (const n of [0, 1, 0xfde80001, 0xffffff01, 0xffff029a, 0x12345678]) assert.equal(parseCommunity(formatCommunity(n)), n);
});

test('bad community text is a TypeError naming the input', () => {
  for (const bad of ['', '65000', '65536:1', '1:65536', '1:2:3', '-1:2', '1:x', ' 1:2', 'no_export', '1:000002']) {
    assert.throws(() => parseCommunity(bad), (e: unknown) => e instanceof TypeError && e.message.includes(JSON.stringify(bad)), bad);
  }
});

test('large communities parse and format as global:local1:local2', () => {
  assert.deepEqual(parseLargeCommunity('4200000000:1:4294967295'), { global: 4200000000, local1: 1, local2: 4294967295 });
  assert.equal(formatLargeCommunity({ global: 65000, local1: 0, local2: 7 }), '65000:0:7');
  for (const bad of ['', '1:2', '1:2:3:4', '1:2:4294967296', 'a:b:c', '1::3']) {
    assert.throws(() => parseLargeCommunity(bad), TypeError, bad);
  }
});

// RFC 8092 5: a receiver silently removes duplicate large communities.
test('RFC 8092 5: duplicate large communities are removed silently, the first of each kept in order', () => {
  const a = '0000fde8 00000001 00000002';
  const b = '0000fde8 00000001 00000003';
  const r = decodeHex(`c0 20 3c ${a} ${b} ${a} ${b} ${a}`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes.largeCommunities, [
    { global: 65000, local1: 1, local2: 2 },
    { global: 65000, local1: 1, local2: 3 },
  ]);
});

test('RFC 8092 5: duplicates are removed from a long list too (values that differ in one field only are kept)', () => {
  // 300 values, 3 distinct after the first 100: the long-list path.
  const values: string[] = [];
  for (let i = 0; i < 300; i++) values.push(`0000fde8 ${(i % 3).toString(16).padStart(8, '0')} 00000007`);
  const value = values.join('');
  const r = decodeHex(`d0 20 ${(300 * 12).toString(16).padStart(4, '0')} ${value}`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes.largeCommunities, [
    { global: 65000, local1: 0, local2: 7 },
    { global: 65000, local1: 1, local2: 7 },
    { global: 65000, local1: 2, local2: 7 },
  ]);
  const distinct = decodeHex(`c0 20 24 0000fde8 00000001 00000002 0000fde9 00000001 00000002 0000fde8 00000001 00000003`);
  assert.equal(distinct.attributes.largeCommunities?.length, 3);
});
