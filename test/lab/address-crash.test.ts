// Floating addresses across a crash: a floatd killed with SIGKILL leaves its
// address on lo; the next start, with a config that no longer has that
// service, removes it before announcing anything (it was recorded as
// floatd's own), adds the new service's address, and a graceful stop then
// leaves lo as it found it. An address the operator put on lo is never
// touched.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAddrShow } from '../../src/daemon/addresses/parse-addr-show.js';
import { Floatd, type FloatdConfig } from '../../src/lab/daemons/floatd.js';
import { check, waitFor } from '../../src/lab/netns.js';
import { labTest } from './upstream-lab.js';

const config = (name: string, prefix: string): FloatdConfig => ({
  'router-id': '10.99.0.1',
  'local-as': 65001,
  // Nobody listens there: the addresses are what this test is about.
  neighbors: [{ address: '127.0.0.9', 'peer-as': 65000 }],
  services: [{ name, prefixes: [prefix], check: { exec: { command: ['/bin/true'] } }, rise: 1, address: { interface: 'lo' } }],
});

labTest('a SIGKILLed floatd\'s address is taken back by the next start: removed when no service wants it, and only floatd\'s', 'addrcrash', async (lab) => {
  const ns = await lab.namespace('i');
  const onLo = async (): Promise<string[]> =>
    parseAddrShow(await check('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'lo']), 'lo')
      .map((a) => a.prefix)
      .filter((p) => p.startsWith('192.0.2.'));
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.99/32', 'dev', 'lo']);
  const record = join(lab.dir, 'floatd.addresses.json');

  const first = Floatd.start(lab, ns, 'floatd', config('old', '192.0.2.50/32'));
  await waitFor('the first floatd to put 192.0.2.50 on lo', async () => (await onLo()).includes('192.0.2.50/32'));
  await first.process.stop('SIGKILL');
  assert.deepEqual((await onLo()).sort(), ['192.0.2.50/32', '192.0.2.99/32'], 'a killed floatd removes nothing');
  assert.match(readFileSync(record, 'utf8'), /"address": "192\.0\.2\.50"/);

  const second = Floatd.start(lab, ns, 'floatd', config('new', '192.0.2.51/32'));
  await waitFor('the second floatd to remove the leftover and add its own', async () => {
    const have = (await onLo()).sort();
    return have.join(' ') === '192.0.2.51/32 192.0.2.99/32';
  });
  assert.match(readFileSync(second.process.logFile, 'utf8'), /removed 192\.0\.2\.50 from lo: an earlier floatd added it/);
  assert.equal(await second.process.stop('SIGTERM', 10_000), 0);
  assert.deepEqual(await onLo(), ['192.0.2.99/32'], 'the operator\'s address stays');
  assert.equal(existsSync(record), false, 'after a clean stop there is no record');
});
