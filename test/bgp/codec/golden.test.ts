// Golden bytes: real daemons' messages (captured by tools/capture/) decoded to
// the facts their configurations imply, and re-encoded byte for byte where
// the RFC leaves the encoder no choice.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCommunity, parseLargeCommunity } from '../../../src/bgp/codec/attributes/index.js';
import { decodeMessage, encodeMessage, type DecodedMessage } from '../../../src/bgp/codec/message.js';
import { peerAsOf, type OpenMessage } from '../../../src/bgp/codec/open.js';
import { AS4_CONTEXT, BASE_CONTEXT, type CodecContext, type DecodedUpdate } from '../../../src/bgp/codec/types.js';
import { negotiatedContext } from '../../../src/cli/decode-context.js';
import { toHex } from '../../helpers/hex.js';

const dir = new URL('../../../../test/fixtures/captures/', import.meta.url);

interface Expected {
  from: string;
  session?: number;
  prefix: string;
  pathIdPresent?: boolean;
  origin?: string;
  asPath?: number[];
  asPathOnWire?: number[];
  nextHop?: string;
  nextHopLinkLocal?: string;
  med?: number;
  communities?: string[];
  largeCommunities?: string[];
  extendedCommunities?: string[];
}

interface Fixture {
  scenario: string;
  messages: { from: string; type: number; hex: string }[];
  expect: {
    open?: Record<string, { asn: number; myAsField: number; routerId: string; holdTime: number; capabilities: Record<string, unknown> }>;
    negotiated?: { fourOctetAs?: boolean; extendedNextHopIpv4?: boolean };
    announced?: Expected[];
    withdrawn?: { from: string; prefix: string; session?: number }[];
    notifications?: { from: string; code: number; subcode: number; shutdownMessage?: string; session?: number }[];
    routeRefresh?: { from: string; afi: number; safi: number }[];
  };
}

interface Decoded {
  from: string;
  session: number;
  bytes: Buffer;
  ctx: CodecContext;
  msg: DecodedMessage;
}

/** Decodes a capture like a passive observer: the two OPENs of each session set the contexts. */
function decodeFixture(f: Fixture): Decoded[] {
  const out: Decoded[] = [];
  let opens = new Map<string, OpenMessage>();
  let ctx = new Map<string, CodecContext>();
  let session = 0;
  for (const m of f.messages) {
    const bytes = Buffer.from(m.hex, 'hex');
    if (m.type === 1 && (opens.size === 2 || opens.size === 0)) {
      session++;
      opens = new Map();
      ctx = new Map();
    }
    const c = ctx.get(m.from) ?? (opens.size === 2 ? AS4_CONTEXT : BASE_CONTEXT);
    const msg = decodeMessage(bytes, c);
    if (msg.type === 'open') {
      opens.set(m.from, msg);
      if (opens.size === 2) ctx = negotiatedContext(opens);
    }
    out.push({ from: m.from, session, bytes, ctx: c, msg });
  }
  return out;
}

const extCommunity = (b: Uint8Array): string => {
  const x = Buffer.from(b);
  const sub = x[1] === 2 ? 'target' : x[1] === 3 ? 'origin' : `sub${x[1]}`;
  if (x[0] === 0x00) return `${sub}:${x.readUInt16BE(2)}:${x.readUInt32BE(4)}`;
  if (x[0] === 0x02) return `${sub}:${x.readUInt32BE(2)}:${x.readUInt16BE(6)}`;
  return toHex(b);
};

/** RFC 4271 leaves attribute order and the use of the extended-length bit to the sender; elsewhere the bytes are fixed. */
function attributesInCanonicalForm(m: Buffer): boolean {
  const wLen = m.readUInt16BE(19);
  const aStart = 21 + wLen + 2;
  const aEnd = aStart + m.readUInt16BE(21 + wLen);
  let p = aStart;
  let last = 0;
  while (p < aEnd) {
    const flags = m[p]!;
    const type = m[p + 1]!;
    const ext = (flags & 0x10) !== 0;
    const len = ext ? m.readUInt16BE(p + 2) : m[p + 2]!;
    if (type < last || ext !== len > 255) return false;
    last = type;
    p += (ext ? 4 : 3) + len;
  }
  return true;
}

const fixtures = readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .map((n) => JSON.parse(readFileSync(new URL(n, dir), 'utf8')) as Fixture);

test('there are captures of at least five daemon pairings', () => {
  assert.ok(fixtures.length >= 5, `found ${fixtures.length}`);
});

for (const f of fixtures) {
  test(`${f.scenario}: every message decodes cleanly`, () => {
    for (const d of decodeFixture(f)) {
      if (d.msg.type === 'update') assert.deepEqual(d.msg.errors, [], `${d.from}: ${toHex(d.bytes)}`);
    }
  });

  test(`${f.scenario}: OPENs carry the configured AS, identifier, hold time and capabilities`, () => {
    const opens = decodeFixture(f).filter((d) => d.msg.type === 'open');
    assert.ok(opens.length >= 2);
    for (const d of opens) {
      const o = d.msg as OpenMessage;
      const want = f.expect.open?.[d.from];
      assert.ok(want, `expectation for ${d.from}`);
      assert.equal(peerAsOf(o), want.asn);
      assert.equal(o.myAs, want.myAsField);
      assert.equal(o.bgpId, want.routerId);
      assert.equal(o.holdTime, want.holdTime);
      const caps = want.capabilities;
      const kinds = new Set(o.capabilities.map((c) => c.kind));
      if (caps.fourOctetAs === null) assert.ok(!kinds.has('four-octet-as'));
      else if (caps.fourOctetAs !== undefined) assert.deepEqual(o.capabilities.find((c) => c.kind === 'four-octet-as'), { kind: 'four-octet-as', asn: caps.fourOctetAs });
      for (const mp of (caps.multiprotocol as { afi: number; safi: number }[] | undefined) ?? []) {
        assert.ok(o.capabilities.some((c) => c.kind === 'multiprotocol' && c.afi === mp.afi && c.safi === mp.safi), `mp ${mp.afi}/${mp.safi}`);
      }
      if (caps.routeRefresh) assert.ok(kinds.has('route-refresh'));
      if (caps.enhancedRouteRefresh) assert.ok(kinds.has('enhanced-route-refresh'));
      if (caps.gracefulRestart) assert.ok(kinds.has('graceful-restart'));
      if (caps.extendedNextHop) assert.ok(kinds.has('extended-next-hop'));
      if (caps.fqdn) {
        const fq = o.capabilities.find((c) => c.kind === 'fqdn');
        assert.equal(fq?.kind === 'fqdn' && fq.hostname, (caps.fqdn as { hostname: string }).hostname);
      }
      for (const ap of (caps.addPath as { afi: number; sendReceive: number }[] | undefined) ?? []) {
        const c = o.capabilities.find((x) => x.kind === 'add-path');
        const e = c?.kind === 'add-path' ? c.entries.find((x) => x.afi === ap.afi) : undefined;
        assert.equal(e?.mode, ['', 'receive', 'send', 'both'][ap.sendReceive]);
      }
    }
  });

  test(`${f.scenario}: UPDATEs announce and withdraw exactly the configured routes and attributes`, () => {
    const decoded = decodeFixture(f);
    const updates = decoded.filter((d): d is Decoded & { msg: DecodedUpdate } => d.msg.type === 'update');
    for (const want of f.expect.announced ?? []) {
      const found = updates.filter((d) => {
        if (d.from !== want.from || (want.session !== undefined && d.session !== want.session)) return false;
        const nlri = [...d.msg.nlri, ...(d.msg.attributes.mpReach?.nlri ?? [])];
        return nlri.some((p) => `${p.addr}/${p.len}` === want.prefix && (want.pathIdPresent === undefined || (p.pathId !== undefined) === want.pathIdPresent));
      });
      assert.ok(found.length > 0, `${want.from} announced ${want.prefix}`);
      const ok = found.some(({ msg: { attributes: a } }) => {
        try {
          if (want.origin) assert.equal(['igp', 'egp', 'incomplete'][a.origin!], want.origin);
          if (want.asPath) assert.deepEqual(a.asPath?.flatMap((s) => s.asns), want.asPath);
          const nh = a.mpReach?.nextHops ?? [a.nextHop];
          if (want.nextHop) assert.equal(nh[0], want.nextHop);
          if (want.nextHopLinkLocal) assert.equal(nh[1], want.nextHopLinkLocal);
          if (want.med !== undefined) assert.equal(a.med, want.med);
          if (want.communities) assert.deepEqual(a.communities, want.communities.map(parseCommunity));
          if (want.largeCommunities) assert.deepEqual(a.largeCommunities, want.largeCommunities.map(parseLargeCommunity));
          if (want.extendedCommunities) assert.deepEqual(a.extendedCommunities?.map(extCommunity), want.extendedCommunities);
          return true;
        } catch {
          return false;
        }
      });
      assert.ok(ok, `${want.from} ${want.prefix}: attributes as configured in ${JSON.stringify(found.map((d) => d.msg.attributes), (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))}`);
    }
    for (const w of f.expect.withdrawn ?? []) {
      assert.ok(
        updates.some((d) => d.from === w.from && [...d.msg.withdrawn, ...(d.msg.attributes.mpUnreach?.withdrawn ?? [])].some((p) => `${p.addr}/${p.len}` === w.prefix)),
        `${w.from} withdrew ${w.prefix}`,
      );
    }
  });

  test(`${f.scenario}: NOTIFICATIONs and ROUTE-REFRESHes as the daemons sent them`, () => {
    const decoded = decodeFixture(f);
    for (const n of f.expect.notifications ?? []) {
      assert.ok(
        decoded.some((d) => d.from === n.from && d.msg.type === 'notification' && d.msg.code === n.code && d.msg.subcode === n.subcode && (n.shutdownMessage === undefined || d.msg.shutdownMessage === n.shutdownMessage)),
        `${n.from} NOTIFICATION ${n.code}/${n.subcode}`,
      );
    }
    for (const r of f.expect.routeRefresh ?? []) {
      assert.ok(decoded.some((d) => d.from === r.from && d.msg.type === 'route-refresh' && d.msg.afi === r.afi && d.msg.safi === r.safi));
    }
  });

  test(`${f.scenario}: re-encoding gives the daemons' bytes wherever the RFC fixes them`, () => {
    let identical = 0;
    for (const d of decodeFixture(f)) {
      const again = encodeMessage(d.msg, d.ctx);
      // Every message survives encode -> decode unchanged.
      assert.deepEqual(decodeMessage(again, d.ctx), d.msg);
      const fixed = d.msg.type === 'keepalive' || d.msg.type === 'notification' || d.msg.type === 'route-refresh' || (d.msg.type === 'update' && attributesInCanonicalForm(d.bytes));
      if (fixed) {
        assert.equal(toHex(again), toHex(d.bytes), `${d.from} ${d.msg.type}`);
        identical++;
      }
    }
    assert.ok(identical > 0);
  });
}
