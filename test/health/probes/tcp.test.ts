import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { TcpProbe } from '../../../src/health/probes/tcp.js';
import { runWithTimeout } from '../../../src/health/run-with-timeout.js';
import { realClock } from '../../../src/util/clock.js';
import { closeServer, listen, stuckListener } from '../helpers/servers.js';
import { readTcpRows } from '../../../src/health/proc-net-tcp.js';

const run = (p: TcpProbe) => p.run(new AbortController().signal);

test('tcp: connects to a real IPv4 listener', async () => {
  const server = createServer((s) => s.end());
  const port = await listen(server);
  const r = await run(new TcpProbe({ kind: 'tcp', host: '127.0.0.1', port }));
  assert.equal(r.ok, true);
  assert.match(r.detail, new RegExp(`^tcp 127\\.0\\.0\\.1:${port}: connected in `));
  assert.ok(r.durationMs >= 0);
  await closeServer(server);
});

test('tcp: connects over IPv6, bracketed or not', async () => {
  const server = createServer((s) => s.end());
  const port = await listen(server, '::1');
  for (const host of ['::1', '[::1]']) {
    const r = await run(new TcpProbe({ kind: 'tcp', host, port }));
    assert.equal(r.ok, true, host);
    assert.match(r.detail, new RegExp(`^tcp \\[::1\\]:${port}: connected`));
  }
  await closeServer(server);
});

test('tcp: a closed port fails with the error code', async () => {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  const r = await run(new TcpProbe({ kind: 'tcp', host: '127.0.0.1', port }));
  assert.equal(r.ok, false);
  assert.match(r.detail, /ECONNREFUSED/);
  assert.equal(r.timedOut, undefined);
});

test('tcp: a hung connect is aborted at the timeout and its socket released', async () => {
  const stuck = await stuckListener();
  const synSent = async () => (await readTcpRows('/proc/net/tcp')).filter((r) => r.state === 0x02 && r.remotePort === stuck.port).length;
  const before = await synSent();
  const pending = runWithTimeout(new TcpProbe({ kind: 'tcp', host: '127.0.0.1', port: stuck.port }), { clock: realClock, timeoutMs: 300 });
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(await synSent(), before + 1, 'the probe is stuck in SYN_SENT');
  const r = await pending;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.detail, /^timed out after 300 ms; tcp 127\.0\.0\.1:\d+: aborted/);
  assert.equal(await synSent(), before, 'socket destroyed');
  stuck.close();
});

test('tcp: an already aborted signal does not connect', async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await new TcpProbe({ kind: 'tcp', host: '127.0.0.1', port: 9 }).run(ac.signal);
  assert.equal(r.timedOut, true);
  assert.equal(r.ok, false);
});

test('tcp: runWithTimeout reports success within the limit', async () => {
  const server = createServer((s) => s.end());
  const port = await listen(server);
  const r = await runWithTimeout(new TcpProbe({ kind: 'tcp', host: '127.0.0.1', port }), { clock: realClock, timeoutMs: 2000 });
  assert.equal(r.ok, true);
  await closeServer(server);
});
