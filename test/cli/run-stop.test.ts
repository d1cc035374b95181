import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

test('an idle control-socket client does not keep floatd alive after SIGTERM', { timeout: 60_000 }, async () => {
  const dir = tempDir('floatd-run-stop-');
  const socket = join(dir, 'floatd.sock');
  const config = join(dir, 'floatd.yaml');
  writeFileSync(
    config,
    `router-id: 192.0.2.1
local-as: 65001
control-socket: ${socket}
neighbors:
  - address: 127.0.0.1
    peer-as: 65002
    passive: true
listen:
  address: 127.0.0.1
  port: 17980
`,
  );
  const child = spawn(process.execPath, [join(REPO, 'bin', 'floatd.js'), 'run', '--config', config], {
    env: { ...process.env, FLOATD_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((r) => child.on('exit', (code) => r({ code, at: Date.now() })));
  for (const end = Date.now() + 30_000; !existsSync(socket) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  // A client that connects and says nothing: `socat - UNIX:...` left open, a stuck monitoring script.
  const idle = net.connect(socket);
  idle.on('error', () => undefined);
  await new Promise<void>((r) => idle.once('connect', () => r()));
  child.kill('SIGTERM');
  // The forced-stop limit is 5 s without drains; the bound leaves room for a loaded machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const { code } = await exited;
  clearTimeout(timer);
  idle.destroy();
  assert.equal(code, 0, `floatd exited by itself after SIGTERM (null: it had to be killed)\n${output}`);
  assert.match(output, /floatd stopped/);
});
