// Hooks written in the config run through ServiceRoutes' services: real
// commands, the state machine on a fake clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/index.js';
import { ServiceRoutes } from '../../src/daemon/service-routes.js';
import { FakeClock } from '../../src/util/clock.js';
import { advance, goneWithin, ManualProbe, pass, silent } from '../health/helpers/fakes.js';
import { tempDir } from '../helpers/temp-dir.js';

function setup(hookLines: string[]) {
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors: [{ address: 192.0.2.254, peer-as: 64512 }]',
      'services:',
      '  - name: web',
      '    prefixes: [192.0.2.10/32, 192.0.2.11/32]',
      '    check: { listener: { port: 80 } }',
      '    hooks:',
      ...hookLines.map((l) => `      ${l}`),
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  const clock = new FakeClock();
  const serviceRoutes = new ServiceRoutes({
    announce: [],
    services: cfg.services ?? [],
    sink: { setAnnouncements: () => undefined },
    clock,
    log: silent,
    random: () => 0,
    createProbe: () => {
      const p = new ManualProbe(clock);
      p.auto = () => pass();
      return p;
    },
  });
  return { clock, serviceRoutes };
}

test('config hooks run on transitions with SERVICE, STATE, PREVIOUS_STATE and PREFIXES, in order, without holding the state machine', async () => {
  const dir = tempDir('floatd-service-routes-hooks-');
  const log = join(dir, 'log');
  const { clock, serviceRoutes } = setup([
    `any: [/bin/sh, -c, 'sleep 0.1; echo "$SERVICE $PREVIOUS_STATE>$STATE [$PREFIXES]" >> ${log}']`,
    `up: [/bin/sh, -c, 'echo "up $STATE" >> ${log}']`,
    `disabled: [/bin/sh, -c, 'echo "disabled $STATE" >> ${log}']`,
    'timeout: 5',
  ]);
  serviceRoutes.start();
  await advance(clock, 1100);
  assert.equal(serviceRoutes.status()[0]!.state, 'UP', 'UP while the first hook still sleeps');
  const early = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
  assert.ok(early < 3, `${early} hook lines written before the state machine reached UP`);
  serviceRoutes.setMaintenance(true, 'web', 'patching');
  await serviceRoutes.idle();
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
    'web INIT>RISING [192.0.2.10/32 192.0.2.11/32]',
    'web RISING>UP [192.0.2.10/32 192.0.2.11/32]',
    'up UP',
    'web UP>DISABLED [192.0.2.10/32 192.0.2.11/32]',
    'disabled DISABLED',
  ]);
  const runs = serviceRoutes.status()[0]!.hooks;
  assert.equal(runs.length, 5);
  assert.ok(runs.every((r) => r.ok));
  serviceRoutes.stop();
  await serviceRoutes.idle();
});

test('a config hook past its timeout is killed with its process group', async () => {
  const dir = tempDir('floatd-service-routes-hooks-');
  const pidFile = join(dir, 'pid');
  const { clock, serviceRoutes } = setup([`disabled: [/bin/sh, -c, 'echo $$ > ${pidFile}; exec sleep 30']`, 'timeout: 0.5']);
  serviceRoutes.start();
  serviceRoutes.setMaintenance(true, 'web');
  const end = Date.now() + 5000;
  while (!existsSync(pidFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await advance(clock, 400);
  assert.equal(await goneWithin(pid, 100), false, 'still running before its limit');
  await advance(clock, 200);
  await serviceRoutes.idle();
  assert.ok(await goneWithin(pid, 2000), 'killed at the limit');
  const run = serviceRoutes.status()[0]!.hooks.find((h) => h.trigger === 'disabled')!;
  assert.equal(run.ok, false);
  assert.match(run.detail, /killed at the time limit/);
  serviceRoutes.stop();
  await serviceRoutes.idle();
});
