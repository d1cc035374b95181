import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ProbeObservation, TransitionObservation, WithdrawObservation } from '../../../src/route-policy/observer.js';
import { ObserverSet } from '../../../src/daemon/service-routes/observers.js';

const PROBE: ProbeObservation = { service: 'web', ok: true, durationMs: 1, timedOut: false, atMs: 10 };
const TRANSITION: TransitionObservation = { service: 'web', from: 'RISING', to: 'UP', reason: 'passed', atMs: 20 };
const WITHDRAW: WithdrawObservation = { service: 'web', prefixes: ['192.0.2.10/32'], latencyMs: 0.5 };

function logged() {
  const lines: string[] = [];
  const log = pino(
    { level: 'error' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  return { lines, log };
}

test('each observer gets what it asked for; removing one stops it', () => {
  const { log } = logged();
  const set = new ObserverSet(log);
  const seen: string[] = [];
  const off = set.add({ probe: (o) => seen.push(`a probe ${o.atMs}`), withdraw: (o) => seen.push(`a withdraw ${o.prefixes.join()}`) });
  set.add({ transition: (o) => seen.push(`b ${o.from}>${o.to}`) });
  set.probe(PROBE);
  set.transition(TRANSITION);
  set.withdraw(WITHDRAW);
  off();
  set.probe(PROBE);
  assert.deepEqual(seen, ['a probe 10', 'b RISING>UP', 'a withdraw 192.0.2.10/32']);
});

test('an observer that throws is logged once; the others still hear everything', () => {
  const { lines, log } = logged();
  const set = new ObserverSet(log);
  const good: string[] = [];
  set.add({
    probe: () => {
      throw new Error('metrics broke');
    },
    withdraw: () => {
      throw new Error('metrics broke');
    },
  });
  set.add({ probe: (o) => good.push(o.service), withdraw: (o) => good.push(o.service) });
  set.probe(PROBE);
  set.probe(PROBE);
  set.withdraw(WITHDRAW);
  assert.deepEqual(good, ['web', 'web', 'web']);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /service routes observer failed/);
  assert.match(lines[0]!, /metrics broke/);
  assert.match(lines[0]!, /"call":"probe"/);
});
