import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfigText } from '../../../src/config/index.js';
import { LoadMedReader, type MedFromLoad } from '../../../src/daemon/service-routes/load-med-reader.js';
import type { LoadSources } from '../../../src/health/probes/load.js';
import { FakeClock } from '../../../src/util/clock.js';
import { advance } from '../../health/helpers/fakes.js';

function settings(): MedFromLoad {
  const cfg = parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'neighbors: [{ address: 192.0.2.254, peer-as: 64512 }]',
      'services:',
      '  - name: web',
      '    prefixes: [192.0.2.10/32]',
      '    check: { listener: { port: 443 } }',
      '    med-from-load: { source: connections, port: 443, low: 0, high: 90, min: 100, max: 1000, step: 100, interval: 1, min-interval: 10 }',
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  return cfg.services![0]!.medFromLoad!;
}

function setup(established: () => Promise<number>) {
  const clock = new FakeClock();
  const lines: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  const sources: LoadSources = { loadavg: () => [0, 0, 0], cpuCount: () => 1, meminfo: () => Promise.reject(new Error('not used')), established };
  const changes: { at: number; reason: string }[] = [];
  const reader = new LoadMedReader({ settings: settings(), clock, log, sources, onChange: (reason) => changes.push({ at: clock.now(), reason }) });
  return { clock, reader, changes, lines };
}

test('readings every interval; onChange only when the MED moves, not before min-interval', async () => {
  let conns = 10;
  const t = setup(() => Promise.resolve(conns));
  assert.equal(t.reader.med, undefined);
  assert.equal(t.reader.load, undefined);
  t.reader.start();
  await advance(t.clock, 10);
  assert.equal(t.reader.med, 200);
  assert.equal(t.reader.load, 10);
  assert.deepEqual(t.changes, [{ at: 0, reason: 'load 10: MED 200' }]);
  conns = 50;
  await advance(t.clock, 9_000);
  assert.equal(t.reader.load, 50, 'read every second');
  assert.equal(t.changes.length, 1, 'min-interval holds the MED');
  await advance(t.clock, 1_000);
  assert.deepEqual(t.changes.at(-1), { at: 10_000, reason: 'load 50: MED 200 -> 600' });
  assert.equal(t.reader.med, 600);
  t.reader.stop();
});

test('a failing reading keeps the MED, warns once per run of failures, and says when the load is readable again', async () => {
  let failing = false;
  const t = setup(() => (failing ? Promise.reject(new Error('EACCES: /proc/net/tcp')) : Promise.resolve(0)));
  t.reader.start();
  await advance(t.clock, 10);
  assert.equal(t.reader.med, 100);
  failing = true;
  await advance(t.clock, 5_000);
  assert.equal(t.reader.med, 100);
  assert.equal(t.lines.filter((l) => l.includes('cannot read load for the MED; keeping MED 100')).length, 1);
  failing = false;
  await advance(t.clock, 1_000);
  assert.equal(t.lines.filter((l) => l.includes('load readable again')).length, 1);
  assert.equal(t.changes.length, 1);
  t.reader.stop();
});

test('stop ends the readings; one under way changes nothing', async () => {
  let answer: (n: number) => void = () => undefined;
  let reads = 0;
  const t = setup(() => {
    reads++;
    return new Promise<number>((r) => (answer = r));
  });
  t.reader.start();
  await advance(t.clock, 10);
  t.reader.stop();
  answer(30);
  await advance(t.clock, 5_000);
  assert.equal(reads, 1);
  assert.equal(t.reader.med, undefined);
  assert.deepEqual(t.changes, []);
  assert.equal(t.clock.pending, 0);
});
