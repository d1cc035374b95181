import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problems, service, withServices } from '../helpers/service-text.js';

test('http body-regex and servername; a bad pattern is refused at its line', () => {
  const s = parse(withServices(service(['http: { url: "https://192.0.2.5/ready", body-regex: "^ok( |$)", servername: svc.example }']))).services![0]!;
  assert.deepEqual(s.check, { kind: 'https', host: '192.0.2.5', path: '/ready', bodyRegex: '^ok( |$)', servername: 'svc.example' });
  const p = problems(withServices(service(['http: { url: "http://127.0.0.1/", body-regex: "(" }'])));
  assert.equal(p[0]!.path, 'services[0].check.http.body-regex');
  assert.equal(p[0]!.line, 13);
  assert.match(p[0]!.message, /^"\(" is not a valid pattern: .* \(expected a JavaScript regular expression\)$/);
});

test('https URL, IPv6 host, headers and insecure', () => {
  const s = parse(withServices(service(['http: { url: "https://[2001:db8::5]/", headers: { X-Check: floatd }, insecure: true }'])))
    .services![0]!;
  assert.deepEqual(s.check, { kind: 'https', host: '2001:db8::5', path: '/', headers: { 'X-Check': 'floatd' }, insecure: true });
});

test('bad http values: URL scheme, credentials in the URL, a status out of range', () => {
  const cases: [string, RegExp][] = [
    ['http: { url: "ftp://127.0.0.1/" }', /ftp: is not supported/],
    ['http: { url: "http://u:p@127.0.0.1/" }', /credentials in the URL/],
    ['http: { url: "http://127.0.0.1/", expect-status: [700] }', /700 is not a status/],
  ];
  for (const [line, match] of cases) {
    const p = problems(withServices(service([line])));
    assert.ok(p.some((x) => x.line === 13 && match.test(x.message)), `${line}: ${JSON.stringify(p)}`);
  }
});
