import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransportError, type TransportErrorCode, errnoOf, syscallOf } from '../../../src/bgp/transport/errors.js';

const codes: readonly TransportErrorCode[] = [
  'ERR_NATIVE_UNAVAILABLE',
  'ERR_INVALID_OPTION',
  'ERR_SOCKET_OPTION',
  'ERR_BIND_FAILED',
  'ERR_CONNECT_FAILED',
  'ERR_CONNECT_TIMEOUT',
  'ERR_CONNECT_ABORTED',
  'ERR_LISTEN_FAILED',
];

test('every TransportError has its stable code, the class name and an optional errno', () => {
  for (const code of codes) {
    const e = new TransportError(code, 'm', { errno: 'EINVAL' });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'TransportError');
    assert.equal(e.code, code);
    assert.equal(e.errno, 'EINVAL');
    assert.equal(e.message, 'm');
  }
  assert.equal(new TransportError('ERR_CONNECT_TIMEOUT', 'm').errno, undefined);
});

test('the cause is kept when given', () => {
  const cause = new Error('inner');
  assert.equal(new TransportError('ERR_CONNECT_FAILED', 'm', { cause }).cause, cause);
  assert.equal('cause' in new TransportError('ERR_CONNECT_FAILED', 'm'), false);
});

test('errno names and syscalls are read only from system-error shapes', () => {
  assert.equal(errnoOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED');
  assert.equal(errnoOf(Object.assign(new Error('x'), { code: 'ERR_SOCKET_CLOSED' })), undefined);
  assert.equal(errnoOf(null), undefined);
  assert.equal(errnoOf('EINVAL'), undefined);
  assert.equal(syscallOf(Object.assign(new Error('x'), { syscall: 'bind' })), 'bind');
  assert.equal(syscallOf(undefined), undefined);
});
