// Regression: a BGP password given with password-env stayed in floatd's
// environment, so every exec check and hook inherited it (a check printing
// its environment put it into `floatd services`). Now it leaves process.env
// when the config is read, and a reload finds it where the Secret is kept.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/index.js';
import { passwordFromEnv } from '../../src/config/secret.js';
import { Cleanup, FLOATD_AS, RECEIVER_AS, freePort, tempDir, TestDaemon, waitFor } from '../daemon/helpers/harness.js';
import { tempDir as scratchDir } from '../helpers/temp-dir.js';

const VAR = `FLOATD_TEST_MD5_${process.pid}`;
const PASSWORD = 'md5-pw-Not-For-Checks';

const configText = (name: string): string =>
  ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', `    password-env: ${name}`, ''].join('\n');

test('password-env is taken out of process.env when read, and a second reading (a reload) still gets it', () => {
  process.env[VAR] = PASSWORD;
  const first = parseConfigText(configText(VAR), 'f.yaml').neighbors[0]!;
  assert.equal(first.password!.reveal(), PASSWORD);
  assert.equal(process.env[VAR], undefined, 'gone from the environment children inherit');
  const again = parseConfigText(configText(VAR), 'f.yaml').neighbors[0]!;
  assert.ok(again.password!.equals(first.password!));
  // An environment given explicitly (floatd check, tests) is read and left as it is.
  const env = { OTHER: 'x' };
  assert.equal(passwordFromEnv(env, 'OTHER'), 'x');
  assert.deepEqual(env, { OTHER: 'x' });
  // A variable never set is still an error.
  assert.throws(() => parseConfigText(configText(`${VAR}_UNSET`), 'f.yaml'), /environment variable FLOATD_TEST_MD5_\d+_UNSET is not set/);
});

test('a password-env password does not reach exec checks and hooks, before or after a reload', { timeout: 40_000 }, async () => {
  const c = new Cleanup();
  const name = `${VAR}_DAEMON`;
  process.env[name] = PASSWORD;
  try {
    // Hooks may still run while the daemon stops: their output goes to a folder removed at exit.
    const dir = scratchDir('floatd-pwenv-');
    const local = '127.77.21.1';
    // Nothing listens there: the session only tries to connect, over loopback.
    const port = await freePort('127.77.21.2');
    const config = (tag: number) => ({
      'router-id': local,
      'local-as': FLOATD_AS,
      neighbors: [{ address: '127.77.21.2', 'peer-as': RECEIVER_AS, port, 'local-address': local, 'password-env': name, 'connect-retry': 1 }],
      services: [
        {
          name: 'web',
          prefixes: ['203.0.113.21/32'],
          check: { exec: { command: ['/bin/sh', '-c', `env > ${join(dir, `check-${tag}.new`)} && mv ${join(dir, `check-${tag}.new`)} ${join(dir, `check-${tag}`)}`] } },
          hooks: { any: ['/bin/sh', '-c', `env > ${join(dir, `hook-${tag}.new`)} && mv ${join(dir, `hook-${tag}.new`)} ${join(dir, `hook-${tag}`)}`] },
          interval: 0.5,
          timeout: 0.5,
          'fast-interval': 0.1,
          rise: 1,
        },
      ],
    });
    const d = await TestDaemon.start(c, tempDir(c), config(10));
    await waitFor('the check and the hook to have run', () => existsSync(join(dir, 'check-10')) && existsSync(join(dir, 'hook-10')));
    for (const f of ['check-10', 'hook-10']) {
      const env = readFileSync(join(dir, f), 'utf8');
      assert.match(env, /^PATH=/m, `${f} holds an environment`);
      assert.ok(!env.includes(PASSWORD), `${f} does not hold the password`);
      assert.ok(!env.includes(name), `${f} does not hold the variable`);
    }

    d.rewrite(config(20));
    const r = await d.daemon.reload();
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.ok(!r.changes.some((ch) => ch.includes('127.77.21.2')), `the neighbor and its password are unchanged: ${r.changes.join('; ')}`);
    await waitFor('the check to run with the reloaded config', () => existsSync(join(dir, 'check-20')));
    assert.ok(!readFileSync(join(dir, 'check-20'), 'utf8').includes(PASSWORD));
  } finally {
    delete process.env[name];
    await c.run();
  }
});
