import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeAttributes } from '../../../src/bgp/codec/attributes/index.js';
import { AS4_CONTEXT, BASE_CONTEXT } from '../../../src/bgp/codec/types.js';
import { checkPlainAttributes, CLEAN, CLEAN_LOOP, NOT_SURE } from '../../../src/bgp/rib/clean-attributes.js';
import { hex } from '../../helpers/hex.js';
import { attributesField, LOCAL_AS } from './update-arbitrary.js';

// RFC 4271 4.3 attribute layout: flags | type | length | value.
const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 0a | 02 02 0000fde8 0000fdea'; // AS_SEQUENCE 65000 65002
const NEXT_HOP = '40 03 04 c0000201';
const check = (field: string, fourOctet = true): number => {
  const b = hex(field);
  return checkPlainAttributes(b, 0, b.length, fourOctet, LOCAL_AS);
};

test('a table-style attribute set is clean, and the AS_PATH is searched for our AS', () => {
  assert.equal(check([ORIGIN, AS_PATH, NEXT_HOP].join(' ')), CLEAN);
  assert.equal(check([NEXT_HOP, '80 04 04 00000064', 'c0 08 08 fde80001 fde80002', AS_PATH, ORIGIN].join(' ')), CLEAN, 'any order, MED, communities');
  assert.equal(check([ORIGIN, AS_PATH, NEXT_HOP, 'c0 20 0c 0000fde8 00000001 00000002'].join(' ')), CLEAN, 'large communities');
  assert.equal(check([ORIGIN, '40 02 10 | 01 01 0000fde8 | 02 02 0000fde9 0000fdea', NEXT_HOP].join(' ')), CLEAN_LOOP, 'our AS 65001 in the second segment');
  assert.equal(check([ORIGIN, '40 02 06 | 01 01 0000fde9', NEXT_HOP].join(' ')), CLEAN_LOOP, 'our AS in an AS_SET');
  assert.equal(check([ORIGIN, '40 02 06 | 02 02 fde8 fde9', NEXT_HOP].join(' '), false), CLEAN_LOOP, '2-octet AS numbers');
  assert.equal(check([ORIGIN, '50 02 00 0a | 02 02 0000fde8 0000fdea', NEXT_HOP].join(' ')), CLEAN, 'Extended Length on a short attribute');
  assert.equal(check([ORIGIN, '40 02 00', NEXT_HOP].join(' ')), CLEAN, 'an empty AS_PATH (iBGP)');
});

test('anything wrong or unfamiliar is left to the decoder', () => {
  const cases: [string, string][] = [
    ['ORIGIN 3', ['40 01 01 03', AS_PATH, NEXT_HOP].join(' ')],
    ['ORIGIN flagged optional', ['c0 01 01 00', AS_PATH, NEXT_HOP].join(' ')],
    ['NEXT_HOP missing', [ORIGIN, AS_PATH].join(' ')],
    ['ORIGIN twice', [ORIGIN, ORIGIN, AS_PATH, NEXT_HOP].join(' ')],
    ['AS 0', [ORIGIN, '40 02 06 | 02 01 00000000', NEXT_HOP].join(' ')],
    ['empty segment', [ORIGIN, '40 02 02 | 02 00', NEXT_HOP].join(' ')],
    ['segment type 3', [ORIGIN, '40 02 06 | 03 01 0000fde8', NEXT_HOP].join(' ')],
    ['segment past the attribute', [ORIGIN, '40 02 06 | 02 02 0000fde8', NEXT_HOP].join(' ')],
    ['NEXT_HOP of 3 octets', [ORIGIN, AS_PATH, '40 03 03 c00002'].join(' ')],
    ['COMMUNITIES of 5 octets', [ORIGIN, AS_PATH, NEXT_HOP, 'c0 08 05 fde8000100'].join(' ')],
    ['AGGREGATOR with AS 0', [ORIGIN, AS_PATH, NEXT_HOP, 'c0 07 08 00000000 c0000201'].join(' ')],
    ['unknown optional transitive type 99', [ORIGIN, AS_PATH, NEXT_HOP, 'c0 63 01 00'].join(' ')],
    ['AS4_PATH', [ORIGIN, AS_PATH, NEXT_HOP, 'c0 11 06 02 01 0000fde8'].join(' ')],
    ['MP_REACH_NLRI', [ORIGIN, AS_PATH, NEXT_HOP, '80 0e 05 0002 01 00 00'].join(' ')],
    ['attribute past the field', [ORIGIN, AS_PATH, '40 03 08 c0000201'].join(' ')],
    ['header cut short', [ORIGIN, AS_PATH, NEXT_HOP, '40 03'].join(' ')],
  ];
  for (const [what, field] of cases) assert.equal(check(field), NOT_SURE, what);
});

test('whenever the check says clean, the decoder finds nothing wrong and agrees on the loop', () => {
  for (const fourOctet of [true, false]) {
    fc.assert(
      fc.property(attributesField(fourOctet), (field) => {
        const verdict = checkPlainAttributes(field, 0, field.length, fourOctet, LOCAL_AS);
        if (verdict === NOT_SURE) return;
        const d = decodeAttributes(field, 0, field.length, fourOctet ? AS4_CONTEXT : BASE_CONTEXT, true);
        assert.deepEqual(d.errors, [], `clean by the check: ${field.toString('hex')}`);
        const loop = d.attributes.asPath?.some((s) => s.asns.includes(LOCAL_AS)) ?? false;
        assert.equal(verdict === CLEAN_LOOP, loop, `loop verdict for ${field.toString('hex')}`);
      }),
      { numRuns: 3000 },
    );
  }
});

test('the generated fields are clean often enough for the property above to mean something', () => {
  const sample = fc.sample(attributesField(true), { numRuns: 2000, seed: 7 });
  const clean = sample.filter((f) => checkPlainAttributes(f, 0, f.length, true, LOCAL_AS) !== NOT_SURE).length;
  assert.ok(clean > 200 && clean < 1900, `${clean} of 2000 clean`);
});
