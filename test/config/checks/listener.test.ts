import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, service, withServices } from '../helpers/service-text.js';

test('listener checks, with and without an address, map onto probe specs', () => {
  const kinds: [string, unknown][] = [
    ['listener: { port: 443 }', { kind: 'listener', port: 443 }],
    ['listener: { port: 53, address: "::1" }', { kind: 'listener', port: 53, address: '::1' }],
  ];
  for (const [line, spec] of kinds) assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, spec, line);
});
