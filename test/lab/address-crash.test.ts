// Floating addresses across a crash: a floatd killed with SIGKILL leaves its
// addresses on lo; the next start removes, before announcing anything, those
// it recorded as its own that no service keeps in place (a service gone from
// the config, a remove-when-down service that is down), adds the new
// service's address, and a graceful stop then leaves lo as it found it. An
// address the operator put on lo is never touched.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAddrShow } from '../../src/daemon/addresses/parse-addr-show.js';
import { Floatd, type FloatdConfig } from '../../lab/daemons/floatd.js';
import { check, waitFor } from '../../lab/netns.js';
import { labTest } from './upstream-lab.js';

const service = (name: string, prefix: string, healthy: boolean, removeWhenDown = false) => ({
  name,
  prefixes: [prefix],
  check: { exec: { command: [healthy ? '/bin/true' : '/bin/false'] } },
  rise: 1,
  address: { interface: 'lo', ...(removeWhenDown ? { 'remove-when-down': true } : {}) },
});
const config = (...services: ReturnType<typeof service>[]): FloatdConfig => ({
  'router-id': '10.99.0.1',
  'local-as': 65001,
  // Nobody listens there: the addresses are what this test is about.
  neighbors: [{ address: '127.0.0.9', 'peer-as': 65000 }],
  services,
});

labTest('a SIGKILLed floatd\'s address is taken back by the next start: removed when no service wants it, and only floatd\'s', 'addrcrash', async (lab) => {
  const ns = await lab.namespace('i');
  const onLo = async (): Promise<string[]> =>
    parseAddrShow(await check('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'lo']), 'lo')
      .map((a) => a.prefix)
      .filter((p) => p.startsWith('192.0.2.'));
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.99/32', 'dev', 'lo']);
  const record = join(lab.dir, 'floatd.addresses.json');

  const first = Floatd.start(lab, ns, 'floatd', config(service('old', '192.0.2.50/32', true), service('rwd', '192.0.2.52/32', true, true)));
  await waitFor('the first floatd to put 192.0.2.50 and .52 on lo', async () => {
    const have = await onLo();
    return have.includes('192.0.2.50/32') && have.includes('192.0.2.52/32');
  });
  await first.process.stop('SIGKILL');
  assert.deepEqual((await onLo()).sort(), ['192.0.2.50/32', '192.0.2.52/32', '192.0.2.99/32'], 'a killed floatd removes nothing');
  assert.match(readFileSync(record, 'utf8'), /"address": "192\.0\.2\.50"/);

  // .50's service is gone; .52's is still there with remove-when-down but now fails its check.
  // The allow list covers .50: a leftover is released only inside configured or allowed prefixes.
  const second = Floatd.start(lab, ns, 'floatd', { ...config(service('new', '192.0.2.51/32', true), service('rwd', '192.0.2.52/32', false, true)), allow: ['192.0.2.48/29'] });
  await waitFor('the second floatd to remove the leftovers and add its own', async () => {
    const have = (await onLo()).sort();
    return have.join(' ') === '192.0.2.51/32 192.0.2.99/32';
  });
  const log = readFileSync(second.process.logFile, 'utf8');
  assert.match(log, /removed 192\.0\.2\.50 from lo: an earlier floatd added it/);
  assert.match(log, /removed 192\.0\.2\.52 from lo: an earlier floatd added it/);
  assert.equal(await second.process.stop('SIGTERM', 10_000), 0);
  assert.deepEqual(await onLo(), ['192.0.2.99/32'], 'the operator\'s address stays');
  assert.equal(existsSync(record), false, 'after a clean stop there is no record');
});
