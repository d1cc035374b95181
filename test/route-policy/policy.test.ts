import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionFor, effectiveRole, wantedRoutes, withRole, type ServicePolicy } from '../../src/route-policy/policy.js';

const base: ServicePolicy = { prefixes: ['192.0.2.10/32'], up: { med: 100 }, down: 'withdraw', disabled: 'withdraw', failback: true };

test('by default a service is announced while serving and withdrawn otherwise', () => {
  assert.deepEqual(wantedRoutes(base, 'UP', true, false), [{ prefix: '192.0.2.10/32', attributes: { med: 100 } }]);
  assert.deepEqual(wantedRoutes(base, 'FALLING', true, false).length, 1, 'FALLING still serves until fall is reached');
  for (const s of ['DOWN', 'INIT', 'DISABLED', 'STOPPING'] as const) assert.deepEqual(wantedRoutes(base, s, false, false), [], s);
  assert.deepEqual(wantedRoutes(base, 'RISING', false, false), [], 'RISING does not serve before rise passes');
});

test('a state can announce with its own attributes instead (ExaBGP-style worse MED when down)', () => {
  const p = { ...base, down: { announce: { med: 1000 } }, disabled: { announce: { med: 500 } } };
  assert.deepEqual(actionFor(p, 'DOWN', false), { announce: { med: 1000 } });
  assert.deepEqual(actionFor(p, 'DISABLED', false), { announce: { med: 500 } });
  assert.equal(actionFor(p, 'STOPPING', false), 'withdraw', 'a stopping floatd always withdraws');
});

test('roles by prepend, MED or community', () => {
  assert.deepEqual(withRole({ prepend: 1 }, 'secondary', { kind: 'prepend' }), { prepend: 2 });
  assert.deepEqual(withRole({}, 'tertiary', { kind: 'prepend' }), { prepend: 2 });
  assert.deepEqual(withRole({ med: 10 }, 'secondary', { kind: 'med' }), { med: 110 });
  const linode = { kind: 'community' as const, communities: { primary: 0xfde80001, secondary: 0xfde80002 } };
  assert.deepEqual(withRole({}, 'primary', linode), { communities: [0xfde80001] });
  assert.deepEqual(withRole({ communities: [7] }, 'secondary', linode), { communities: [7, 0xfde80002] });
});

test('failback off: a primary that failed comes back at the lowest tier, below the secondary that took over', () => {
  const p: ServicePolicy = { ...base, role: 'primary', roleStyle: { kind: 'prepend' }, failback: false };
  assert.equal(effectiveRole(p, false), 'primary');
  assert.equal(effectiveRole(p, true), 'tertiary');
  assert.equal(effectiveRole({ ...p, role: 'secondary' }, true), 'tertiary');
  assert.deepEqual(wantedRoutes(p, 'UP', true, true)[0]?.attributes, { med: 100, prepend: 2 });
  assert.equal(effectiveRole({ ...p, failback: true }, true), 'primary');
});

test('failback off with role communities: a demoted primary sends the secondary\'s 65000:2, never a community the route servers do not know', () => {
  const linode = { kind: 'community' as const, communities: { primary: 0xfde80001, secondary: 0xfde80002, tertiary: 0xfde80003 } };
  const p: ServicePolicy = { ...base, up: {}, role: 'primary', roleStyle: linode, failback: false };
  assert.equal(effectiveRole(p, false), 'primary');
  assert.equal(effectiveRole(p, true), 'secondary');
  assert.deepEqual(wantedRoutes(p, 'UP', true, false)[0]?.attributes, { communities: [0xfde80001] });
  assert.deepEqual(wantedRoutes(p, 'UP', true, true)[0]?.attributes, { communities: [0xfde80002] });
  // A secondary stays the secondary; a tertiary chosen by the operator stays tertiary.
  assert.equal(effectiveRole({ ...p, role: 'secondary' }, true), 'secondary');
  assert.equal(effectiveRole({ ...p, role: 'tertiary' }, true), 'tertiary');
  // MED keeps going to the lowest tier, below the secondary.
  assert.equal(effectiveRole({ ...p, roleStyle: { kind: 'med' } }, true), 'tertiary');
});
