// Property-based fuzzing of the whole receive path (framer + decoder): random
// and mutated messages never crash or hang it, and every failure names a real
// NOTIFICATION code/subcode and an RFC 7606 action. Seeds: the golden
// captures plus the corpus of inputs that once broke something (corpus/*.hex).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { BgpDecodeError, ErrorAction, errorActionName } from '../../src/bgp/codec/errors.js';
import { Framer } from '../../src/bgp/codec/framer.js';
import { decodeMessage } from '../../src/bgp/codec/message.js';
import { AS4_CONTEXT, BASE_CONTEXT, type CodecContext } from '../../src/bgp/codec/types.js';
import { countUpdate, updateRoutes } from '../../src/bgp/codec/update.js';

/** NOTIFICATION codes and the subcodes the IANA registry defines for each. */
const VALID: Record<number, readonly number[]> = {
  1: [1, 2, 3],
  2: [0, 1, 2, 3, 4, 6, 7, 11],
  3: [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11],
  5: [0, 1, 2, 3],
  7: [1],
};
const ACTIONS = new Set<number>(Object.values(ErrorAction));

const captures = new URL('../../../test/fixtures/captures/', import.meta.url);
const corpusDir = new URL('../../../test/fuzz/corpus/', import.meta.url);

const seeds: Buffer[] = readdirSync(captures)
  .filter((n) => n.endsWith('.json'))
  .flatMap((n) => (JSON.parse(readFileSync(new URL(n, captures), 'utf8')) as { messages: { hex: string }[] }).messages)
  .map((m) => Buffer.from(m.hex, 'hex'));

/** A corpus file may name the RFC 7606 outcome it must get with a `# expect: <action>` line. */
const corpus: { name: string; bytes: Buffer; expect?: string }[] = readdirSync(corpusDir)
  .filter((n) => n.endsWith('.hex'))
  .map((name) => {
    const text = readFileSync(new URL(name, corpusDir), 'utf8');
    const expect = /^# expect: (\S+)/m.exec(text)?.[1];
    const bytes = Buffer.from(text.replace(/#.*$/gm, '').replace(/\s/g, ''), 'hex');
    return expect === undefined ? { name, bytes } : { name, bytes, expect };
  });

const contexts: CodecContext[] = [AS4_CONTEXT, BASE_CONTEXT, { ...AS4_CONTEXT, addPathIpv4: true, addPathIpv6: true }, { ...AS4_CONTEXT, extendedMessage: true }];

function checkError(e: unknown, input: Buffer): void {
  if (!(e instanceof BgpDecodeError)) throw new Error(`non-BgpDecodeError ${String(e)} for ${input.toString('hex')}`);
  assert.ok(VALID[e.errorCode]?.includes(e.errorSubcode), `code ${e.errorCode}/${e.errorSubcode} for ${input.toString('hex')}`);
  assert.ok(ACTIONS.has(e.action));
  assert.ok(e.data instanceof Uint8Array);
}

/** Runs bytes through the receive path; asserts that whatever happens is a legal outcome. */
function receive(bytes: Buffer, ctx: CodecContext): void {
  const f = new Framer();
  f.extendedMessage = ctx.extendedMessage;
  try {
    f.push(bytes, (m) => {
      try {
        const d = decodeMessage(m, ctx);
        if (d.type === 'update') {
          for (const e of d.errors) checkError(e, m);
          assert.ok(d.action === undefined || d.action === Math.max(...d.errors.map((e) => e.action)));
          const counts = countUpdate(m, 19, m.length, ctx);
          assert.ok(counts.announced >= 0 && counts.withdrawn >= 0);
        }
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        checkError(e, m);
      }
    });
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    checkError(e, bytes);
  }
}

test('the corpus of once-breaking inputs is handled', () => {
  for (const c of corpus) for (const ctx of contexts) receive(c.bytes, ctx);
});

test('corpus files with an expected outcome get it (RFC 7606)', () => {
  const expecting = corpus.filter((c) => c.expect !== undefined);
  assert.ok(expecting.length >= 4);
  for (const c of expecting) {
    let got: string;
    try {
      const d = decodeMessage(c.bytes, AS4_CONTEXT);
      got = d.type === 'update' && d.action !== undefined ? errorActionName(d.action) : 'clean';
    } catch (e) {
      got = e instanceof BgpDecodeError ? errorActionName(e.action) : String(e);
    }
    assert.equal(got, c.expect, c.name);
  }
});

test('RFC 7606 4: an UPDATE whose last attribute runs past the path attributes withdraws its NLRI, decoded or counted', () => {
  const good = Buffer.from('40010100 40020602010000fde9 400304c0000201'.replace(/\s/g, ''), 'hex');
  const prefix = fc.tuple(fc.integer({ min: 1, max: 32 }), fc.uint8Array({ minLength: 4, maxLength: 4 })).map(([len, a]) => Buffer.from([len, ...a.subarray(0, (len + 7) >> 3)]));
  const cut = fc.record({
    keep: fc.integer({ min: 0, max: 3 }),
    flags: fc.constantFrom(0x40, 0x80, 0xc0, 0x50, 0x90, 0xd0),
    type: fc.integer({ min: 0, max: 255 }).filter((t) => t !== 14 && t !== 15),
    claim: fc.integer({ min: 1, max: 300 }),
    value: fc.uint8Array({ maxLength: 40 }),
    headerOnly: fc.integer({ min: 0, max: 3 }),
  });
  fc.assert(
    fc.property(cut, fc.array(prefix, { minLength: 1, maxLength: 5 }), ({ keep, flags, type, claim, value, headerOnly }, nlri) => {
      const ext = (flags & 0x10) !== 0;
      // Either a header cut short, or a length that claims more than the value given.
      const len = value.length + claim;
      const header = ext ? [flags, type, len >> 8, len & 255] : [flags, type, Math.min(255, len)];
      const last = headerOnly > 0 ? Buffer.from(header.slice(0, Math.min(headerOnly, header.length - 1))) : Buffer.from([...header, ...value.subarray(0, Math.max(0, (ext ? len : Math.min(255, len)) - 1))]);
      const pa = Buffer.concat([good.subarray(0, [0, 4, 13, 20][keep]), last]);
      const n = Buffer.concat(nlri);
      const body = Buffer.concat([Buffer.from([0, 0, pa.length >> 8, pa.length & 255]), pa, n]);
      const m = Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([(19 + body.length) >> 8, (19 + body.length) & 255, 2]), body]);
      const d = decodeMessage(m, AS4_CONTEXT);
      assert.ok(d.type === 'update');
      assert.equal(d.action, ErrorAction.TreatAsWithdraw, m.toString('hex'));
      const r = updateRoutes(d);
      assert.equal(r.announce.length, 0);
      assert.equal(r.withdraw.length, nlri.length);
      assert.equal(countUpdate(m, 19, m.length, AS4_CONTEXT).announced, nlri.length);
    }),
    { numRuns: 3000 },
  );
});

test('captured messages with random byte changes', () => {
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    cut: fc.option(fc.nat()),
    ctx: fc.integer({ min: 0, max: contexts.length - 1 }),
  });
  fc.assert(
    fc.property(mutation, ({ seed, edits, cut, ctx }) => {
      const b = Buffer.from(seeds[seed]!);
      // Keep the marker so most mutants reach the message decoders.
      for (const [at, v] of edits) if (b.length > 19) b[19 + (at % (b.length - 19))] = v;
      const input = cut === null ? b : b.subarray(0, 19 + (cut % Math.max(1, b.length - 18)));
      if (input.length >= 18 && cut !== null) input.writeUInt16BE(input.length, 16);
      receive(input, contexts[ctx]!);
    }),
    { numRuns: 20000 },
  );
});

test('random bodies behind a valid header, of every message type', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: contexts.length - 1 }), (type, body, ctx) => {
      const m = Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([(19 + body.length) >> 8, (19 + body.length) & 255, type]), body]);
      receive(m, contexts[ctx]!);
    }),
    { numRuns: 20000 },
  );
});

test('UPDATE-shaped random attributes (valid framing, random attribute contents)', () => {
  const attr = fc.record({ flags: fc.constantFrom(0x40, 0x80, 0xc0, 0x50, 0x90, 0xe0), type: fc.integer({ min: 0, max: 40 }), value: fc.uint8Array({ maxLength: 40 }) });
  fc.assert(
    fc.property(fc.array(attr, { maxLength: 8 }), fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 0, max: contexts.length - 1 }), (attrs, nlri, ctx) => {
      const parts = attrs.map((a) =>
        a.flags & 0x10 ? Buffer.from([a.flags, a.type, a.value.length >> 8, a.value.length & 255, ...a.value]) : Buffer.from([a.flags, a.type, a.value.length, ...a.value]),
      );
      const pa = Buffer.concat(parts);
      const body = Buffer.concat([Buffer.from([0, 0, pa.length >> 8, pa.length & 255]), pa, nlri]);
      const m = Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([(19 + body.length) >> 8, (19 + body.length) & 255, 2]), body]);
      if (m.length <= 4096) receive(m, contexts[ctx]!);
    }),
    { numRuns: 20000 },
  );
});
