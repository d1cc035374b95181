import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSwitch } from '../../../src/health/probes/file.js';
import { tempDir } from '../../helpers/temp-dir.js';

test('file switch: present means disabled, absent means enabled', async () => {
  const path = join(tempDir('floatd-sw-'), 'maintenance');
  const sw = new FileSwitch({ path });
  assert.equal(sw.source, `file ${path}`);
  assert.equal(await sw.read(), false);
  writeFileSync(path, '');
  assert.equal(await sw.read(), true);
  rmSync(path);
  assert.equal(await sw.read(), false);
});

test('file switch: watch reports the first reading and then each change', async () => {
  const path = join(tempDir('floatd-sw-'), 'maintenance');
  const sw = new FileSwitch({ path, pollMs: 20 });
  const seen: boolean[] = [];
  const waitFor = async (n: number) => {
    const end = Date.now() + 3000;
    while (seen.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  };
  const stop = sw.watch((on) => seen.push(on));
  await waitFor(1);
  writeFileSync(path, 'kernel upgrade');
  await waitFor(2);
  rmSync(path);
  await waitFor(3);
  stop();
  writeFileSync(path, '');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(seen, [false, true, false]);
});
