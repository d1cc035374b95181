import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/index.js';
import { connectTcp } from '../../src/bgp/transport/index.js';
import { diffConfig } from '../../src/daemon/config-diff.js';
import { Speaker } from '../../src/daemon/speaker.js';
import { realClock } from '../../src/util/clock.js';

// Port 179 needs root, as floatd has at start; a loopback address of its own keeps parallel runs apart.
const local = `127.${100 + (process.pid % 100)}.${(process.pid >> 8) % 250}.${1 + ((Date.now() + 7) % 250)}`;

const config = (ttlSecurity: boolean) =>
  parseConfigText(
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      `listen: {address: ${local}, port: 179}`,
      'neighbors:',
      `  - {address: 127.0.0.1, peer-as: 64512, passive: true, ttl-security: ${ttlSecurity}}`,
      '',
    ].join('\n'),
    'floatd.yaml',
    { env: {}, hostname: 'h' },
  );

/** Whether a TCP handshake with the listener completes from a socket sending `ttl`. */
async function handshake(ttl: number): Promise<boolean> {
  try {
    const s = await connectTcp({ host: local, port: 179, ttl, timeoutMs: 1_000 });
    s.destroy();
    return true;
  } catch {
    return false;
  }
}

test('a reload that turns ttl-security on gives the listener its minimum TTL, as a fresh start does', async () => {
  const before = config(false);
  const after = config(true);
  const fresh = new Speaker(after, realClock, pino({ level: 'silent' }));
  await fresh.start();
  try {
    assert.equal(await handshake(64), false, 'a fresh start with ttl-security refuses TTL 64');
    assert.equal(await handshake(255), true);
  } finally {
    await fresh.stop();
  }

  const speaker = new Speaker(before, realClock, pino({ level: 'silent' }));
  await speaker.start();
  try {
    assert.equal(await handshake(64), true, 'without ttl-security any TTL is accepted');
    const plan = diffConfig(before, after);
    assert.equal(plan.listenerOptionsChanged, true);
    await speaker.reconfigure(after, plan);
    assert.equal(await handshake(64), false, 'after the reload a SYN with TTL 64 is dropped (RFC 5082 3)');
    assert.equal(await handshake(255), true);

    await speaker.reconfigure(before, diffConfig(after, before));
    assert.equal(await handshake(64), true, 'turning ttl-security off again accepts any TTL');
  } finally {
    await speaker.stop();
  }
});
