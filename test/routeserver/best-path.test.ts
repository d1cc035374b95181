import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AsPathSegment, PathAttributes } from '../../src/bgp/codec/types.js';
import {
  asPathLength,
  decide,
  effectiveLocalPref,
  LINODE_COMMUNITY_PREFERENCE,
  neighborAs,
  type Candidate,
  type DecisionOptions,
} from '../../src/routeserver/best-path.js';

const SEQ = 2;
const SET = 1;
const GRACEFUL_SHUTDOWN = 0xffff0000;
const c65000 = (n: number): number => 65000 * 65536 + n;

let next = 1;
/** An eBGP route from AS 65001 over a fresh peer, unless told otherwise. */
function cand(over: Partial<Omit<Candidate, 'attributes'>> & { attributes?: PathAttributes } = {}): Candidate {
  const n = next++;
  return {
    peerAddress: `10.0.${n >> 8}.${n & 0xff}`,
    peerAs: 65001,
    peerRouterId: `192.0.${n >> 8}.${n & 0xff}`,
    internal: false,
    nextHops: [`10.0.${n >> 8}.${n & 0xff}`],
    ...over,
    attributes: { origin: 0, asPath: [{ type: SEQ, asns: [65001] }], ...over.attributes },
  };
}

const peersOf = (cs: readonly Candidate[] | undefined): string[] => (cs ?? []).map((c) => c.peerAddress);

test('no candidates, no decision; one candidate is the best whatever it carries', () => {
  assert.equal(decide([]), undefined);
  const only = cand({ attributes: { communities: [GRACEFUL_SHUTDOWN], origin: 2 } });
  const d = decide([only])!;
  assert.equal(d.best, only);
  assert.deepEqual(d.paths, [only]);
  assert.deepEqual(d.steps, []);
});

test('highest LOCAL_PREF wins among iBGP routes; a missing one counts as the default', () => {
  const a = cand({ internal: true, peerAs: 65000, attributes: { localPref: 200 } });
  const b = cand({ internal: true, peerAs: 65000, attributes: { localPref: 100, asPath: [] } });
  const d = decide([b, a])!;
  assert.equal(d.best, a);
  assert.deepEqual(d.steps.map((s) => s.step), ['local-pref']);
  assert.deepEqual(d.steps[0]!.removed, [b]);
  const none = cand({ internal: true, peerAs: 65000 });
  assert.equal(effectiveLocalPref(none), 100);
  assert.equal(effectiveLocalPref(none, { defaultLocalPref: 300 }), 300);
  const c = cand({ internal: true, peerAs: 65000, attributes: { localPref: 150 } });
  assert.equal(decide([none, c])!.best, c);
  assert.equal(decide([none, c], { defaultLocalPref: 300 })!.best, none);
});

test('LOCAL_PREF received over eBGP is ignored: every eBGP route gets the default', () => {
  const loud = cand({ attributes: { localPref: 1000 } });
  const quiet = cand();
  assert.equal(effectiveLocalPref(loud), 100);
  assert.deepEqual(peersOf(decide([loud, quiet])!.paths).sort(), peersOf([loud, quiet]).sort());
});

test('GRACEFUL_SHUTDOWN (65535:0) lowers a route to LOCAL_PREF 0 (RFC 8326), unless turned off', () => {
  const draining = cand({ peerRouterId: '1.1.1.1', attributes: { communities: [GRACEFUL_SHUTDOWN, c65000(1)] } });
  const other = cand({ peerRouterId: '9.9.9.9', attributes: { communities: [c65000(3)], asPath: [{ type: SEQ, asns: [65001, 65001, 65001] }] } });
  assert.equal(effectiveLocalPref(draining), 0);
  const d = decide([draining, other], { communityPreference: LINODE_COMMUNITY_PREFERENCE })!;
  assert.equal(d.best, other);
  assert.deepEqual(d.steps, [{ step: 'local-pref', removed: [draining] }]);
  const ignored = decide([draining, other], { communityPreference: LINODE_COMMUNITY_PREFERENCE, honorGracefulShutdown: false })!;
  assert.equal(ignored.best, draining);
  assert.equal(ignored.steps[0]!.step, 'community');
});

test('community preference: 65000:1 over 65000:2 over 65000:3; a route takes its best match; no map, no effect', () => {
  const o = { communityPreference: LINODE_COMMUNITY_PREFERENCE };
  const primary = cand({ attributes: { communities: [c65000(1)], asPath: [{ type: SEQ, asns: [65001, 65001] }] } });
  const secondary = cand({ attributes: { communities: [c65000(2)] } });
  const tertiary = cand({ attributes: { communities: [c65000(3)] } });
  const plain = cand();
  assert.equal(decide([tertiary, secondary, primary, plain], o)!.best, primary);
  assert.equal(decide([tertiary, secondary, plain], o)!.best, secondary);
  assert.equal(decide([tertiary, plain], o)!.best, tertiary);
  const both = cand({ attributes: { communities: [c65000(3), c65000(1)] } });
  assert.deepEqual(peersOf(decide([both, secondary], o)!.paths), peersOf([both]));
  // Without a map the communities mean nothing, and the shorter AS_PATH wins.
  assert.deepEqual(peersOf(decide([primary, secondary, tertiary])!.paths).sort(), peersOf([secondary, tertiary]).sort());
});

test('shortest AS_PATH wins: prepends count, an AS_SET counts as one', () => {
  const prepended = cand({ attributes: { asPath: [{ type: SEQ, asns: [65001, 65001, 65001] }] } });
  const direct = cand();
  const d = decide([prepended, direct])!;
  assert.equal(d.best, direct);
  assert.equal(d.steps[0]!.step, 'as-path');
  const withSet: AsPathSegment[] = [
    { type: SEQ, asns: [65001] },
    { type: SET, asns: [1, 2, 3, 4] },
  ];
  assert.equal(asPathLength(withSet), 2);
  assert.equal(asPathLength(undefined), 0);
  const longSeq = cand({ attributes: { asPath: [{ type: SEQ, asns: [65001, 1, 2] }] } });
  const set = cand({ attributes: { asPath: withSet } });
  assert.equal(decide([longSeq, set])!.best, set);
});

test('lowest ORIGIN wins: IGP over EGP over INCOMPLETE', () => {
  const igp = cand({ attributes: { origin: 0 } });
  const egp = cand({ attributes: { origin: 1 } });
  const incomplete = cand({ attributes: { origin: 2 } });
  assert.equal(decide([incomplete, egp, igp])!.best, igp);
  assert.equal(decide([incomplete, egp])!.best, egp);
  assert.equal(decide([incomplete, egp])!.steps[0]!.step, 'origin');
});

test('MED: lowest wins between routes from the same neighboring AS; a missing MED is 0', () => {
  const low = cand({ attributes: { med: 10 } });
  const high = cand({ attributes: { med: 20 } });
  const d = decide([high, low])!;
  assert.deepEqual(d.paths, [low]);
  assert.deepEqual(d.steps, [{ step: 'med', removed: [high] }]);
  const missing = cand();
  assert.equal(decide([low, missing])!.best, missing);
});

test('MED is not compared across neighboring ASes unless alwaysCompareMed is set', () => {
  const a10 = cand({ peerAs: 65001, attributes: { med: 10, asPath: [{ type: SEQ, asns: [65001] }] } });
  const a20 = cand({ peerAs: 65001, attributes: { med: 20, asPath: [{ type: SEQ, asns: [65001] }] } });
  const b5 = cand({ peerAs: 65002, attributes: { med: 50, asPath: [{ type: SEQ, asns: [65002] }] } });
  assert.equal(neighborAs(b5), 65002);
  assert.deepEqual(peersOf(decide([a10, a20, b5])!.paths).sort(), peersOf([a10, b5]).sort());
  assert.deepEqual(decide([a10, a20, b5], { alwaysCompareMed: true })!.paths, [a10]);
  // An empty AS_PATH (the peer's own iBGP route) groups by the peer's AS.
  assert.equal(neighborAs(cand({ peerAs: 65000, internal: true, attributes: { asPath: [] } })), 65000);
});

test('eBGP routes are preferred over iBGP routes that tie on everything before', () => {
  const ibgp = cand({ internal: true, peerAs: 65000, peerRouterId: '1.0.0.1' });
  const ebgp = cand({ peerRouterId: '9.0.0.1' });
  const d = decide([ibgp, ebgp])!;
  assert.deepEqual(d.paths, [ebgp]);
  assert.equal(d.steps[0]!.step, 'ebgp');
});

test('equal-cost paths are all kept (multipath), ordered by router id then peer address, numerically', () => {
  const r10 = cand({ peerRouterId: '10.0.0.10', peerAddress: '127.0.0.4' });
  const r9 = cand({ peerRouterId: '10.0.0.9', peerAddress: '127.0.0.3' });
  const r9b = cand({ peerRouterId: '10.0.0.9', peerAddress: '127.0.0.2' });
  const d = decide([r10, r9, r9b])!;
  assert.deepEqual(d.paths, [r9b, r9, r10]);
  assert.equal(d.best, r9b);
  assert.deepEqual(d.steps, []);
  assert.deepEqual(decide([r10, r9, r9b], { maxPaths: 2 })!.paths, [r9b, r9]);
  assert.deepEqual(decide([r10, r9, r9b], { maxPaths: 0 })!.paths, [r9b]);
});

// ---- properties ----

const attributesArb = fc.record({
  localPref: fc.option(fc.constantFrom(50, 100, 200), { nil: undefined }),
  communities: fc.subarray([GRACEFUL_SHUTDOWN, c65000(1), c65000(2), c65000(3), 64512 * 65536 + 7]),
  asns: fc.array(fc.constantFrom(65001, 65002, 65003), { minLength: 0, maxLength: 4 }),
  origin: fc.constantFrom(0, 1, 2),
  med: fc.option(fc.constantFrom(0, 10, 20), { nil: undefined }),
});

const candidatesArb = fc
  .array(fc.record({ a: attributesArb, internal: fc.boolean(), rid: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 8 })
  .map((xs) =>
    xs.map(
      ({ a, internal, rid }, i): Candidate => ({
        peerAddress: `10.1.0.${i + 1}`,
        peerAs: internal ? 65000 : (a.asns[0] ?? 65009),
        peerRouterId: `10.9.0.${rid}`,
        internal,
        nextHops: [`10.1.0.${i + 1}`],
        attributes: {
          origin: a.origin as 0 | 1 | 2,
          asPath: a.asns.length > 0 ? [{ type: SEQ, asns: a.asns }] : [],
          ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
          ...(a.med !== undefined ? { med: a.med } : {}),
          ...(a.communities.length > 0 ? { communities: a.communities } : {}),
        },
      }),
    ),
  );

const optionsArb = fc.record({
  alwaysCompareMed: fc.boolean(),
  honorGracefulShutdown: fc.boolean(),
  linode: fc.boolean(),
});
const toOptions = (o: { alwaysCompareMed: boolean; honorGracefulShutdown: boolean; linode: boolean }): DecisionOptions => ({
  alwaysCompareMed: o.alwaysCompareMed,
  honorGracefulShutdown: o.honorGracefulShutdown,
  ...(o.linode ? { communityPreference: LINODE_COMMUNITY_PREFERENCE } : {}),
});

test('property: the paths are a non-empty subset, best first, and with the steps they account for every candidate', () => {
  fc.assert(
    fc.property(candidatesArb, optionsArb, (cs, oo) => {
      const d = decide(cs, toOptions(oo))!;
      assert.ok(d.paths.length > 0);
      assert.equal(d.best, d.paths[0]);
      for (const p of d.paths) assert.ok(cs.includes(p));
      const removed = d.steps.flatMap((s) => s.removed);
      assert.deepEqual([...peersOf(removed), ...peersOf(d.paths)].sort(), peersOf(cs).sort());
    }),
  );
});

test('property: the order of the candidates does not matter', () => {
  fc.assert(
    fc.property(
      candidatesArb.chain((cs) => fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length }))),
      optionsArb,
      ([cs, shuffled], oo) => {
        const o = toOptions(oo);
        assert.deepEqual(peersOf(decide(shuffled, o)!.paths), peersOf(decide(cs, o)!.paths));
      },
    ),
  );
});

test('property: the kept paths tie on LOCAL_PREF, AS_PATH length and ORIGIN, and none of them is beaten on those by any candidate', () => {
  fc.assert(
    fc.property(candidatesArb, optionsArb, (cs, oo) => {
      const o = toOptions(oo);
      const d = decide(cs, o)!;
      const lp = effectiveLocalPref(d.best, o);
      const len = asPathLength(d.best.attributes.asPath);
      for (const p of d.paths) {
        assert.equal(effectiveLocalPref(p, o), lp);
        assert.equal(asPathLength(p.attributes.asPath), len);
        assert.equal(p.attributes.origin, d.best.attributes.origin);
        assert.equal(p.internal, d.best.internal);
      }
      for (const c of cs) assert.ok(effectiveLocalPref(c, o) <= lp);
      if (o.alwaysCompareMed) for (const p of d.paths) assert.equal(p.attributes.med ?? 0, d.best.attributes.med ?? 0);
    }),
  );
});

test('property: adding a route with a lower LOCAL_PREF than every candidate changes nothing', () => {
  fc.assert(
    fc.property(candidatesArb, optionsArb, (cs, oo) => {
      const o = toOptions(oo);
      const worse: Candidate = {
        peerAddress: '10.2.0.1',
        peerAs: 65000,
        peerRouterId: '0.0.0.1',
        internal: true,
        nextHops: ['10.2.0.1'],
        attributes: { origin: 0, asPath: [], localPref: 0, communities: [c65000(1)] },
      };
      // Only strictly lower: every candidate's effective LOCAL_PREF is above 0 unless GRACEFUL_SHUTDOWN is honoured.
      fc.pre(cs.every((c) => effectiveLocalPref(c, o) > 0));
      assert.deepEqual(peersOf(decide([...cs, worse], o)!.paths), peersOf(decide(cs, o)!.paths));
    }),
  );
});
