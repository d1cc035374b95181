import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeMessage, emptyMessage, encodeMessage, OPCODE } from '../../src/dns/message.js';
import { CLASS, TYPE } from '../../src/dns/rdata.js';
import { algorithmName, computeMac, signRequest, stripTsig, verifyResponse } from '../../src/dns/tsig.js';
import type { TsigKey } from '../../src/dns/tsig.js';

// A real exchange: nsupdate -y hmac-sha256:... to named (tools/dns/capture-nsupdate.mjs).
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/dns/nsupdate-hmac-sha256.json', import.meta.url), 'utf8')) as {
  key: { name: string; algorithm: string; secret: string };
  request: string;
  response: string;
};
const key: TsigKey = { name: fx.key.name, algorithm: fx.key.algorithm, secret: Buffer.from(fx.key.secret, 'base64') };
const request = Buffer.from(fx.request, 'hex');
const response = Buffer.from(fx.response, 'hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function tsigOf(buf: Uint8Array) {
  const d = decodeMessage(buf);
  const rr = d.message.additional.at(-1)!;
  assert.equal(rr.data.kind, 'tsig');
  return { ...d, rr, t: rr.data as Extract<typeof rr.data, { kind: 'tsig' }> };
}

test("our MAC equals nsupdate's for the same message and time", () => {
  const { tsigOffset, t } = tsigOf(request);
  const mac = computeMac(key, stripTsig(request, tsigOffset!, t.originalId), t);
  assert.equal(hex(mac), hex(t.mac));
});

test("signing the same UPDATE at nsupdate's time gives nsupdate's bytes exactly", () => {
  const { message, t } = tsigOf(request);
  const m = emptyMessage(message.id, OPCODE.UPDATE);
  m.question.push({ name: 'example.test', type: TYPE.SOA, class: CLASS.IN });
  m.authority.push({ name: 'www.example.test', type: TYPE.A, class: CLASS.IN, ttl: 60, data: { kind: 'a', address: '192.0.2.1' } });
  const signed = signRequest(m, key, t.timeSigned, t.fudge);
  assert.equal(hex(signed.bytes), hex(request));
  assert.equal(hex(signed.mac), hex(t.mac));
});

test("named's signed answer verifies against nsupdate's request MAC", () => {
  const { t: reqT } = tsigOf(request);
  const { t } = tsigOf(response);
  const m = verifyResponse(response, key, reqT.mac, t.timeSigned + 5);
  assert.equal(m.rcode, 0);
  assert.ok(m.qr);
});

test('a changed byte, another request MAC, another secret or key name: ERR_DNS_BAD_MAC', () => {
  const { t: reqT } = tsigOf(request);
  const { t } = tsigOf(response);
  const now = t.timeSigned;
  const flipped = Buffer.from(response);
  flipped[3]! ^= 1;
  assert.throws(() => verifyResponse(flipped, key, reqT.mac, now), { code: 'ERR_DNS_BAD_MAC' });
  assert.throws(() => verifyResponse(response, key, Buffer.alloc(32), now), { code: 'ERR_DNS_BAD_MAC' });
  assert.throws(() => verifyResponse(response, { ...key, secret: Buffer.from('other') }, reqT.mac, now), { code: 'ERR_DNS_BAD_MAC' });
  assert.throws(() => verifyResponse(response, { ...key, name: 'other-key' }, reqT.mac, now), /signed with key "floatd-test"/);
});

test('an answer signed too far from our clock is BADTIME with the skew', () => {
  const { t: reqT } = tsigOf(request);
  const { t } = tsigOf(response);
  assert.throws(() => verifyResponse(response, key, reqT.mac, t.timeSigned - 3600), (e: Error & { code?: string; skewSeconds?: number }) => e.code === 'BADTIME' && e.skewSeconds === 3600);
  // Within the fudge (300 s) it passes.
  assert.equal(verifyResponse(response, key, reqT.mac, t.timeSigned + 300).rcode, 0);
});

test('every algorithm signs with the MAC length of its hash; names are accepted short or in wire form', () => {
  const m = emptyMessage(1, OPCODE.UPDATE);
  const lens: Record<string, number> = { 'hmac-md5': 16, 'hmac-sha1': 20, 'hmac-sha256': 32, 'hmac-sha512': 64 };
  for (const [algorithm, len] of Object.entries(lens)) {
    const s = signRequest(m, { ...key, algorithm }, 1_700_000_000);
    assert.equal(s.mac.length, len);
    const { t } = tsigOf(s.bytes);
    assert.equal(algorithmName(t.algorithm), algorithm);
    assert.equal(t.timeSigned, 1_700_000_000);
    assert.equal(t.fudge, 300);
  }
  assert.equal(algorithmName('HMAC-MD5.SIG-ALG.REG.INT.'), 'hmac-md5');
  assert.throws(() => signRequest(m, { ...key, algorithm: 'hmac-sha3' }, 0), { code: 'ERR_DNS_TSIG_ALGORITHM' });
});

test('server TSIG errors: BADSIG and BADKEY unsigned, BADTIME with the server time in Other Data', () => {
  const m = emptyMessage(5, OPCODE.UPDATE);
  const answer = (error: number, other: Uint8Array, timeSigned = 1000) => {
    const reply = { ...m, qr: true, rcode: 9 };
    reply.additional = [{ name: key.name, type: TYPE.TSIG, class: CLASS.ANY, ttl: 0, data: { kind: 'tsig' as const, algorithm: 'hmac-sha256', timeSigned, fudge: 300, mac: new Uint8Array(0), originalId: 5, error, other } }];
    return reply;
  };
  const enc = (msg: ReturnType<typeof answer>) => signRequestless(msg);
  assert.throws(() => verifyResponse(enc(answer(16, new Uint8Array(0))), key, new Uint8Array(32), 1000), { code: 'BADSIG' });
  assert.throws(() => verifyResponse(enc(answer(17, new Uint8Array(0))), key, new Uint8Array(32), 1000), { code: 'BADKEY' });
  const serverTime = Uint8Array.of(0, 0, 0, 0, 0x11, 0xf8); // 4600: an hour after our 1000
  assert.throws(() => verifyResponse(enc(answer(18, serverTime)), key, new Uint8Array(32), 1000), (e: Error & { code?: string; skewSeconds?: number }) => e.code === 'BADTIME' && e.skewSeconds === 3600 && /\+3600 s from ours/.test(e.message));
  const noTsig = { ...m, qr: true, rcode: 5 };
  assert.throws(() => verifyResponse(signRequestless(noTsig), key, new Uint8Array(32), 1000), (e: Error & { code?: string }) => e.code === 'REFUSED' && /unsigned/.test(e.message));
  assert.throws(() => verifyResponse(signRequestless({ ...noTsig, rcode: 0 }), key, new Uint8Array(32), 1000), (e: Error & { code?: string }) => e.code === 'ERR_DNS_UNSIGNED');
});

function signRequestless(m: Parameters<typeof encodeMessage>[0]): Uint8Array {
  return encodeMessage(m);
}
