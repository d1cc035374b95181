import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { DaemonControl } from '../../src/control/daemon-control.js';
import { startControlServer } from '../../src/control/server.js';
import { tempDir } from '../helpers/temp-dir.js';

const log = pino({ level: 'silent' });
const T = { timeout: 15_000 };
const socketPath = (): string => join(tempDir('floatd-ctl-limits-'), 'floatd.sock');

function control(status: () => unknown): DaemonControl {
  return {
    status,
    peers: () => [],
    routes: () => [],
    services: () => [],
    events: () => [],
    maintenance: () => ({ services: [] }),
    drain: () => Promise.resolve({ services: [] }),
    reload: () => Promise.resolve({ ok: true, changes: [] }),
  };
}

const connect = (path: string): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const c = net.connect(path, () => resolve(c));
    c.once('error', reject);
  });

/** Everything the server sends until it closes the connection (or `ms` pass). */
const readAll = (c: net.Socket, ms: number): Promise<{ text: string; closed: boolean }> =>
  new Promise((resolve) => {
    let text = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => (text += d));
    const t = setTimeout(() => resolve({ text, closed: false }), ms);
    c.on('close', () => {
      clearTimeout(t);
      resolve({ text, closed: true });
    });
  });

test('control: 2,857 pipelined status requests in one write are refused, not answered one by one', T, async () => {
  const path = socketPath();
  let calls = 0;
  const server = await startControlServer(path, control(() => ({ n: ++calls })), log);
  try {
    const c = await connect(path);
    c.write('{"command":"status"}\n'.repeat(2857));
    const { text, closed } = await readAll(c, 5000);
    assert.ok(closed, 'the server closes the connection');
    assert.equal(calls, 0);
    assert.deepEqual(
      text.trim().split('\n').map((l) => JSON.parse(l) as unknown),
      [{ ok: false, error: 'more than 64 requests waiting on one connection (read the answers before sending more)' }],
    );
  } finally {
    await server.close();
  }
});

test('control: pipelined requests yield to the event loop between two answers', T, async () => {
  const path = socketPath();
  const order: string[] = [];
  const server = await startControlServer(
    path,
    control(() => {
      order.push('status');
      setImmediate(() => order.push('other work'));
      return {};
    }),
    log,
  );
  try {
    const c = await connect(path);
    c.write('{"command":"status"}\n'.repeat(3));
    await new Promise<void>((resolve) => {
      let lines = 0;
      c.on('data', (d: Buffer) => {
        lines += d.toString().split('\n').length - 1;
        if (lines === 3) resolve();
      });
    });
    c.destroy();
    assert.deepEqual(order.slice(0, 4), ['status', 'other work', 'status', 'other work']);
  } finally {
    await server.close();
  }
});

test('control: a client that does not read its answers stops being served (back-pressure)', T, async () => {
  const path = socketPath();
  let calls = 0;
  const big = 'x'.repeat(1 << 20);
  const server = await startControlServer(
    path,
    control(() => {
      calls++;
      return big;
    }),
    log,
  );
  try {
    const c = await connect(path);
    c.pause();
    c.write('{"command":"status"}\n'.repeat(20));
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(calls <= 3, `answers produced for a client that reads nothing: ${calls} of 20`);
    c.resume();
    c.on('data', () => undefined);
    for (const end = Date.now() + 5000; calls < 20 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls, 20, 'once the client reads, every request is answered');
    c.destroy();
  } finally {
    await server.close();
  }
});

test('control: an idle client is disconnected; a connection limit holds', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, control(() => ({})), log, {
    limits: { maxRequestBytes: 4096, maxQueued: 64, idleMs: 200 },
    maxConnections: 2,
  });
  try {
    const idle = await connect(path);
    const idleResult = await readAll(idle, 3000);
    assert.ok(idleResult.closed, 'the idle client was disconnected');
    const a = await connect(path);
    const b = await connect(path);
    const third = await connect(path);
    const thirdResult = await readAll(third, 150);
    assert.ok(thirdResult.closed, 'a third client beyond the limit is closed at once');
    a.destroy();
    b.destroy();
  } finally {
    await server.close();
  }
});

test('control: close() disconnects connected clients, so a stop never waits for them', T, async () => {
  const path = socketPath();
  const server = await startControlServer(path, control(() => ({})), log);
  const c = await connect(path);
  const result = readAll(c, 3000);
  await server.close();
  assert.ok((await result).closed);
});
