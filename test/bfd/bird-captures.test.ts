// Packets BIRD 2.0.12 sent to floatd, captured with tcpdump (test/fixtures/bfd).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptSequence, verifyAuth, UNKNOWN_SEQUENCE, type AuthConfig, type AuthSequence } from '../../src/bfd/auth.js';
import { decodeControl, encodeControl, type ControlPacket } from '../../src/bfd/packet.js';

const dir = join(import.meta.dirname ?? '.', '..', '..', '..', 'test', 'fixtures', 'bfd');

function load(name: string): { ttl: number; bytes: Buffer }[] {
  return readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('ttl='))
    .map((l) => {
      const [t, h] = l.split(' ');
      return { ttl: Number(t!.slice(4)), bytes: Buffer.from(h!, 'hex') };
    });
}

const decodeAll = (name: string): { bytes: Buffer; p: ControlPacket }[] =>
  load(name).map(({ ttl, bytes }) => {
    assert.equal(ttl, 255, 'RFC 5881: single hop leaves with TTL 255');
    const r = decodeControl(bytes);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return { bytes, p: r.packet };
  });

test('BIRD single hop: every packet decodes and re-encodes to the same bytes; Down, Init, Up and a Poll/Final exchange', () => {
  const all = decodeAll('bird-2.0.12-single-hop.txt');
  assert.ok(all.length >= 10);
  for (const { bytes, p } of all) assert.equal(encodeControl(p).toString('hex'), bytes.toString('hex'));
  const states = [...new Set(all.map((x) => x.p.state))];
  assert.deepEqual(states.slice(0, 3), ['Down', 'Init', 'Up']);
  // While not Up BIRD advertises 1 s; its Poll carries the 100 ms it moves to.
  assert.equal(all[0]!.p.desiredMinTxUs, 1_000_000);
  const poll = all.find((x) => x.p.poll)!;
  assert.equal(poll.p.desiredMinTxUs, 100_000);
  assert.ok(all.some((x) => x.p.final && !x.p.poll));
  assert.ok(all.every((x) => x.p.myDiscr === all[0]!.p.myDiscr && x.p.detectMult === 3));
});

test('BIRD keyed SHA1: every hash verifies with the key and fails with another; sequence numbers stay inside the window', () => {
  const key: AuthConfig = { type: 'keyed-sha1', keyId: 2, key: Buffer.from('bird-fixture') };
  const all = decodeAll('bird-2.0.12-keyed-sha1.txt');
  assert.ok(all.length >= 10);
  let seq: AuthSequence = UNKNOWN_SEQUENCE;
  for (const { bytes, p } of all) {
    assert.equal(p.auth?.type, 'keyed-sha1');
    assert.deepEqual(verifyAuth(bytes, p, key), { ok: true });
    assert.equal((verifyAuth(bytes, p, { ...key, key: Buffer.from('bird-fixturE') }) as { code: string }).code, 'auth-digest');
    const next = acceptSequence(seq, (p.auth as { seq: number }).seq, p.detectMult, 'keyed-sha1');
    assert.ok(next, `sequence ${(p.auth as { seq: number }).seq} after ${seq.seq}`);
    seq = next;
    assert.equal(encodeControl(p).toString('hex'), bytes.toString('hex'));
  }
});
