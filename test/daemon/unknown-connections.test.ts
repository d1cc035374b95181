import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/index.js';
import { Speaker } from '../../src/daemon/speaker.js';
import { realClock } from '../../src/util/clock.js';

// Port 179 needs root, as floatd has at start; loopback addresses of their own keep parallel runs apart.
const base = `127.${100 + (process.pid % 100)}.${(process.pid >> 8) % 250}`;
const local = `${base}.${1 + ((Date.now() + 13) % 200)}`;
const strangerA = `${base}.251`;
const strangerB = `${base}.252`;

const connectFrom = (localAddress: string): Promise<void> =>
  new Promise((resolve) => {
    const s = net.connect({ host: local, port: 179, localAddress });
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', () => resolve());
  });

test('1,000 connections from addresses that are no neighbor are all counted, and logged a bounded number of times', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const cfg = parseConfigText(
    ['router-id: 192.0.2.1', 'local-as: 65001', `listen: {address: ${local}, port: 179}`, 'neighbors:', '  - {address: 192.0.2.99, peer-as: 64512, passive: true}', ''].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  const speaker = new Speaker(cfg, realClock, pino({ level: 'info' }, sink));
  await speaker.start();
  try {
    for (let i = 0; i < 1_000; i++) await connectFrom(strangerA);
    await connectFrom(strangerB);
    for (let i = 0; i < 200 && speaker.status().refusedConnections !== 1_001; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(speaker.status().refusedConnections, 1_001);
    const refusals = lines.filter((l) => String(l['msg']).includes('not a configured neighbor'));
    assert.deepEqual(
      refusals.map((l) => l['from']),
      [strangerA, strangerB],
      'one line per address this minute, not one per connection',
    );
  } finally {
    await speaker.stop();
  }
});
