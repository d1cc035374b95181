import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemoUsageError, INSTANCES, SCENARIOS, instanceAt, selectScenarios } from '../../src/demo/story.js';
import { DEMO_HELP } from '../../src/demo/run-demo.js';

test('the whole story runs every scenario once, in order, active-active configs before the roles', () => {
  const names = selectScenarios(undefined).map((s) => s.name);
  assert.deepEqual(names, ['active-active', 'primary-secondary', 'failover', 'failback', 'drain', 'kill', 'freeze-no-bfd', 'freeze', 'flap']);
  const firstRoles = SCENARIOS.findIndex((s) => s.phase === 'roles');
  assert.ok(SCENARIOS.slice(0, firstRoles).every((s) => s.phase === 'active-active'));
  assert.ok(SCENARIOS.slice(firstRoles).every((s) => s.phase === 'roles'));
  // The freeze without BFD comes first, so the one with BFD can compare.
  assert.equal(SCENARIOS.find((s) => s.name === 'freeze-no-bfd')?.bfdOff, 'inst-1');
  assert.ok(SCENARIOS.every((s) => s.name === 'freeze-no-bfd' || s.bfdOff === undefined));
});

test('--scenario picks one by name; an unknown name lists the known ones', () => {
  assert.deepEqual(
    selectScenarios('freeze').map((s) => s.name),
    ['freeze'],
  );
  assert.throws(
    () => selectScenarios('meltdown'),
    (e: unknown) => e instanceof DemoUsageError && e.code === 'ERR_DEMO_USAGE' && /"meltdown".*active-active, .*flap/.test(e.message),
  );
});

test('each instance has its own loopback address and role; the help text names every scenario', () => {
  assert.equal(new Set(INSTANCES.map((i) => i.address)).size, INSTANCES.length);
  assert.deepEqual(
    INSTANCES.map((i) => i.role),
    ['primary', 'secondary', 'tertiary'],
  );
  assert.equal(instanceAt('127.0.0.3')?.name, 'inst-2');
  assert.equal(instanceAt('127.0.0.9'), undefined);
  for (const s of SCENARIOS) assert.match(DEMO_HELP, new RegExp(`^  ${s.name} `, 'm'));
});
