import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interfaceNameProblem, labelProblem, parseLocalAddress } from '../../src/net/address-names.js';

test('interface names: what Linux accepts, and nothing ip would read as an option', () => {
  for (const ok of ['lo', 'eth0', 'enp0s31f6', 'veth.10', 'br-lan', 'a'.repeat(15)]) assert.equal(interfaceNameProblem(ok), undefined, ok);
  for (const bad of ['', 'a'.repeat(16), 'lo:web', 'et h0', 'a/b', '-lo', '.', '..']) {
    const p = interfaceNameProblem(bad);
    assert.ok(p?.includes('is not an interface name') && p.includes('(expected'), `${bad}: ${p}`);
  }
});

test('labels start with the interface name and fit in 15 characters', () => {
  assert.equal(labelProblem('lo', 'lo:web'), undefined);
  assert.equal(labelProblem('lo', 'lo'), undefined);
  assert.equal(labelProblem('eth0', 'eth0:vip12345ab'), undefined);
  assert.equal(labelProblem('lo', 'web'), 'label "web" does not start with the interface name "lo" (expected a label such as lo:web)');
  assert.equal(labelProblem('lo', 'lo:averylongname'), 'label "lo:averylongname" is 16 characters long (expected at most 15, the kernel\'s limit)');
  assert.match(labelProblem('lo', 'lo:a b') ?? '', /contains a space/);
});

test('local addresses: host prefix by default, canonical text, host bits allowed', () => {
  assert.deepEqual(parseLocalAddress('192.0.2.10'), { family: 'ipv4', address: '192.0.2.10', length: 32, text: '192.0.2.10/32' });
  assert.deepEqual(parseLocalAddress('2001:DB8::0:10'), { family: 'ipv6', address: '2001:db8::10', length: 128, text: '2001:db8::10/128' });
  assert.deepEqual(parseLocalAddress('10.0.0.1/24'), { family: 'ipv4', address: '10.0.0.1', length: 24, text: '10.0.0.1/24' });
  for (const bad of ['192.0.2', '192.0.2.10/33', '192.0.2.10/0', '2001:db8::1/129', 'fe80::1%lo', 'lo', '192.0.2.10/x', '-v']) {
    const r = parseLocalAddress(bad);
    assert.equal(typeof r, 'string', bad);
    assert.match(r as string, /\(expected /);
  }
});
