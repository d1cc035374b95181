// fast-check arbitraries for capabilities, shared by the OPEN and capability tests.

import fc from 'fast-check';
import type { Capability } from '../../../src/bgp/codec/capabilities.js';
import { CapabilityCode } from '../../../src/bgp/codec/constants.js';

/** Plain objects, as the decoder builds them (fc.record defaults to a null prototype). */
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

const KNOWN_CODES = new Set<number>(Object.values(CapabilityCode));
const afi = fc.integer({ min: 0, max: 0xffff });
const safi = fc.integer({ min: 0, max: 0xff });
/** Well-formed strings only: a lone surrogate cannot survive UTF-8. */
const text = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => Buffer.from(s, 'utf8').toString('utf8') === s);

/** Any encodable capability; 4-octet AS numbers from `minAsn` (an OPEN needs 1, RFC 7607 2). */
export const capabilityArbWith = (minAsn: number): fc.Arbitrary<Capability> =>
  fc.oneof(
    rec({ kind: fc.constant('multiprotocol' as const), afi, safi }),
    fc.constant({ kind: 'route-refresh' as const }),
    fc.constant({ kind: 'enhanced-route-refresh' as const }),
    fc.constant({ kind: 'extended-message' as const }),
    rec({ kind: fc.constant('four-octet-as' as const), asn: fc.integer({ min: minAsn, max: 0xffffffff }) }),
    rec({
      kind: fc.constant('graceful-restart' as const),
      restarting: fc.boolean(),
      notification: fc.boolean(),
      restartTime: fc.integer({ min: 0, max: 4095 }),
      families: fc.array(rec({ afi, safi, forwarding: fc.boolean() }), { maxLength: 8 }),
    }),
    rec({
      kind: fc.constant('extended-next-hop' as const),
      entries: fc.array(rec({ afi, safi: fc.integer({ min: 0, max: 0xffff }), nextHopAfi: afi }), { maxLength: 8 }),
    }),
    rec({
      kind: fc.constant('add-path' as const),
      entries: fc.array(
        rec({ afi, safi, mode: fc.constantFrom('receive' as const, 'send' as const, 'both' as const) }),
        { maxLength: 8 },
      ),
    }),
    rec({ kind: fc.constant('fqdn' as const), hostname: text, domain: text }),
    rec({
      kind: fc.constant('unknown' as const),
      code: fc.integer({ min: 0, max: 255 }).filter((c) => !KNOWN_CODES.has(c)),
      value: fc.uint8Array({ maxLength: 40 }),
    }),
  );

export const capabilityArb = capabilityArbWith(0);
