import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { call, ControlError, ControlRefusedError, request } from '../../src/control/client.js';
import { parseGroupFile } from '../../src/control/group.js';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type { DaemonControl } from '../../src/control/daemon-control.js';
import { tempDir } from '../helpers/temp-dir.js';

const log = pino({ level: 'silent' });
const T = { timeout: 15_000 };

const socketPath = (): string => join(tempDir('floatd-ctl-'), 'sub', 'floatd.sock');

function fakeControl(over: Partial<DaemonControl> = {}): DaemonControl {
  return {
    status: () => ({ hello: 1 }),
    peers: () => [],
    routes: () => [],
    services: () => [],
    events: (limit) => ({ limit: limit ?? null }),
    maintenance: (on, service) => ({ services: service === undefined ? ['web', 'db'] : [`${service} ${on ? 'on' : 'off'}`] }),
    drain: (service) => Promise.resolve({ services: [service ?? 'every'] }),
    reload: () => Promise.resolve({ ok: true, changes: [] }),
    ...over,
  };
}

/** Writes `text` on one connection and collects `n` answer lines (fewer if the server closes first). */
function exchange(path: string, text: string, n: number, halfClose = false): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const c = net.connect(path);
    const out: unknown[] = [];
    let buf = '';
    c.setEncoding('utf8');
    c.on('connect', () => (halfClose ? c.end(text) : c.write(text)));
    c.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        out.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
        if (out.length === n) {
          c.destroy();
          resolve(out);
        }
      }
    });
    c.on('error', reject);
    c.on('close', () => resolve(out));
  });
}

const close = (s: ControlServer): Promise<void> => s.close();

test('every command reaches its handler with its arguments; answers keep the request order on one connection', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, fakeControl({ peers: () => ['p'], routes: () => ['r'], services: () => ['s'] }), log);
  try {
    assert.deepEqual(await request(path, 'status'), { hello: 1 });
    assert.deepEqual(await request(path, 'peers'), ['p']);
    assert.deepEqual(await request(path, 'routes'), ['r']);
    assert.deepEqual(await request(path, 'services'), ['s']);
    assert.deepEqual(await request(path, 'events'), { limit: null });
    assert.deepEqual(await call(path, 'events', { limit: 7 }), { limit: 7 });
    assert.deepEqual(await call(path, 'maintenance', { on: true }), { services: ['web', 'db'] });
    assert.deepEqual(await call(path, 'maintenance', { on: false, service: 'web' }), { services: ['web off'] });
    assert.deepEqual(await call(path, 'drain', { service: 'db' }), { services: ['db'] });
    assert.deepEqual(await request(path, 'reload'), { ok: true, changes: [] });
    // A daemon without VRRP answers an empty list.
    assert.deepEqual(await request(path, 'vrrp'), []);
    const answers = await exchange(path, '{"command":"status"}\n\n{"command":"events","args":{"limit":3}}\n{"command":"nope"}\n', 3);
    assert.deepEqual(answers, [
      { ok: true, result: { hello: 1 } },
      { ok: true, result: { limit: 3 } },
      { ok: false, error: 'unknown command "nope" (expected one of status, peers, routes, services, events, maintenance, drain, reload, vrrp)' },
    ]);
  } finally {
    await close(server);
  }
});

test('requests are validated on the socket, naming the key', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, fakeControl(), log);
  try {
    const answers = await exchange(path, 'status\n{"command":"events","args":{"limit":"all"}}\n{"command":"maintenance","args":{"on":true,"force":1}}\n', 3);
    assert.deepEqual(answers, [
      { ok: false, error: 'request is not JSON (expected {"command": ..., "args": {...}})' },
      { ok: false, error: 'events: args.limit: expected number, got string' },
      { ok: false, error: 'maintenance: unknown key(s) in args: force (expected only on, service)' },
    ]);
    const long = await exchange(path, `{"command":"status","pad":"${'x'.repeat(5000)}"}`, 2);
    assert.deepEqual(long, [{ ok: false, error: 'request too long (more than 4096 bytes)' }]);
  } finally {
    await close(server);
  }
});

test('a handler that throws or rejects gives its message, without a stack', T, async () => {
  const path = socketPath();
  const control = fakeControl({
    status: () => {
      throw new Error('status exploded');
    },
    maintenance: () => Promise.reject(new Error("no service named 'x'")),
    reload: () => Promise.reject('plain string'),
    peers: () => 10n,
  });
  const server = await startControlServer(path, control, log);
  try {
    const answers = await exchange(path, '{"command":"status"}\n{"command":"maintenance","args":{"on":true,"service":"x"}}\n{"command":"reload"}\n{"command":"peers"}\n', 4);
    assert.deepEqual(answers.slice(0, 3), [
      { ok: false, error: 'status exploded' },
      { ok: false, error: "no service named 'x'" },
      { ok: false, error: 'plain string' },
    ]);
    assert.equal((answers[3] as { ok: boolean }).ok, false);
    assert.match((answers[3] as { error: string }).error, /BigInt/);
    await assert.rejects(call(path, 'maintenance', { on: true, service: 'x' }), (e: unknown) => e instanceof ControlRefusedError && e.message === "no service named 'x'");
  } finally {
    await close(server);
  }
});

test('a slow handler holds up neither other connections nor the server', T, async () => {
  const path = socketPath();
  let release: (v: { services: string[] }) => void = () => undefined;
  const server = await startControlServer(path, fakeControl({ drain: () => new Promise((r) => (release = r)) }), log);
  try {
    const slow = exchange(path, '{"command":"drain"}\n{"command":"status"}\n', 2);
    let slowDone = false;
    void slow.then(() => (slowDone = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await request(path, 'status'), { hello: 1 });
    assert.equal(slowDone, false);
    release({ services: ['web'] });
    assert.deepEqual(await slow, [
      { ok: true, result: { services: ['web'] } },
      { ok: true, result: { hello: 1 } },
    ]);
  } finally {
    await close(server);
  }
});

test('a client that half-closes gets its answer, even without a final newline', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, fakeControl(), log);
  try {
    assert.deepEqual(await exchange(path, '{"command":"status"}', 5, true), [{ ok: true, result: { hello: 1 } }]);
    assert.deepEqual(await exchange(path, '{"command":"status"}\n{"command":"reload"}\n', 5, true), [
      { ok: true, result: { hello: 1 } },
      { ok: true, result: { ok: true, changes: [] } },
    ]);
  } finally {
    await close(server);
  }
});

test('a control socket directory others can write to is refused before anything is created', T, async () => {
  const dir = tempDir('floatd-ctl-dir-');
  chmodSync(dir, 0o777);
  await assert.rejects(startControlServer(join(dir, 'floatd.sock'), fakeControl(), log), /control socket directory .* is writable by everyone \(mode 0777\)/);
  chmodSync(dir, 0o775);
  await assert.rejects(startControlServer(join(dir, 'floatd.sock'), fakeControl(), log), /is writable by its group \(mode 0775\)/);
  assert.equal(existsSync(join(dir, 'floatd.sock')), false);
  chmodSync(dir, 0o755);
  await close(await startControlServer(join(dir, 'floatd.sock'), fakeControl(), log));
});

test('the socket is mode 0660 by default, or the mode asked; it is removed on close', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, fakeControl(), log);
  assert.equal(statSync(path).mode & 0o777, 0o660);
  await close(server);
  assert.equal(existsSync(path), false);
  const private_ = await startControlServer(path, fakeControl(), log, { mode: 0o600 });
  try {
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    await close(private_);
  }
  await assert.rejects(startControlServer(path, fakeControl(), log, { mode: 0o1777 }), /is not a permission mode/);
});

test('the socket belongs to the group asked, by name or number; an unknown group is refused before anything is created', T, async () => {
  const groups = parseGroupFile(readFileSync('/etc/group', 'utf8'));
  const adm = groups.find((g) => g.name === 'adm');
  const nogroup = groups.find((g) => g.name === 'nogroup');
  assert.ok(adm && nogroup, 'Debian has adm and nogroup');
  const path = socketPath();
  const byName = await startControlServer(path, fakeControl(), log, { group: 'adm' });
  try {
    assert.equal(statSync(path).gid, adm.gid);
    assert.equal(statSync(path).mode & 0o777, 0o660);
  } finally {
    await close(byName);
  }
  const byNumber = await startControlServer(path, fakeControl(), log, { group: String(nogroup.gid), mode: 0o660 });
  try {
    assert.equal(statSync(path).gid, nogroup.gid);
    assert.deepEqual(await request(path, 'status'), { hello: 1 });
  } finally {
    await close(byNumber);
  }
  const missing = socketPath();
  await assert.rejects(startControlServer(missing, fakeControl(), log, { group: 'floatd-no-such-group' }), {
    message: "control socket group 'floatd-no-such-group' does not exist (not in /etc/group)",
  });
  assert.equal(existsSync(missing), false);
});

test('a live socket is refused, a stale one replaced, anything else at the path left alone', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, fakeControl(), log);
  try {
    await assert.rejects(startControlServer(path, fakeControl(), log), /control socket .* is in use: is another floatd running\?/);
    assert.deepEqual(await request(path, 'status'), { hello: 1 });
  } finally {
    await close(server);
  }

  // A process killed with SIGKILL leaves its socket behind with nobody listening.
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', () => reject(new Error('the child exited early')));
  });
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  assert.ok(lstatSync(path).isSocket());
  await assert.rejects(request(path, 'status'), /nobody is listening \(ECONNREFUSED\)/);
  const replaced = await startControlServer(path, fakeControl(), log);
  try {
    assert.deepEqual(await request(path, 'status'), { hello: 1 });
  } finally {
    await close(replaced);
  }

  const file = socketPath().replace(/sub\/floatd\.sock$/, 'plain-file');
  writeFileSync(file, 'keep me');
  await assert.rejects(startControlServer(file, fakeControl(), log), /exists and is not a socket; not replacing it/);
  assert.equal(readFileSync(file, 'utf8'), 'keep me');
});

test('the client says clearly when floatd is not there', T, async () => {
  const path = socketPath();
  await assert.rejects(request(path, 'status'), (e: unknown) => e instanceof ControlError && e.message === `is floatd running? socket ${path}: no such file (ENOENT)`);
});
