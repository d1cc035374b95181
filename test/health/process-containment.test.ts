// What a check or hook command gets from floatd and what it may leave behind:
// no capabilities, no inherited descriptors, no process outliving its run.
// Each test is a regression test for a way a command once got more.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, runInGroup, type Containment } from '../../src/health/process-group.js';
import type { Probe } from '../../src/health/probe-result.js';
import { runWithTimeout } from '../../src/health/run-with-timeout.js';
import { realClock } from '../../src/util/clock.js';
import { tempDir } from '../helpers/temp-dir.js';

const processGroupJs = JSON.stringify(new URL('../../src/health/process-group.js', import.meta.url).href);

/** Runs `body` (ESM, with runInGroup imported) in a fresh node under `prefix`; returns its stdout. */
function inChildNode(body: string, prefix: string[] = [], stdio: ('pipe' | 'ignore')[] = ['ignore', 'pipe', 'pipe']): string {
  const dir = tempDir('floatd-contain-');
  const file = join(dir, 'run.mjs');
  writeFileSync(file, `import { runInGroup } from ${processGroupJs};\n${body}\n`);
  chmodSync(dir, 0o755); // readable by the unprivileged user some tests run it as
  chmodSync(file, 0o644);
  const argv = [...prefix, process.execPath, file];
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio, timeout: 20_000, encoding: 'utf8' });
  assert.equal(r.status, 0, `${String(r.stderr)}${String(r.error ?? '')}`);
  return String(r.stdout);
}

/** pids whose command line holds `marker` (zombies have an empty one and are gone for this purpose). */
function withMarker(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function noneLeftWithin(marker: string, ms: number): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const left = withMarker(marker);
    if (left.length === 0 || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const capLine = (status: string, name: string): string => /^(\S+):\s*([0-9a-f]+)$/m.exec(status.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2] ?? 'missing';

test('a check does not inherit floatd\'s ambient CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (it could move floating addresses)', () => {
  // floatd as the shipped unit runs it: a plain user with the two capabilities ambient.
  const body = [
    "import { readFileSync } from 'node:fs';",
    "const own = readFileSync('/proc/self/status', 'utf8');",
    "const r = await runInGroup({ file: '/bin/cat', args: ['/proc/self/status'] }, new AbortController().signal, 65536);",
    'process.stdout.write(JSON.stringify({ own, child: r.output, code: r.code, err: r.spawnError }));',
  ].join('\n');
  const caps = '+net_admin,+net_bind_service';
  const out = JSON.parse(inChildNode(body, ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', `--inh-caps=${caps}`, `--ambient-caps=${caps}`])) as {
    own: string;
    child: string;
    code: number | null;
    err?: string;
  };
  assert.equal(capLine(out.own, 'CapAmb'), '0000000000001400', 'floatd itself has the two ambient capabilities');
  assert.equal(out.code, 0, out.err);
  for (const set of ['CapAmb', 'CapInh', 'CapPrm', 'CapEff']) assert.equal(capLine(out.child, set), '0000000000000000', `${set} of the check`);
});

test('a check started by root keeps root\'s capabilities but no ambient set', async () => {
  const r = await runInGroup({ file: '/bin/cat', args: ['/proc/self/status'] }, new AbortController().signal, 65536);
  assert.equal(capLine(r.output, 'CapAmb'), '0000000000000000');
  assert.equal(capLine(r.output, 'CapEff'), capLine(readFileSync('/proc/self/status', 'utf8'), 'CapEff'));
});

test('a check sees only stdin, stdout and stderr, not a descriptor floatd inherited', () => {
  // fd 3 is a pipe from the test, not close-on-exec in the node below: as floatd gets one from a supervisor.
  const body = [
    "import { fstatSync } from 'node:fs';",
    'fstatSync(3);',
    "const r = await runInGroup({ file: '/bin/sh', args: ['-c', 'ls /proc/$$/fd'] }, new AbortController().signal, 4096);",
    'process.stdout.write(r.output);',
  ].join('\n');
  const out = inChildNode(body, [], ['ignore', 'pipe', 'pipe', 'pipe']);
  assert.deepEqual(out.trim().split(/\s+/), ['0', '1', '2']);
});

for (const containment of ['cgroup', 'process-group'] as const satisfies readonly Containment[]) {
  test(`${containment}: a check that calls setsid and hangs past its timeout leaves no process behind`, async () => {
    const marker = `60.${process.pid}${Date.now() % 100000}1`;
    // One escapee keeps its parent (the check's shell), the other is a double fork whose parent is gone.
    const cmd = { file: '/bin/sh', args: ['-c', `setsid sleep ${marker} & (setsid sleep ${marker} &) ; sleep 30`] };
    const probe: Probe = {
      kind: 'exec',
      run: async (signal) => {
        const run = await runInGroup(cmd, signal, 100, { containment });
        return { ok: run.code === 0, detail: describeRun(run), durationMs: run.durationMs };
      },
    };
    const r = await runWithTimeout(probe, { timeoutMs: 300, clock: realClock, graceMs: 3000 });
    assert.equal(r.timedOut, true);
    assert.deepEqual(await noneLeftWithin(marker, 1000), [], 'no sleep of the check is left');
  });

  test(`${containment}: a check that exits leaves no escaped process behind either`, async () => {
    const marker = `60.${process.pid}${Date.now() % 100000}2`;
    const r = await runInGroup({ file: '/bin/sh', args: ['-c', `setsid sleep ${marker} & (setsid sleep ${marker} &); echo done`] }, new AbortController().signal, 100, { containment });
    assert.equal(r.output, 'done\n');
    assert.equal(r.contained, containment);
    assert.deepEqual(await noneLeftWithin(marker, 1000), []);
  });
}
