import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseProcStat, ProcessProbe } from '../../../src/health/probes/process.js';
import type { ProbeResult } from '../../../src/health/probe-result.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = (p: ProcessProbe) => p.run(new AbortController().signal);
const tmp = () => tempDir('floatd-proc-');

function sleeper() {
  const child = spawn('sleep', ['100'], { stdio: 'ignore' });
  return child;
}

test('/proc/<pid>/stat: state and start time, with a command name full of spaces and parentheses', () => {
  const fields = ['S', '1', '1234', '1234', '0', '-1', '4194560', '100', '0', '0', '0', '3', '1', '0', '0', '20', '0', '1', '0', '987654', '1000'];
  assert.deepEqual(parseProcStat(`1234 (my (odd) name) ${fields.join(' ')}`), { state: 'S', startTime: '987654' });
  assert.equal(parseProcStat('1234 (x) S 1'), undefined);
});

test('process: a live pid passes; a pid file is followed; a dead or missing one fails', async () => {
  const child = sleeper();
  const pid = child.pid!;
  assert.equal((await run(new ProcessProbe({ kind: 'process', pid }))).ok, true);
  const dir = tmp();
  const pidFile = join(dir, 'svc.pid');
  writeFileSync(pidFile, `${pid}\n`);
  const viaFile = await run(new ProcessProbe({ kind: 'process', pidFile }));
  assert.equal(viaFile.ok, true);
  assert.equal(viaFile.detail, `pid file ${pidFile}: pid ${pid} running`);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const dead = await run(new ProcessProbe({ kind: 'process', pidFile }));
  assert.equal(dead.ok, false);
  assert.match(dead.detail, new RegExp(`pid ${pid} (is gone|has exited)`));
  const missing = await run(new ProcessProbe({ kind: 'process', pidFile: join(dir, 'none.pid') }));
  assert.match(missing.detail, /ENOENT/);
  writeFileSync(pidFile, 'hello');
  assert.match((await run(new ProcessProbe({ kind: 'process', pidFile }))).detail, /not a pid/);
});

test('process: the watcher sees a real child die (latency printed)', async () => {
  const child = sleeper();
  const pidFile = join(tmp(), 'svc.pid');
  writeFileSync(pidFile, String(child.pid));
  const probe = new ProcessProbe({ kind: 'process', pidFile });
  const changes: { r: ProbeResult; at: number }[] = [];
  const stop = probe.watch((r) => changes.push({ r, at: performance.now() }));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(changes.length, 0, 'no report while nothing changes');
  const killedAt = performance.now();
  child.kill('SIGKILL');
  const end = killedAt + 5000;
  while (changes.length === 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 2));
  stop();
  assert.equal(changes.length, 1);
  assert.equal(changes[0]!.r.ok, false);
  const latency = changes[0]!.at - killedAt;
  console.log(`process probe: death of pid ${child.pid} seen after ${latency.toFixed(1)} ms (poll 50 ms)`);
  assert.ok(latency < 2000, `${latency} ms`);
});

test('process: the watcher follows a restarted service through its pid file', async () => {
  const first = sleeper();
  const pidFile = join(tmp(), 'svc.pid');
  writeFileSync(pidFile, String(first.pid));
  const probe = new ProcessProbe({ kind: 'process', pidFile, pollMs: 20 });
  const seen: boolean[] = [];
  const stop = probe.watch((r) => seen.push(r.ok));
  await new Promise((r) => setTimeout(r, 60));
  first.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 150));
  const second = sleeper();
  writeFileSync(pidFile, String(second.pid));
  await new Promise((r) => setTimeout(r, 150));
  stop();
  second.kill('SIGKILL');
  assert.deepEqual(seen, [false, true]);
});

test('process: unit mode asks systemctl is-active (a stand-in script here; CI has no systemd)', async () => {
  const dir = tmp();
  const state = join(dir, 'state');
  const systemctl = join(dir, 'systemctl');
  writeFileSync(systemctl, `#!/bin/sh\n[ "$1" = is-active ] || exit 9\ns=$(cat ${state}); echo "$s"; [ "$s" = active ]\n`);
  chmodSync(systemctl, 0o755);
  writeFileSync(state, 'active');
  const probe = new ProcessProbe({ kind: 'process', unit: 'nginx.service', pollMs: 30 }, { systemctl });
  const ok = await run(probe);
  assert.deepEqual([ok.ok, ok.detail], [true, 'unit nginx.service: active']);
  const seen: ProbeResult[] = [];
  const stop = probe.watch((r) => seen.push(r));
  await new Promise((r) => setTimeout(r, 150));
  writeFileSync(state, 'failed');
  const end = Date.now() + 3000;
  while (seen.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  stop();
  assert.equal(seen[0]?.ok, false);
  assert.equal(seen[0]?.detail, 'unit nginx.service: failed');
  const none = await run(new ProcessProbe({ kind: 'process', unit: 'x' }, { systemctl: join(dir, 'missing') }));
  assert.equal(none.ok, false);
  assert.match(none.detail, /ENOENT/);
});
