import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/index.js';
import { Speaker } from '../../src/daemon/speaker.js';
import { realClock } from '../../src/util/clock.js';

// Port 179 needs root (or CAP_NET_BIND_SERVICE), as floatd has at start. A
// loopback address of its own (127/8 all reaches lo) keeps parallel runs apart.
const local = `127.${100 + (process.pid % 100)}.${(process.pid >> 8) % 250}.${1 + (Date.now() % 250)}`;

const connects = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

test('a passive neighbor without a listen section makes the speaker listen on port 179 of its local-address', async () => {
  const cfg = parseConfigText(
    ['router-id: 192.0.2.1', 'local-as: 65001', 'neighbors:', `  - {address: 127.0.0.1, peer-as: 64512, passive: true, local-address: ${local}}`, ''].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );
  assert.deepEqual(cfg.listen, { address: local, port: 179 });
  const speaker = new Speaker(cfg, realClock, pino({ level: 'silent' }));
  assert.equal(await connects(local, 179), false, 'nothing listens before start');
  await speaker.start();
  try {
    assert.equal(await connects(local, 179), true);
  } finally {
    await speaker.stop();
  }
});
