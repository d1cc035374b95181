import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage, emptyMessage, encodeMessage, OPCODE } from '../../src/dns/message.js';
import { CLASS, formatIpv6, ipv6Bytes, normalizeAddress, TYPE } from '../../src/dns/rdata.js';
import { rcodeName } from '../../src/dns/rcode.js';
import { addRecord, deleteRecord, planKeepLast } from '../../src/dns/update.js';

// Test-only byte builder, separate from the encoder: every field spelled out from the RFC layouts.
const u16 = (v: number): string => v.toString(16).padStart(4, '0');
const u32 = (v: number): string => v.toString(16).padStart(8, '0');
const label = (s: string): string => (s.length.toString(16).padStart(2, '0') + Buffer.from(s).toString('hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Header (RFC 1035 4.1.1): ID, flags, then the four counts.
const header = (id: number, flags: number, counts: number[]): string => u16(id) + u16(flags) + counts.map(u16).join('');
const ZONE = label('example') + label('test') + '00'; // at offset 12
const PTR_ZONE = 'c00c';
const WWW = label('www') + PTR_ZONE;

test('UPDATE adding an A record: zone SOA, CNAME-absent prerequisite, the RR (RFC 2136 2.3, 2.4.3, 2.5.1)', () => {
  const m = addRecord(0x1234, 'example.test', { name: 'www.example.test', address: '192.0.2.7', ttl: 60 });
  const want =
    header(0x1234, 5 << 11, [1, 1, 1, 0]) +
    ZONE + u16(TYPE.SOA) + u16(CLASS.IN) +
    // prerequisite: www CNAME NONE 0, RDLENGTH 0
    WWW + u16(5) + u16(254) + u32(0) + u16(0) +
    // update: www A IN 60, 4 bytes of address; www is at offset 30 by now
    'c01e' + u16(1) + u16(1) + u32(60) + u16(4) + 'c0000207';
  assert.equal(hex(encodeMessage(m)), want);
});

test('UPDATE deleting one AAAA RR: class NONE, TTL 0, our RDATA only (RFC 2136 2.5.4)', () => {
  const m = deleteRecord(7, 'example.test', { name: 'www.example.test', address: '2001:DB8::7', ttl: 60 });
  const want = header(7, 0x2800, [1, 0, 1, 0]) + ZONE + u16(6) + u16(1) + WWW + u16(28) + u16(254) + u32(0) + u16(16) + '20010db8000000000000000000000007';
  assert.equal(hex(encodeMessage(m)), want);
});

test('keep-last delete: the observed RRset as a value-dependent prerequisite (RFC 2136 2.4.2)', () => {
  const rec = { name: 'www.example.test', address: '192.0.2.7', ttl: 60 };
  assert.deepEqual(planKeepLast(rec, ['192.0.2.7']), { kind: 'last' });
  assert.deepEqual(planKeepLast(rec, ['192.0.2.8']), { kind: 'absent' });
  const plan = planKeepLast(rec, ['192.0.2.7', '192.0.2.8']);
  assert.deepEqual(plan, { kind: 'delete', observed: ['192.0.2.7', '192.0.2.8'] });
  const m = deleteRecord(9, 'example.test', rec, plan.kind === 'delete' ? plan.observed : []);
  const pre = (a: string): string => u16(1) + u16(1) + u32(0) + u16(4) + a;
  const want = header(9, 0x2800, [1, 2, 1, 0]) + ZONE + u16(6) + u16(1) + WWW + pre('c0000207') + 'c01e' + pre('c0000208') + 'c01e' + u16(1) + u16(254) + u32(0) + u16(4) + 'c0000207';
  assert.equal(hex(encodeMessage(m)), want);
});

test('a name outside the zone is refused before anything is sent', () => {
  assert.throws(() => addRecord(1, 'example.test', { name: 'www.example.org', address: '192.0.2.1', ttl: 60 }), { code: 'NOTZONE' });
});

test('decoding a response by hand: answer with pointers, SOA in authority, unknown type kept raw', () => {
  const soa = label('ns1') + PTR_ZONE + label('hostmaster') + PTR_ZONE + [2026, 3600, 600, 86400, 60].map(u32).join('');
  const bytes =
    header(0xbeef, 0x8400 | 3, [1, 2, 1, 0]) +
    ZONE + u16(1) + u16(1) +
    PTR_ZONE + u16(1) + u16(1) + u32(300) + u16(4) + 'c0000201' +
    PTR_ZONE + u16(99) + u16(1) + u32(5) + u16(3) + 'abcdef' +
    PTR_ZONE + u16(6) + u16(1) + u32(60) + u16(soa.length / 2) + soa;
  const { message: m, tsigOffset } = decodeMessage(Buffer.from(bytes, 'hex'));
  assert.equal(tsigOffset, undefined);
  assert.equal(m.id, 0xbeef);
  assert.ok(m.qr && m.aa && !m.tc);
  assert.equal(rcodeName(m.rcode), 'NXDOMAIN');
  assert.deepEqual(m.question, [{ name: 'example.test', type: 1, class: 1 }]);
  assert.deepEqual(m.answer[0], { name: 'example.test', type: 1, class: 1, ttl: 300, data: { kind: 'a', address: '192.0.2.1' } });
  assert.equal(hex((m.answer[1]!.data as { bytes: Uint8Array }).bytes), 'abcdef');
  assert.deepEqual(m.authority[0]!.data, { kind: 'soa', mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2026, refresh: 3600, retry: 600, expire: 86400, minimum: 60 });
  // Encode again and decode: the same message.
  assert.deepEqual(decodeMessage(encodeMessage(m)).message, m);
});

test('decoding errors: trailing bytes, RDATA overrun, A of wrong length kept raw, TSIG not last', () => {
  const q = header(1, 0, [0, 0, 0, 0]);
  assert.throws(() => decodeMessage(Buffer.from(q + '00', 'hex')), /1 bytes after the last record/);
  assert.throws(() => decodeMessage(Buffer.from(header(1, 0, [0, 1, 0, 0]) + '00' + u16(1) + u16(1) + u32(1) + u16(9) + '01', 'hex')), { code: 'ERR_DNS_FORMAT' });
  const odd = decodeMessage(Buffer.from(header(1, 0, [0, 1, 0, 0]) + '00' + u16(1) + u16(1) + u32(1) + u16(2) + '0102', 'hex'));
  assert.equal(odd.message.answer[0]!.data.kind, 'raw');
  const tsig = '00' + u16(250) + u16(255) + u32(0) + u16(0);
  const a = '00' + u16(1) + u16(1) + u32(1) + u16(4) + '01020304';
  assert.throws(() => decodeMessage(Buffer.from(header(1, 0, [0, 0, 0, 2]) + tsig + a, 'hex')), /not the last additional/);
});

test('header flags and the rcode names, TSIG errors included', () => {
  const m = { ...emptyMessage(0xffff, OPCODE.UPDATE), qr: true, tc: true, rd: true, ra: true, rcode: 9 };
  assert.equal(hex(encodeMessage(m)), 'ffff' + 'ab89' + '0000000000000000');
  assert.deepEqual([2, 5, 7, 8, 9, 10, 16, 17, 18, 13].map(rcodeName), ['SERVFAIL', 'REFUSED', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'BADSIG', 'BADKEY', 'BADTIME', 'RCODE13']);
});

test('IPv6 text: RFC 5952 form both ways', () => {
  assert.equal(formatIpv6(ipv6Bytes('2001:db8:0:0:1:0:0:1')), '2001:db8::1:0:0:1');
  assert.equal(formatIpv6(ipv6Bytes('::')), '::');
  assert.equal(formatIpv6(ipv6Bytes('::ffff:192.0.2.1')), '::ffff:c000:201');
  assert.equal(formatIpv6(ipv6Bytes('2001:db8:1:1:1:1:0:1')), '2001:db8:1:1:1:1:0:1');
  assert.equal(normalizeAddress('2001:DB8::0:1'), '2001:db8::1');
});
