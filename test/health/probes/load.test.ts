import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { LoadProbe, usedMemoryFraction, type LoadSources } from '../../../src/health/probes/load.js';
import type { LoadProbeSpec } from '../../../src/health/probe-spec.js';
import { closeServer, listen } from '../helpers/servers.js';

const run = (spec: LoadProbeSpec, sources?: LoadSources) => new LoadProbe(spec, sources).run(new AbortController().signal);

test('usedMemoryFraction reads MemTotal and MemAvailable', () => {
  const text = 'MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    4000000 kB\n';
  assert.equal(usedMemoryFraction(text), 0.75);
  assert.throws(() => usedMemoryFraction('MemTotal: 5 kB\n'), /MemAvailable/);
});

test('load: cpu is the load average per CPU, from the chosen window', async () => {
  const sources: LoadSources = {
    loadavg: () => [6, 2, 1],
    cpuCount: () => 4,
    meminfo: () => Promise.resolve(''),
    established: () => Promise.resolve(0),
  };
  const r = await run({ kind: 'load', metric: 'cpu', max: 1 }, sources);
  assert.equal(r.ok, false);
  assert.equal(r.detail, 'load cpu: 1-min load per CPU (4 CPUs) 1.500 > 1');
  assert.equal((await run({ kind: 'load', metric: 'cpu', max: 1, window: 5 }, sources)).ok, true);
  assert.match((await run({ kind: 'load', metric: 'cpu', max: 1, window: 15 }, sources)).detail, /15-min load per CPU \(4 CPUs\) 0\.250 <= 1$/);
});

test('load: real cpu figures, thresholds 1e9 and below zero', async () => {
  assert.equal((await run({ kind: 'load', metric: 'cpu', max: 1e9 })).ok, true);
  assert.equal((await run({ kind: 'load', metric: 'cpu', max: -1 })).ok, false);
  const zero = await run({ kind: 'load', metric: 'cpu', max: 0 });
  const shown = Number(/ ([\d.]+) (<=|>) 0$/.exec(zero.detail)![1]);
  assert.equal(zero.ok, shown === 0, zero.detail);
});

test('load: real memory figures, thresholds 0 and 1e9', async () => {
  const low = await run({ kind: 'load', metric: 'memory', max: 0 });
  assert.equal(low.ok, false);
  assert.match(low.detail, /^load memory: used memory fraction 0\.\d{3} > 0$/);
  assert.equal((await run({ kind: 'load', metric: 'memory', max: 1e9 })).ok, true);
});

test('load: established connections on a real local port, thresholds 0 and 1e9', async () => {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  const port = await listen(server);
  const clients = [connect({ host: '127.0.0.1', port }), connect({ host: '127.0.0.1', port })];
  await Promise.all(clients.map((c) => new Promise((r) => c.once('connect', r))));
  const r = await run({ kind: 'load', metric: 'connections', port, max: 0 });
  assert.equal(r.ok, false);
  assert.equal(r.detail, `load connections: established connections on port ${port} 2 > 0`);
  assert.equal((await run({ kind: 'load', metric: 'connections', port, max: 1e9 })).ok, true);
  for (const c of clients) c.destroy();
  await closeServer(server);
});

test('load: a source that fails makes the check fail', async () => {
  const sources: LoadSources = {
    loadavg: () => [0, 0, 0],
    cpuCount: () => 1,
    meminfo: () => Promise.reject(Object.assign(new Error('no /proc'), { code: 'ENOENT' })),
    established: () => Promise.resolve(0),
  };
  const r = await run({ kind: 'load', metric: 'memory', max: 1 }, sources);
  assert.equal(r.ok, false);
  assert.match(r.detail, /ENOENT/);
});
