import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDrain, formatMaintenance, formatReload } from '../../src/cli/format-commands.js';

test('maintenance and drain name the services affected', () => {
  assert.equal(formatMaintenance(true, { services: ['web', 'db'] }), 'in maintenance: web, db\n');
  assert.equal(formatMaintenance(false, { services: ['web'] }), 'back in service: web\n');
  assert.equal(formatMaintenance(true, { services: [] }), 'in maintenance: no services\n');
  assert.equal(formatDrain({ services: ['web'] }), 'drained and withdrawn: web\n');
});

test('reload prints each change, or why the new config was refused', () => {
  assert.deepEqual(formatReload({ ok: true, changes: [] }), { ok: true, text: 'reloaded: nothing changed\n' });
  assert.deepEqual(formatReload({ ok: true, changes: ['service api added', 'neighbor 192.0.2.1 reset: hold-time 90 -> 30'] }), {
    ok: true,
    text: 'reloaded:\n  service api added\n  neighbor 192.0.2.1 reset: hold-time 90 -> 30\n',
  });
  assert.deepEqual(formatReload({ ok: false, changes: [], error: 'neighbors[0].peer-as: expected an AS number' }), {
    ok: false,
    text: 'reload refused, the running config stays: neighbors[0].peer-as: expected an AS number\n',
  });
  assert.deepEqual(formatReload({ ok: false, changes: [], error: '/etc/floatd.yaml:3:1: a: bad\n/etc/floatd.yaml:9:5: b: worse\n' }), {
    ok: false,
    text: 'reload refused, the running config stays:\n  /etc/floatd.yaml:3:1: a: bad\n  /etc/floatd.yaml:9:5: b: worse\n',
  });
});
