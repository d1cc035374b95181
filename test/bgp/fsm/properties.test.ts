import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Capability } from '../../../src/bgp/codec/capabilities.js';
import type { OpenMessage } from '../../../src/bgp/codec/open.js';
import { initialFsmState, step } from '../../../src/bgp/fsm/fsm.js';
import type { LocalSpeaker } from '../../../src/bgp/fsm/local-open.js';
import { checkPeerOpen } from '../../../src/bgp/fsm/negotiate.js';
import type { FsmConfig, FsmEvent, FsmState } from '../../../src/bgp/fsm/types.js';
import { CFG, EVERY_EVENT, LOCAL, PASSIVE } from './fixtures.js';

// Values near the interesting ones: AFI 1/2 and a foreign one, SAFI unicast and not.
const afi = fc.constantFrom(1, 2, 3);
const safi = fc.constantFrom(1, 2, 128);
const family = fc.constantFrom('ipv4' as const, 'ipv6' as const);
const families = fc.uniqueArray(family, { maxLength: 2 });

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant('multiprotocol' as const), afi, safi }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.constant({ kind: 'enhanced-route-refresh' as const }),
  fc.constant({ kind: 'extended-message' as const }),
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: fc.constantFrom(65001, 65002, 4200000002) }),
  fc.record({
    kind: fc.constant('add-path' as const),
    entries: fc.array(fc.record({ afi, safi, mode: fc.constantFrom('receive' as const, 'send' as const, 'both' as const) }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('extended-next-hop' as const),
    entries: fc.array(fc.record({ afi, safi, nextHopAfi: afi }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    restarting: fc.boolean(),
    notification: fc.boolean(),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ afi, safi, forwarding: fc.boolean() }), { maxLength: 3 }),
  }),
);

const openArb: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('open' as const),
  version: fc.constant(4),
  myAs: fc.constantFrom(65001, 65002, 23456, 1),
  holdTime: fc.constantFrom(0, 1, 2, 3, 30, 90, 65535),
  bgpId: fc.constantFrom('0.0.0.0', '192.0.2.1', '198.51.100.2', '255.255.255.255', 'not an address'),
  capabilities: fc.array(capability, { maxLength: 8 }),
  otherParameters: fc.constant([]),
});

const localArb: fc.Arbitrary<LocalSpeaker> = fc.record({
  localAs: fc.constantFrom(65001, 65002),
  routerId: fc.constant('192.0.2.1'),
  holdTime: fc.constantFrom(0, 3, 90, 180),
  families,
  extendedNextHopIpv4: fc.boolean(),
  extendedMessage: fc.boolean(),
  addPathReceive: families,
  addPathSend: families,
});

test('checkPeerOpen never throws; an accepted OPEN obeys the negotiation rules', () => {
  fc.assert(
    fc.property(localArb, fc.constantFrom(65001, 65002, 4200000002), fc.boolean(), openArb, (local, peerAs, requireFamilies, open) => {
      const r = checkPeerOpen(local, { peerAs, requireFamilies }, open);
      if (!r.ok) {
        assert.equal(r.notification.code, 2);
        assert.ok([2, 3, 6, 7].includes(r.notification.subcode));
        return;
      }
      const n = r.negotiated;
      assert.equal(n.peerAs, peerAs);
      assert.equal(n.holdTime, Math.min(local.holdTime, open.holdTime));
      assert.ok(n.holdTime === 0 || n.holdTime >= 3);
      assert.equal(n.keepaliveTime, Math.floor(n.holdTime / 3));
      assert.ok(n.families.length > 0);
      for (const f of n.families) assert.ok(local.families.includes(f));
      if (requireFamilies) assert.deepEqual(n.families, local.families);
      const { rxIpv4, rxIpv6, txIpv4, txIpv6 } = n.addPath;
      if (rxIpv4) assert.ok(local.addPathReceive?.includes('ipv4') && n.families.includes('ipv4'));
      if (rxIpv6) assert.ok(local.addPathReceive?.includes('ipv6') && n.families.includes('ipv6'));
      if (txIpv4) assert.ok(local.addPathSend?.includes('ipv4') && n.families.includes('ipv4'));
      if (txIpv6) assert.ok(local.addPathSend?.includes('ipv6') && n.families.includes('ipv6'));
      if (n.extendedMessage) assert.ok(local.extendedMessage);
      if (n.extendedNextHopIpv4) assert.ok(local.extendedNextHopIpv4 && n.families.length > 0);
      assert.equal(n.tx.extendedMessage, n.extendedMessage);
    }),
  );
});

const eventArb: fc.Arbitrary<FsmEvent> = fc.oneof(
  fc.constantFrom(...EVERY_EVENT),
  fc.constantFrom('existing', 'incoming').map((keep): FsmEvent => ({ kind: 'ConnectionCollision', keep, peerRouterId: '198.51.100.2' })),
  openArb.map((open): FsmEvent => ({ kind: 'BgpOpen', open })),
  fc.option(fc.string({ maxLength: 300 }), { nil: undefined }).map((message): FsmEvent => (message === undefined ? { kind: 'ManualStop' } : { kind: 'ManualStop', message })),
);

test('any sequence of events from any start keeps the FSM consistent', () => {
  const cfgArb = fc.constantFrom<FsmConfig>(CFG, PASSIVE, { ...CFG, local: { ...LOCAL, holdTime: 0 } }, { ...CFG, sendHoldMs: 1000 });
  fc.assert(
    fc.property(cfgArb, fc.array(eventArb, { maxLength: 60 }), (cfg, events) => {
      let s: FsmState = initialFsmState;
      for (const e of events) {
        const t = step(s, e, cfg);
        const next = t.state;
        assert.ok(next.connectRetryCounter >= 0 && next.consecutiveFailures >= 0);
        assert.equal(next.negotiated !== undefined, next.name === 'OpenConfirm' || next.name === 'Established');
        assert.ok(!next.idleHoldPending || next.name === 'Idle');
        for (const a of t.actions) {
          if (a.kind !== 'start-timer') continue;
          assert.ok(a.ms > 0 && Number.isFinite(a.ms));
          if (a.timer === 'idle-hold') assert.ok(a.ms <= cfg.idleHoldMaxMs);
          if (a.timer === 'connect-retry') assert.ok(a.ms <= cfg.connectRetryMaxMs);
        }
        // Established is entered only from OpenConfirm, with the established action.
        if (next.name === 'Established' && s.name !== 'Established') {
          assert.equal(s.name, 'OpenConfirm');
          assert.ok(t.actions.some((a) => a.kind === 'established'));
        }
        // Dialling happens only for a session that may dial.
        if (t.actions.some((a) => a.kind === 'connect')) assert.equal(cfg.passive, false);
        s = next;
      }
    }),
  );
});
