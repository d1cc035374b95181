import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_LOG_SIZE, EventLog } from '../../../src/daemon/service-routes/event-log.js';
import { FakeClock } from '../../../src/util/clock.js';

const WALL = Date.UTC(2024, 0, 2, 3, 4, 5);

test('transitions carry their own clock time, commands the current one; both get the wall-clock time in ISO 8601', () => {
  const clock = new FakeClock();
  const log = new EventLog(clock, () => WALL + clock.now());
  clock.advance(1500);
  log.transition('web', 'RISING', 'UP', '3 checks passed in a row', 1000);
  log.record('web', 'UP', 'maintenance on');
  assert.deepEqual(log.events(), [
    { kind: 'transition', at: '2024-01-02T03:04:06.500Z', atMs: 1000, service: 'web', from: 'RISING', to: 'UP', reason: '3 checks passed in a row' },
    { kind: 'command', at: '2024-01-02T03:04:06.500Z', atMs: 1500, service: 'web', from: 'UP', to: 'UP', reason: 'maintenance on' },
  ]);
});

test('the newest 1000 are kept, oldest first; limit takes the newest, 0 none, fractions round down', () => {
  const clock = new FakeClock();
  const log = new EventLog(clock, () => WALL);
  for (let i = 0; i < 1200; i++) log.record('db', 'UP', `round ${i}`);
  const all = log.events();
  assert.equal(EVENT_LOG_SIZE, 1000);
  assert.equal(all.length, EVENT_LOG_SIZE);
  assert.equal(all[0]!.reason, 'round 200');
  assert.equal(all.at(-1)!.reason, 'round 1199');
  assert.deepEqual(log.events(2).map((e) => e.reason), ['round 1198', 'round 1199']);
  assert.deepEqual(log.events(2.9).map((e) => e.reason), ['round 1198', 'round 1199']);
  assert.deepEqual(log.events(0), []);
  assert.deepEqual(log.events(-3), []);
  assert.equal(log.events(5000).length, 1000);
});

test('a BFD state change: the neighbor, its states and diagnostic, at the current clock time; service reads "bfd NEIGHBOR"', () => {
  const clock = new FakeClock();
  const log = new EventLog(clock, () => WALL + clock.now());
  clock.advance(250);
  log.bfd('192.0.2.1', 'Up', 'Down', 1, 'control detection time expired');
  assert.deepEqual(log.events(), [
    { kind: 'bfd', at: '2024-01-02T03:04:05.250Z', atMs: 250, service: 'bfd 192.0.2.1', neighbor: '192.0.2.1', from: 'Up', to: 'Down', diag: 1, reason: 'control detection time expired' },
  ]);
});
