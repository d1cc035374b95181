import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecProbe } from '../../../src/health/probes/exec.js';
import { runWithTimeout } from '../../../src/health/run-with-timeout.js';
import { realClock } from '../../../src/util/clock.js';
import { goneWithin } from '../helpers/fakes.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = (p: ExecProbe) => p.run(new AbortController().signal);
const tmp = () => tempDir('floatd-exec-');

test('exec: exit 0 is healthy, anything else is not', async () => {
  const ok = await run(new ExecProbe({ kind: 'exec', command: ['true'] }));
  assert.equal(ok.ok, true);
  assert.equal(ok.detail, 'exec true: exit 0');
  const bad = await run(new ExecProbe({ kind: 'exec', command: ['sh', '-c', 'echo nope >&2; exit 3'] }));
  assert.equal(bad.ok, false);
  assert.equal(bad.detail, 'exec sh -c echo nope >&2; exit 3: exit 3');
  assert.equal(bad.output, 'nope\n');
});

test('exec: argv runs without a shell, so metacharacters are plain arguments', async () => {
  const r = await run(new ExecProbe({ kind: 'exec', command: ['echo', '$HOME', '|', 'false'] }));
  assert.equal(r.ok, true);
  assert.equal(r.output, '$HOME | false\n');
});

test('exec: shell mode runs a string via /bin/sh -c, with extra environment', async () => {
  const r = await run(new ExecProbe({ kind: 'exec', shell: true, command: 'test "$FLOATD_X" = yes && echo "$PATH" | grep -q /', env: { FLOATD_X: 'yes' } }));
  assert.equal(r.ok, true, r.detail);
});

test('exec: a missing program fails with the reason', async () => {
  const r = await run(new ExecProbe({ kind: 'exec', command: ['/nonexistent/check'] }));
  assert.equal(r.ok, false);
  assert.match(r.detail, /ENOENT/);
});

test('exec: a signal ending the command fails', async () => {
  const r = await run(new ExecProbe({ kind: 'exec', shell: true, command: 'kill -TERM $$' }));
  assert.equal(r.ok, false);
  assert.match(r.detail, /ended by SIGTERM/);
});

test('exec: only the last 2 KB of output are kept', async () => {
  const r = await run(new ExecProbe({ kind: 'exec', shell: true, command: 'i=0; while [ $i -lt 300 ]; do printf "line %04d xxxxxxxxx\\n" $i; i=$((i+1)); done' }));
  assert.equal(r.ok, true);
  assert.equal(Buffer.byteLength(r.output!), 2048);
  assert.ok(r.output!.endsWith('line 0299 xxxxxxxxx\n'));
});

test('exec: a real sleep 100 is killed at the timeout with its whole process group', async () => {
  const dir = tmp();
  const pids = join(dir, 'pids');
  const probe = new ExecProbe({ kind: 'exec', shell: true, command: `echo $$ > ${pids}; sleep 100 & echo $! >> ${pids}; echo waiting; sleep 100` });
  const t0 = Date.now();
  // A generous grace: on a loaded machine the killed shell's exit may take a moment to be reaped.
  const r = await runWithTimeout(probe, { clock: realClock, timeoutMs: 300, graceMs: 2000 });
  const took = Date.now() - t0;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.detail, /^timed out after 300 ms; exec .*: killed at the time limit/);
  assert.equal(r.output, 'waiting\n', 'output kept from the aborted run');
  assert.ok(took < 5000, `returned after ${took} ms`);
  const [pgid, background] = readFileSync(pids, 'utf8').trim().split('\n').map(Number) as [number, number];
  assert.ok(await goneWithin(-pgid, 2000), 'process group gone');
  assert.ok(await goneWithin(background, 2000), 'background sleep gone');
});

test('exec: what a passing check leaves running in its group is killed, and does not hold the result', async () => {
  const dir = tmp();
  const pids = join(dir, 'pids');
  const t0 = Date.now();
  const r = await run(new ExecProbe({ kind: 'exec', shell: true, command: `sleep 100 & echo $! > ${pids}; exit 0` }));
  assert.equal(r.ok, true);
  assert.ok(Date.now() - t0 < 5000);
  const leftover = Number(readFileSync(pids, 'utf8').trim());
  assert.ok(await goneWithin(leftover, 2000), 'leftover sleep killed');
});
