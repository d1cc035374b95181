import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts `floatd run` with `nodeArgs`; resolves with the node arguments of the running daemon, read by its PID. */
async function daemonArgs(nodeArgs: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const dir = tempDir('floatd-run-heap-');
  const socket = join(dir, 'floatd.sock');
  const config = join(dir, 'floatd.yaml');
  writeFileSync(config, `router-id: 192.0.2.1\nlocal-as: 65001\ncontrol-socket: ${socket}\nneighbors:\n  - address: 192.0.2.2\n    peer-as: 65002\n    passive: true\nlisten:\n  address: 127.0.0.1\n  port: ${17990 + (process.pid % 9)}\n`);
  const child = spawn(process.execPath, [...nodeArgs, join(REPO, 'bin', 'floatd.js'), 'run', '--config', config], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    for (const end = Date.now() + 30_000; !existsSync(socket) && Date.now() < end && child.exitCode === null; ) await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(socket), 'floatd started');
    const args = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    return args.slice(1, args.indexOf(join(REPO, 'bin', 'floatd.js')));
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  }
}

test('floatd run caps the young generation for itself, keeping its PID, unless the operator set the limit', { timeout: 90_000 }, async () => {
  // process.execve came with Node 22.15 and 23.11; before, the daemon runs as started.
  const capped = typeof process.execve === 'function' ? ['--max-semi-space-size=1'] : [];
  assert.deepEqual(await daemonArgs([]), capped, 'the PID spawned runs with the cap');
  assert.deepEqual(await daemonArgs(['--max-semi-space-size=4']), ['--max-semi-space-size=4']);
  assert.deepEqual(await daemonArgs([], { NODE_OPTIONS: '--max-semi-space-size=2' }), []);
});
