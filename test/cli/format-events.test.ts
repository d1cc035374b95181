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

test('BFD entries: the neighbor, "BFD from -> to", and the diagnostic code beside the reason when there is one', () => {
  const at = '2025-03-01T10:00:09.000Z';
  const bfd = (from: string, to: string, diag: number, reason: string) => ({ at, service: 'bfd 192.0.2.1', neighbor: '192.0.2.1', kind: 'bfd' as const, from, to, diag, reason });
  const expected = `Time                      Service        Change                 Reason
2025-03-01T10:00:09.000Z  bfd 192.0.2.1  BFD Init -> Up         neighbor is Up
2025-03-01T10:00:09.000Z  bfd 192.0.2.1  BFD Up -> Down         control detection time expired [diag 1]
2025-03-01T10:00:09.000Z  bfd 192.0.2.1  BFD Down -> AdminDown  disabled (administratively down) [diag 7]
2025-03-01T10:00:09.000Z  web            RISING -> UP           3 checks passed in a row
`;
  const events = [bfd('Init', 'Up', 0, 'neighbor is Up'), bfd('Up', 'Down', 1, 'control detection time expired'), bfd('Down', 'AdminDown', 7, 'disabled (administratively down)'), { ...EVENTS[1]!, at }];
  assert.equal(formatEvents(events), expected);
});

test('DNS entries: the service, "DNS update in STATE" (not a command) and what the primary did', () => {
  const e = { at: '2025-03-01T10:00:10.000Z', service: 'web', kind: 'dns' as const, from: 'DOWN', to: 'DOWN', reason: 'dns: www.example.com A 192.0.2.10 deleted at the primary' };
  assert.equal(
    formatEvents([e]),
    `Time                      Service  Change              Reason
2025-03-01T10:00:10.000Z  web      DNS update in DOWN  dns: www.example.com A 192.0.2.10 deleted at the primary
`,
  );
});
