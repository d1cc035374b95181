import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventTime, formatEvents } from '../../src/cli/format-events.js';
import { EVENTS } from './samples.js';

test('events: time, service, change (or the command and the state it found) and reason, oldest first', () => {
  const expected = `Time                      Service  Change          Reason
2025-03-01T10:00:01.000Z  web      INIT -> RISING  check passed: 200
2025-03-01T10:00:05.000Z  web      RISING -> UP    3 checks passed in a row
2025-03-01T10:00:06.900Z  db       command in UP   maintenance on: operator
2025-03-01T10:00:07.000Z  db       UP -> DISABLED  disabled by operator: maintenance
`;
  assert.equal(formatEvents(EVENTS), expected);
  assert.equal(formatEvents({ events: EVENTS }), expected);
  assert.equal(formatEvents([]), 'no events yet\n');
});

test('event time: ISO text as given, epoch milliseconds as ISO, nothing as "-"', () => {
  const e = { service: 's', from: 'UP', to: 'DOWN', reason: 'r' };
  assert.equal(eventTime({ ...e, at: '2025-03-01T10:00:01.000Z' }), '2025-03-01T10:00:01.000Z');
  assert.equal(eventTime({ ...e, at: Date.UTC(2025, 2, 1, 10, 0, 1, 250) }), '2025-03-01T10:00:01.250Z');
  assert.equal(eventTime({ ...e, atMs: 1234 }), '-');
});
