import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problemLines, problems, service, withServices } from '../helpers/service-text.js';

test('all-of and any-of: members named by kind (kind-N when a kind is there twice, or name:), nested, with their own timeouts', () => {
  const s = parse(
    withServices(
      service(
        [
          'all-of:',
          '  - http: { url: "http://127.0.0.1:8080/health" }',
          '    timeout: 0.5',
          '  - any-of:',
          '      - tcp: { host: 127.0.0.1, port: 5432 }',
          '      - tcp: { host: 127.0.0.1, port: 5433 }',
          '      - name: replica',
          '        exec: { command: [/usr/bin/pg_isready] }',
          '  - listener: { port: 8080 }',
        ],
        // The service timeout must not pass the interval.
        ['interval: 2', 'timeout: 1'],
      ),
    ),
  ).services![0]!;
  assert.deepEqual(s.check, {
    kind: 'composite',
    mode: 'all',
    probes: [
      { name: 'http', probe: { kind: 'http', host: '127.0.0.1', port: 8080, path: '/health' }, timeoutMs: 500 },
      {
        name: 'any-of',
        probe: {
          kind: 'composite',
          mode: 'any',
          probes: [
            { name: 'tcp-1', probe: { kind: 'tcp', host: '127.0.0.1', port: 5432 } },
            { name: 'tcp-2', probe: { kind: 'tcp', host: '127.0.0.1', port: 5433 } },
            { name: 'replica', probe: { kind: 'exec', command: ['/usr/bin/pg_isready'] } },
          ],
        },
      },
      { name: 'listener', probe: { kind: 'listener', port: 8080 } },
    ],
  });
});

test('bad composite checks: empty, two probes in a member, unknown keys, a name twice, a member timeout past the service timeout', () => {
  const cases: [string[], string[], string][] = [
    [['all-of: []'], [], 'services[0].check.all-of: the list is empty (expected at least one check)'],
    [['any-of: { tcp: { host: 127.0.0.1, port: 80 } }'], [], 'services[0].check.any-of: got a mapping (expected a list of checks, each a mapping with one probe)'],
    [
      ['all-of:', '  - tcp: { host: 127.0.0.1, port: 80 }', '    listener: { port: 80 }'],
      [],
      'services[0].check.all-of[0]: 2 probes given (expected exactly one of tcp, http, exec, process, listener, dns, load, all-of, any-of)',
    ],
    [
      ['all-of:', '  - tcp: { host: 127.0.0.1, port: 80 }', '    timout: 1'],
      [],
      'services[0].check.all-of[0].timout: unknown key "timout", did you mean timeout? (expected one of: tcp, http, exec, process, listener, dns, load, all-of, any-of, name, timeout)',
    ],
    [
      ['all-of:', '  - { name: db, tcp: { host: 127.0.0.1, port: 80 } }', '  - { name: db, listener: { port: 80 } }'],
      [],
      'services[0].check.all-of[1].name: db is already the name of check 1 in this list (expected each name once; give name: to one of them)',
    ],
    [
      ['all-of:', '  - { name: "no spaces", listener: { port: 80 } }'],
      [],
      'services[0].check.all-of[0].name: "no spaces" is not a check name (expected 1..63 letters, digits, ., _ and -)',
    ],
    [
      ['all-of:', '  - listener: { port: 80 }', '  - any-of:', '      - tcp: { host: 127.0.0.1, port: 80 }', '        timeout: 1.5'],
      ['timeout: 1'],
      "services[0].check.all-of[1].any-of[0].timeout: 1.5 s is longer than the service's timeout (expected at most 1 s)",
    ],
    [['any-of:', '  - tcp: { host: 127.0.0.1, port: 99999 }'], [], 'services[0].check.any-of[0].tcp.port: 99999 is out of range (expected a TCP port 1..65535)'],
  ];
  for (const [check, more, want] of cases) {
    const got = problemLines(withServices(service(check, more)));
    assert.ok(got.includes(want), `${check.join(' / ')}:\n${got.join('\n')}`);
  }
  // Reported at the member's own line: `services:` is line 9, `check:` 12, the list from 13.
  const nested = problems(withServices(service(['all-of:', '  - listener: { port: 80 }', '  - any-of:', '      - tcp: { host: 127.0.0.1, port: 0 }'])));
  assert.equal(nested[0]!.line, 16);
});
