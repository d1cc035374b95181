import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, service, withServices } from '../helpers/service-text.js';

test('a tcp check maps onto a probe spec', () => {
  const line = 'tcp: { host: 127.0.0.1, port: 5432 }';
  assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, { kind: 'tcp', host: '127.0.0.1', port: 5432 }, line);
});
