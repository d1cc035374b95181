import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ListenerProbe, listenerServes } from '../../../src/health/probes/listener.js';
import type { ProbeResult } from '../../../src/health/probe-result.js';
import type { TcpSocketRow } from '../../../src/health/proc-net-tcp.js';
import { closeServer, listen } from '../helpers/servers.js';

const run = (p: ListenerProbe) => p.run(new AbortController().signal);
const row = (localAddress: string, localPort = 80): TcpSocketRow => ({ localAddress, localPort, remoteAddress: '0.0.0.0', remotePort: 0, state: 0x0a });

test('which listeners serve an address: exact, wildcard, dual-stack, mapped', () => {
  assert.equal(listenerServes(row('10.0.0.1'), 80, undefined), true);
  assert.equal(listenerServes(row('10.0.0.1'), 81, undefined), false);
  assert.equal(listenerServes(row('10.0.0.1'), 80, '10.0.0.1'), true);
  assert.equal(listenerServes(row('10.0.0.2'), 80, '10.0.0.1'), false);
  assert.equal(listenerServes(row('0.0.0.0'), 80, '10.0.0.1'), true);
  assert.equal(listenerServes(row('0.0.0.0'), 80, '2001:db8::1'), false);
  assert.equal(listenerServes(row('::'), 80, '10.0.0.1'), true);
  assert.equal(listenerServes(row('::'), 80, '2001:db8::1'), true);
  assert.equal(listenerServes(row('::ffff:10.0.0.1'), 80, '10.0.0.1'), true);
});

test('listener: passes while a real server listens, on the port and on its address', async () => {
  const server = createServer();
  const port = await listen(server);
  const r = await run(new ListenerProbe({ kind: 'listener', port }));
  assert.equal(r.ok, true);
  assert.equal(r.detail, `listener port ${port}: listening on 127.0.0.1:${port}`);
  assert.equal((await run(new ListenerProbe({ kind: 'listener', port, address: '127.0.0.1' }))).ok, true);
  const other = await run(new ListenerProbe({ kind: 'listener', port, address: '127.0.0.2' }));
  assert.equal(other.ok, false);
  assert.equal(other.detail, `listener 127.0.0.2:${port}: nothing listening`);
  await closeServer(server);
  assert.equal((await run(new ListenerProbe({ kind: 'listener', port }))).ok, false);
});

test('listener: IPv6 address filter, bracketed or not', async () => {
  const server = createServer();
  const port = await listen(server, '::1');
  assert.equal((await run(new ListenerProbe({ kind: 'listener', port, address: '[::1]' }))).ok, true);
  assert.equal((await run(new ListenerProbe({ kind: 'listener', port, address: '0:0::1' }))).ok, true);
  await closeServer(server);
});

for (const watchDescriptor of [true, false]) {
  test(`listener: the watcher sees a real server close its port (latency printed), and open it again (${watchDescriptor ? 'descriptor watch' : 'full reads'})`, async () => {
    const server = createServer();
    const port = await listen(server);
    const probe = new ListenerProbe({ kind: 'listener', port }, { watchDescriptor });
    const changes: { r: ProbeResult; at: number }[] = [];
    const stop = probe.watch((r) => changes.push({ r, at: performance.now() }));
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(changes.length, 0);
    const closedAt = performance.now();
    await closeServer(server);
    const end = closedAt + 5000;
    while (changes.length === 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 2));
    assert.equal(changes[0]?.r.ok, false);
    const latency = changes[0]!.at - closedAt;
    console.log(`listener probe: port ${port} closing seen after ${latency.toFixed(1)} ms (poll 100 ms, ${watchDescriptor ? 'descriptor watch' : 'full reads'})`);
    assert.ok(latency < 2000, `${latency} ms`);
    const again = createServer();
    await new Promise<void>((resolve) => again.listen(port, '127.0.0.1', () => resolve()));
    const end2 = performance.now() + 5000;
    while (changes.length < 2 && performance.now() < end2) await new Promise((r) => setTimeout(r, 5));
    stop();
    assert.equal(changes[1]?.r.ok, true);
    await closeServer(again);
  });
}
