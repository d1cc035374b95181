import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/index.js';

const parse = (neighbors: string[], tail: string[] = []) =>
  parseConfigText(['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', ...neighbors.map((n) => `  - ${n}`), ...tail, ''].join('\n'), 'floatd.yaml', { env: {}, hostname: 'h' });

test('a passive neighbor without a listen section is valid and implies listening on port 179', () => {
  assert.deepEqual(parse(['{address: 192.0.2.254, peer-as: 64512, passive: true}']).listen, { address: '0.0.0.0', port: 179 });
  assert.deepEqual(parse(['{address: "2001:db8::1", peer-as: 64512, passive: true}']).listen, { address: '::', port: 179 });
});

test('the implied listener binds the passive neighbor local-address when given', () => {
  assert.deepEqual(parse(['{address: 192.0.2.254, peer-as: 64512, passive: true, local-address: 192.0.2.1}']).listen, { address: '192.0.2.1', port: 179 });
});

test('passive neighbors of both families, or on different local addresses, share the :: wildcard', () => {
  assert.deepEqual(parse(['{address: 192.0.2.254, peer-as: 64512, passive: true}', '{address: "2001:db8::1", peer-as: 64512, passive: true}']).listen, { address: '::', port: 179 });
  assert.deepEqual(
    parse(['{address: 192.0.2.254, peer-as: 64512, passive: true, local-address: 192.0.2.1}', '{address: 192.0.2.253, peer-as: 64512, passive: true, local-address: 192.0.2.2}']).listen,
    { address: '::', port: 179 },
  );
});

test('an explicit listen section wins; no passive neighbor, no listener', () => {
  assert.deepEqual(parse(['{address: 192.0.2.254, peer-as: 64512, passive: true}'], ['listen: {address: 192.0.2.1, port: 1179}']).listen, { address: '192.0.2.1', port: 1179 });
  assert.equal(parse(['{address: 192.0.2.254, peer-as: 64512}']).listen, undefined);
});
