import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problemLines, problems, service, withServices } from '../helpers/service-text.js';

test('dns checks map onto probe specs', () => {
  const kinds: [string, unknown][] = [
    ['dns: { name: www.example.org, server: 192.0.2.53 }', { kind: 'dns', name: 'www.example.org', server: '192.0.2.53', type: 'A' }],
    [
      'dns: { name: www.example.org, server: "2001:db8::53", port: 5353, type: AAAA, expect: ["2001:db8:0::10"] }',
      { kind: 'dns', name: 'www.example.org', server: '2001:db8::53', port: 5353, type: 'AAAA', expect: ['2001:db8::10'] },
    ],
  ];
  for (const [line, spec] of kinds) assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, spec, line);
});

test('bad dns checks name the key and what is expected', () => {
  const cases: [string, string][] = [
    ['dns: { server: 192.0.2.53 }', 'services[0].check.dns.name: missing (expected a domain name)'],
    ['dns: { name: "a b", server: 192.0.2.53 }', 'services[0].check.dns.name: "a b" is not a domain name (expected a domain name of 1..253 bytes without spaces)'],
    ['dns: { name: a.test, server: 0.0.0.0 }', "services[0].check.dns.server: 0.0.0.0 is the unspecified address (expected the resolver's IPv4 or IPv6 address)"],
    ['dns: { name: a.test, server: 192.0.2.53, type: MX }', 'services[0].check.dns.type: "MX" is not allowed (expected one of A, AAAA)'],
    ['dns: { name: a.test, server: 192.0.2.53, expect: ["2001:db8::1"] }', 'services[0].check.dns.expect[0]: 2001:db8::1 cannot be in an answer of type A (expected IPv4 addresses, or type AAAA)'],
  ];
  for (const [line, want] of cases) {
    const got = problemLines(withServices(service([line])));
    assert.ok(got.includes(want), `${line}:\n${got.join('\n')}`);
    assert.ok(problems(withServices(service([line]))).every((x) => x.line === 13), `${line}: reported at its line`);
  }
});
