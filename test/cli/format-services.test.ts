import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatServices, PROBES_SHOWN } from '../../src/cli/format-services.js';
import type { ServicesView } from '../../src/cli/format-views.js';
import { SERVICE_DB, SERVICE_WEB } from './samples.js';

const WEB = `Service web: UP, serving
  Last change:  RISING -> UP: 3 checks passed in a row
  Draining:     no
  Checks:       rise 3, fall 2, every 2000 ms (500 ms while rising or falling), timeout 1000 ms
  Counters:     12 checks, 0 events, 1 failure, 1 timeout, 2 transitions
  Prefixes:     192.0.2.10/32 announced
                192.0.2.11/32 held back by the flap guard
  Last probes (oldest first):
    TIMEOUT   1000.4 ms  GET http://127.0.0.1:8080/health: aborted after 1000.4 ms
    FAIL         0.7 ms  GET http://127.0.0.1:8080/health: status 503
    ok           2.3 ms  GET http://127.0.0.1:8080/health: status 200
`;

const DB = `Service db: DISABLED (file /etc/floatd/db.off, operator), not serving
  Last change:  UP -> DISABLED: disabled by operator: maintenance
  Draining:     no
  Demoted:      yes (failback is off and it has gone down since it was up)
  Checks:       rise 2, fall 1, every 1000 ms (250 ms while rising or falling), timeout 500 ms
  Counters:     1 check, 0 events, 0 failures, 0 timeouts, 1 transition
  Prefixes:     198.51.100.7/32 not announced
  Last probes (oldest first):
    ok          12.0 ms  exec check-lag: exit 0
`;

test('services: state, reason, prefixes and last probes; an older answer without lastProbes and draining still prints', () => {
  assert.equal(formatServices([SERVICE_WEB, SERVICE_DB] as unknown as ServicesView), `${WEB}\n${DB}`);
  assert.equal(formatServices({ services: [SERVICE_DB] } as unknown as ServicesView), DB);
  assert.equal(formatServices([]), 'no services configured\n');
});

test('services: a draining service with no probe results yet, and only the last few probes shown', () => {
  const fresh = { ...SERVICE_WEB, state: 'INIT', serving: false, transitions: [], announced: [], held: [], prefixes: [], lastProbes: [], draining: 4000, loadMed: { load: 0.75, med: null } };
  assert.equal(
    formatServices([fresh] as unknown as ServicesView),
    `Service web: INIT (draining), not serving
  Draining:     yes
  Load MED:     load 0.75, MED -
  Checks:       rise 3, fall 2, every 2000 ms (500 ms while rising or falling), timeout 1000 ms
  Counters:     12 checks, 0 events, 1 failure, 1 timeout, 2 transitions
  Prefixes:     -
  Last probes: none yet
`,
  );
  const many = Array.from({ length: 12 }, (_, i) => ({ ok: true, durationMs: i, timedOut: false, detail: `probe ${i}`, atMs: i }));
  const out = formatServices([{ ...SERVICE_WEB, lastProbes: many }] as unknown as ServicesView);
  const shown = out.split('\n').filter((l) => l.includes('probe '));
  assert.equal(shown.length, PROBES_SHOWN);
  assert.equal(shown[0], `    ok${' '.repeat(11)}7.0 ms  probe 7`);
  assert.equal(shown.at(-1), `    ok${' '.repeat(10)}11.0 ms  probe 11`);
});

test('services: a service with dns records and no prefixes shows each record, its state and the last answer', () => {
  const at = '2024-05-01T10:00:00.000Z';
  const dns = [
    { name: 'www.example.com', address: '192.0.2.10', ttl: 30, type: 'A', want: 'present', state: 'present', attempts: 0, last: { op: 'add', ok: true, ms: 4.1, at } },
    { name: 'www.example.com', address: '2001:db8::10', ttl: 30, type: 'AAAA', want: 'absent', state: 'retrying', attempts: 3, last: { op: 'delete', ok: false, code: 'REFUSED', message: 'refused', ms: 1.2, at } },
    { name: 'api.example.com', address: '192.0.2.11', ttl: 30, type: 'A', want: 'present', state: 'unknown', attempts: 0, last: null },
  ];
  const text = formatServices([{ ...SERVICE_DB, prefixes: [], announced: [], held: [], dns }] as unknown as ServicesView);
  assert.match(
    text,
    new RegExp(
      [
        '  DNS:          www\\.example\\.com A 192\\.0\\.2\\.10 ttl 30: present \\(add ok 4\\.1 ms\\)',
        '                www\\.example\\.com AAAA 2001:db8::10 ttl 30: retrying \\(delete failed: REFUSED 1\\.2 ms, try 3\\)',
        '                api\\.example\\.com A 192\\.0\\.2\\.11 ttl 30: unknown \\(no answer yet\\)',
      ].join('\n'),
    ),
  );
  assert.doesNotMatch(text, /Prefixes/);
});
