import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BgpDecodeError, ErrorAction } from '../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT, BASE_CONTEXT, type CodecContext, type PathAttributes } from '../../../src/bgp/codec/types.js';
import { decodeUpdate, updateRoutes } from '../../../src/bgp/codec/update.js';
import { AdjRibIn } from '../../../src/bgp/rib/adj-rib-in.js';
import { importUpdate, type ImportResult } from '../../../src/bgp/rib/import-update.js';
import { prefixKey } from '../../../src/bgp/rib/route.js';
import { hex } from '../../helpers/hex.js';
import { frameUpdate, LOCAL_AS, updateBody } from './update-arbitrary.js';

// UPDATE bodies from RFC 4271 4.3: withdrawn length | withdrawn | attributes length | attributes | NLRI.
const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 0a 02 02 0000fde8 0000fdea'; // AS_SEQUENCE 65000 65002
const NEXT_HOP = '40 03 04 c0000201'; // 192.0.2.1
const ATTRS = `${ORIGIN} ${AS_PATH} ${NEXT_HOP}`;
const update = (withdrawn: string, attrs: string, nlri: string): Buffer => {
  const w = hex(withdrawn);
  const a = hex(attrs);
  const body = Buffer.concat([Buffer.from([w.length >> 8, w.length & 0xff]), w, Buffer.from([a.length >> 8, a.length & 0xff]), a, hex(nlri)]);
  return frameUpdate(body);
};
const apply = (rib: AdjRibIn, m: Buffer, ctx: CodecContext = AS4_CONTEXT): ImportResult => importUpdate(rib, m, 19, m.length, ctx, LOCAL_AS);
const routes = (rib: AdjRibIn) => Object.fromEntries([...rib.entries()].map((e) => [e.prefix, { ...e.attributes, nextHops: e.nextHops }]));

test('two prefixes with one attribute set go into the RIB and come out decoded', () => {
  const rib = new AdjRibIn();
  const r = apply(rib, update('', ATTRS, '18 c63364 | 10 0a01'));
  assert.deepEqual(r, { announced: 2, withdrawn: 0, looped: 0, errors: [] });
  const attrs = { origin: 0, asPath: [{ type: 2, asns: [65000, 65002] }], nextHops: ['192.0.2.1'] };
  assert.deepEqual(routes(rib), { '10.1.0.0/16': attrs, '198.51.100.0/24': attrs });
  assert.equal(rib.attributeSetCount, 1);
});

test('host bits past the length are cleared (RFC 4271 4.3)', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '19 c00002 ff')); // 192.0.2.255/25 -> 192.0.2.128/25
  assert.deepEqual(Object.keys(routes(rib)), ['192.0.2.128/25']);
  apply(rib, update('19 c00002 81', '', '')); // withdrawn as 192.0.2.129/25
  assert.equal(rib.prefixCount, 0);
});

test('identical attribute bytes share a set; an implicit replace frees the old one; withdrawals count every prefix named', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '18 c63364'));
  apply(rib, update('', ATTRS, '18 c63365'));
  assert.equal(rib.attributeSetCount, 1);
  apply(rib, update('', `${ATTRS} 80 04 04 00000005`, '18 c63364 18 c63365'));
  assert.equal(rib.attributeSetCount, 1, 'the first set went with its last prefix');
  assert.equal(routes(rib)['198.51.100.0/24']?.med, 5);
  const r = apply(rib, update('18 c63364 18 cb0071', '', ''));
  assert.deepEqual(r, { announced: 0, withdrawn: 2, looped: 0, errors: [] });
  assert.deepEqual(Object.keys(routes(rib)), ['198.51.101.0/24']);
});

test('a route through our own AS is a loop: counted, not stored, and it replaces the earlier route', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '18 c63364'));
  const r = apply(rib, update('', `${ORIGIN} 40 02 06 02 01 0000fde9 ${NEXT_HOP}`, '18 c63364 18 c63365'));
  assert.deepEqual(r, { announced: 0, withdrawn: 0, looped: 2, errors: [] });
  assert.equal(rib.prefixCount, 0);
  assert.equal(rib.attributeSetCount, 0);
});

test('missing NEXT_HOP is treat-as-withdraw (RFC 7606 3d): the prefixes go, the error is reported', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '18 c63364'));
  const r = apply(rib, update('', `${ORIGIN} ${AS_PATH}`, '18 c63364'));
  assert.equal(r.action, ErrorAction.TreatAsWithdraw);
  assert.equal(r.withdrawn, 1);
  assert.equal(r.announced, 0);
  assert.match(r.errors[0]!.message, /NEXT_HOP/);
  assert.equal(rib.prefixCount, 0);
});

test('an AGGREGATOR with AS 0 is discarded (RFC 7607): the route stays, without it', () => {
  const rib = new AdjRibIn();
  const r = apply(rib, update('', `${ATTRS} c0 07 08 00000000 c0000201`, '18 c63364'));
  assert.equal(r.action, ErrorAction.AttributeDiscard);
  assert.equal(r.announced, 1);
  assert.equal(routes(rib)['198.51.100.0/24']?.aggregator, undefined);
});

test('a prefix longer than 32 bits resets the session, as decodeUpdate says', () => {
  const rib = new AdjRibIn();
  assert.throws(
    () => apply(rib, update('', ATTRS, '21 c0000201 00')),
    (e: unknown) => e instanceof BgpDecodeError && e.errorCode === 3 && e.errorSubcode === 10,
  );
});

test('IPv6 in MP_REACH_NLRI takes the general path and is stored with its next hop', () => {
  const rib = new AdjRibIn();
  // MP_REACH_NLRI (RFC 4760 3): AFI 2, SAFI 1, next hop 2001:db8::1, reserved 0, 2001:db8::/32.
  const mp = '80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8';
  const r = apply(rib, update('', `${ORIGIN} ${AS_PATH} ${mp}`, ''));
  assert.equal(r.announced, 1);
  assert.deepEqual(routes(rib), { '2001:db8::/32': { origin: 0, asPath: [{ type: 2, asns: [65000, 65002] }], nextHops: ['2001:db8::1'] } });
});

/** The Adj-RIB-In as floatd kept it before: decodeUpdate, then one Map entry per prefix. */
class ReferenceRib {
  readonly routes = new Map<string, { attributes: PathAttributes; nextHops: readonly string[] }>();

  apply(m: Buffer, ctx: CodecContext): ImportResult {
    const u = decodeUpdate(m, 19, m.length, ctx);
    const verdict = u.action === undefined ? { errors: u.errors } : { errors: u.errors, action: u.action };
    if (u.action !== undefined && u.action >= ErrorAction.AfiSafiDisable) return { announced: 0, withdrawn: 0, looped: 0, ...verdict };
    const r = updateRoutes(u);
    for (const p of r.withdraw) this.routes.delete(prefixKey(p));
    if (r.announce.length === 0) return { announced: 0, withdrawn: r.withdraw.length, looped: 0, ...verdict };
    const { mpReach, mpUnreach, nextHop, ...shared } = u.attributes;
    void mpUnreach;
    if (shared.asPath?.some((s) => s.asns.includes(LOCAL_AS))) {
      for (const p of r.announce) this.routes.delete(prefixKey(p));
      return { announced: 0, withdrawn: r.withdraw.length, looped: r.announce.length, ...verdict };
    }
    if (nextHop !== undefined) for (const p of u.nlri) this.routes.set(prefixKey(p), { attributes: shared, nextHops: [nextHop] });
    for (const p of mpReach?.nlri ?? []) this.routes.set(prefixKey(p), { attributes: shared, nextHops: mpReach!.nextHops });
    return { announced: r.announce.length, withdrawn: r.withdraw.length, looped: 0, ...verdict };
  }
}

const outcome = (f: () => ImportResult) => {
  try {
    const r = f();
    return { announced: r.announced, withdrawn: r.withdrawn, looped: r.looped, action: r.action, errors: r.errors.map((e) => `${e.errorCode}/${e.errorSubcode}/${e.action}: ${e.message}`) };
  } catch (e) {
    const err = e as BgpDecodeError;
    return { thrown: `${err.errorCode}/${err.errorSubcode}: ${err.message}` };
  }
};

test('any sequence of UPDATEs leaves the RIB, the counts and the errors exactly as the decoded path did', () => {
  for (const ctx of [AS4_CONTEXT, BASE_CONTEXT]) {
    fc.assert(
      fc.property(fc.array(updateBody(ctx.fourOctetAs), { minLength: 1, maxLength: 25 }), (bodies) => {
        const rib = new AdjRibIn();
        const ref = new ReferenceRib();
        for (const body of bodies) {
          const m = frameUpdate(body);
          const want = outcome(() => ref.apply(m, ctx));
          const got = outcome(() => importUpdate(rib, m, 19, m.length, ctx, LOCAL_AS));
          assert.deepEqual(got, want, `UPDATE ${body.toString('hex')}`);
          if ('thrown' in want) return; // the session resets; the RIB goes with it
        }
        const entries = [...rib.entries()];
        assert.deepEqual(new Map(entries.map((e) => [e.prefix, { attributes: e.attributes, nextHops: e.nextHops }])), ref.routes);
        assert.equal(rib.prefixCount, ref.routes.size);
        // Routes of one set share its attributes and next hops objects: no set outlives its last prefix.
        const sets = new Map<object, Set<object>>();
        for (const e of entries) sets.set(e.attributes, (sets.get(e.attributes) ?? new Set()).add(e.nextHops));
        assert.equal(rib.attributeSetCount, [...sets.values()].reduce((n, s) => n + s.size, 0), 'attribute sets held');
      }),
      { numRuns: 400 },
    );
  }
});

test('the generated UPDATEs take both paths, so the property above compares both', () => {
  const bodies = fc.sample(updateBody(true), { numRuns: 500, seed: 11 });
  let raw = 0;
  let decoded = 0;
  for (const b of bodies) {
    const rib = new AdjRibIn();
    const m = frameUpdate(b);
    try {
      if (importUpdate(rib, m, 19, m.length, AS4_CONTEXT, LOCAL_AS).announced === 0) continue;
    } catch {
      continue;
    }
    if (rib.rawAttributeBytes > 0) raw++;
    else decoded++;
  }
  assert.ok(raw > 100 && decoded > 10, `${raw} stored as bytes, ${decoded} decoded, of 500`);
});

test('the first set stored as bytes is the one the fast path keeps', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '18 c63364'));
  assert.ok(rib.rawAttributeBytes > 0);
});

test('with ADD-PATH (RFC 7911) each path identifier is its own route', () => {
  const rib = new AdjRibIn();
  const ctx = { ...AS4_CONTEXT, addPathIpv4: true };
  apply(rib, update('', ATTRS, '00000001 18 c63364 | 00000002 18 c63364'), ctx);
  assert.deepEqual(Object.keys(routes(rib)), ['198.51.100.0/24#1', '198.51.100.0/24#2']);
  apply(rib, update('00000001 18 c63364', '', ''), ctx);
  assert.deepEqual(Object.keys(routes(rib)), ['198.51.100.0/24#2']);
});

// Treat-as-withdraw through the RIB, for the cases that once reset the session or stored the route.
test('RFC 7606 4: an attribute running past the attributes field withdraws the UPDATE\'s prefixes instead of resetting the session', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '18 c63364 18 c63365'));
  // COMMUNITIES claims 8 octets, 4 are left; the Total Path Attribute Length still finds the NLRI.
  const r = apply(rib, update('', `${ATTRS} c0 08 08 fde80001`, '18 c63364'));
  assert.equal(r.action, ErrorAction.TreatAsWithdraw);
  assert.equal(r.withdrawn, 1);
  assert.deepEqual(Object.keys(routes(rib)), ['198.51.101.0/24']);
});

test('RFC 7606 7.3: NEXT_HOP 0.0.0.1, or 127.0.0.1 from a remote peer, withdraws the prefix on the fast path, and again when its bytes are seen twice', () => {
  const rib = new AdjRibIn();
  apply(rib, update('', ATTRS, '18 c63364 18 c63365 18 c63366'));
  const bad = `${ORIGIN} ${AS_PATH} 40 03 04 00000001`;
  for (const nlri of ['18 c63364', '18 c63365']) {
    const r = apply(rib, update('', bad, nlri));
    assert.equal(r.action, ErrorAction.TreatAsWithdraw);
    assert.equal(r.announced, 0);
  }
  const loopback = apply(rib, update('', `${ORIGIN} ${AS_PATH} 40 03 04 7f000001`, '18 c63366'), { ...AS4_CONTEXT, rejectLoopbackNextHop: true });
  assert.equal(loopback.action, ErrorAction.TreatAsWithdraw);
  assert.equal(rib.prefixCount, 0);
  // Between speakers on one host a loopback next hop is the peer's own: stored.
  assert.equal(apply(rib, update('', `${ORIGIN} ${AS_PATH} 40 03 04 7f000001`, '18 c63366')).announced, 1);
});

test('RFC 7606 7.5: a malformed LOCAL_PREF from an eBGP peer is dropped and the route kept; from an iBGP peer the route is withdrawn', () => {
  const attrs = `${ATTRS} 40 05 02 0064`;
  const ebgp = new AdjRibIn();
  const e = apply(ebgp, update('', attrs, '18 c63364'), { ...AS4_CONTEXT, external: true });
  assert.equal(e.action, ErrorAction.AttributeDiscard);
  assert.equal(e.announced, 1);
  assert.deepEqual(routes(ebgp), { '198.51.100.0/24': { origin: 0, asPath: [{ type: 2, asns: [65000, 65002] }], nextHops: ['192.0.2.1'] } });
  const ibgp = new AdjRibIn();
  apply(ibgp, update('', ATTRS, '18 c63364'));
  const i = apply(ibgp, update('', attrs, '18 c63364'), { ...AS4_CONTEXT, external: false });
  assert.equal(i.action, ErrorAction.TreatAsWithdraw);
  assert.equal(ibgp.prefixCount, 0);
});

test('RFC 8092 5: a route stored from the fast path shows its large communities without duplicates', () => {
  const rib = new AdjRibIn();
  const lc = 'c0 20 24 0000fde8 00000001 00000002 0000fde8 00000001 00000002 0000fde8 00000001 00000002';
  const r = apply(rib, update('', `${ATTRS} ${lc}`, '18 c63364'));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(routes(rib)['198.51.100.0/24']?.largeCommunities, [{ global: 65000, local1: 1, local2: 2 }]);
});
