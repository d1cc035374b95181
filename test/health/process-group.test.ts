// The command runner under exec checks and hooks (native/spawn.c through
// src/health/process-group.ts), against real programs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpawnAddon, runInGroup } from '../../src/health/process-group.js';
import { goneWithin } from './helpers/fakes.js';
import { tempDir } from '../helpers/temp-dir.js';

const never = (): AbortSignal => new AbortController().signal;

test('runs with the inherited environment plus extras, in the given folder, stdin empty, output interleaved', async () => {
  const dir = tempDir('floatd-run-');
  const r = await runInGroup(
    { file: '/bin/sh', args: ['-c', 'echo "$EXTRA $HOME"; pwd; cat; echo err >&2; exit 3'], env: { EXTRA: 'x1' }, cwd: dir },
    never(),
    4096,
  );
  assert.equal(r.code, 3);
  assert.equal(r.signal, null);
  assert.equal(r.aborted, false);
  assert.equal(r.output, `x1 ${process.env['HOME'] ?? ''}\n${dir}\nerr\n`);
  assert.ok(r.pid !== undefined && r.pid > 0);
});

test('a program without a slash is found on the PATH the command gets', async () => {
  const dir = tempDir('floatd-run-');
  writeFileSync(join(dir, 'floatd-test-tool'), '#!/bin/sh\necho found\n');
  chmodSync(join(dir, 'floatd-test-tool'), 0o755);
  const r = await runInGroup({ file: 'floatd-test-tool', args: [], env: { PATH: `${dir}:/usr/bin:/bin` } }, never(), 100);
  assert.deepEqual([r.code, r.output], [0, 'found\n']);
  const missing = await runInGroup({ file: 'floatd-test-tool', args: [] }, never(), 100);
  assert.equal(missing.code, null);
  assert.match(missing.spawnError ?? '', /^floatd-test-tool: ENOENT: No such file or directory$/);
  writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\n');
  const denied = await runInGroup({ file: join(dir, 'not-executable'), args: [] }, never(), 100);
  assert.match(denied.spawnError ?? '', /EACCES: Permission denied$/);
});

test('like execvp: relative PATH entries are taken from the command\'s folder, and a script without #! runs with /bin/sh', async () => {
  const dir = tempDir('floatd-run-');
  mkdirSync(join(dir, 'sub', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'bin', 'tool'), '#!/bin/sh\necho tool-in-cwd\n');
  chmodSync(join(dir, 'sub', 'bin', 'tool'), 0o755);
  const r = await runInGroup({ file: 'tool', args: [], env: { PATH: 'bin:/usr/bin:/bin' }, cwd: join(dir, 'sub') }, never(), 100);
  assert.deepEqual([r.code, r.output], [0, 'tool-in-cwd\n']);
  writeFileSync(join(dir, 'plain'), 'echo "plain $1"\n');
  chmodSync(join(dir, 'plain'), 0o755);
  const plain = await runInGroup({ file: join(dir, 'plain'), args: ['arg'] }, never(), 100);
  assert.deepEqual([plain.code, plain.output], [0, 'plain arg\n']);
});

test('a NUL inside an argument is refused, not cut short', async () => {
  const r = await runInGroup({ file: '/bin/echo', args: ['a\0b'] }, never(), 100);
  assert.equal(r.code, null);
  assert.match(r.spawnError ?? '', /^\/bin\/echo: file, args and env must be strings without NUL characters$/);
});

test('a command still running when floatd exits is killed with its group', async () => {
  const dir = tempDir('floatd-run-');
  const pidFile = join(dir, 'pid');
  const script = [
    `import { runInGroup } from ${JSON.stringify(new URL('../../src/health/process-group.js', import.meta.url).href)};`,
    `void runInGroup({ file: '/bin/sh', args: ['-c', 'echo $$ > ${pidFile}; exec sleep 30'] }, new AbortController().signal, 10);`,
    `const t = setInterval(async () => { const fs = await import('node:fs'); if (fs.existsSync(${JSON.stringify(pidFile)})) { clearInterval(t); process.exit(0); } }, 10);`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
  assert.equal(child.status, 0, String(child.stderr));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  assert.ok(await goneWithin(pid, 2000), 'the sleep went with the process that started it');
});

test('signals get their names; ignored signals are not inherited (SIGPIPE is ignored in Node)', async () => {
  const killed = await runInGroup({ file: '/bin/sh', args: ['-c', 'kill -TERM $$'] }, never(), 100);
  assert.deepEqual([killed.code, killed.signal], [null, 'SIGTERM']);
  // yes(1) writing into a closed pipe dies of SIGPIPE only when SIGPIPE is at its default.
  const status = await runInGroup({ file: '/bin/bash', args: ['-c', 'yes | head -c 1 >/dev/null; echo ${PIPESTATUS[0]}'] }, never(), 200);
  assert.equal(status.output.trim(), String(128 + 13), 'yes ended by SIGPIPE (13)');
});

test('a process that leaves the group and keeps the output open does not hold the result, and goes with the command', async () => {
  const dir = tempDir('floatd-run-');
  const pidFile = join(dir, 'pid');
  const r = await runInGroup({ file: '/bin/sh', args: ['-c', `setsid sleep 30 & echo $! > ${pidFile}; echo done`] }, never(), 100);
  assert.equal(r.code, 0);
  assert.equal(r.output, 'done\n');
  const escaped = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(escaped > 0);
  assert.ok(await goneWithin(escaped, 2000));
});

test('abort kills the group and says so; an abort after the exit changes nothing', async () => {
  const ac = new AbortController();
  const running = runInGroup({ file: '/bin/sleep', args: ['30'] }, ac.signal, 100);
  setTimeout(() => ac.abort(), 100);
  const r = await running;
  assert.deepEqual([r.aborted, r.code, r.signal], [true, null, 'SIGKILL']);
  const late = new AbortController();
  const ok = await runInGroup({ file: '/bin/true', args: [] }, late.signal, 100);
  late.abort();
  assert.deepEqual([ok.aborted, ok.code], [false, 0]);
  const before = new AbortController();
  before.abort();
  assert.equal((await runInGroup({ file: '/bin/true', args: [] }, before.signal, 100)).aborted, true);
});

test('a missing addon is a clear error naming the file and how to build it', () => {
  assert.throws(
    () => loadSpawnAddon('/nonexistent/floatd_spawn.node'),
    /^Error: checks and hooks that run commands need the native addon \/nonexistent\/floatd_spawn\.node, which could not be loaded \(.*\)\. It is built by `npm install`/,
  );
});
