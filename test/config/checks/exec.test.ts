import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, problems, service, withServices } from '../helpers/service-text.js';

test('an exec check maps onto a probe spec', () => {
  const line = 'exec: { command: [/usr/bin/pg_isready, -q] }';
  assert.deepEqual(parse(withServices(service([line]))).services![0]!.check, { kind: 'exec', command: ['/usr/bin/pg_isready', '-q'] }, line);
});

test('an exec check with an empty command is refused at its line', () => {
  const line = 'exec: { command: [] }';
  const p = problems(withServices(service([line])));
  assert.ok(p.some((x) => x.line === 13 && /the list is empty/.test(x.message)), `${line}: ${JSON.stringify(p)}`);
});
