import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import {
  parseHexAddress,
  parseProcNetTcp,
  parseTcpRow,
  findListener,
  readListeners,
  readTcpRows,
  TCP_LISTEN,
} from '../../src/health/proc-net-tcp.js';
import { closeServer, listen } from './helpers/servers.js';

// Rows written by hand the way a little-endian kernel prints them.
const TCP4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1644 1 0000000000000000 100 0 0 10 0
   1: 0A00000A:0016 0100000A:D431 01 00000000:00000000 02:000A7F2B 00000000     0        0 5512 4 0000000000000000 20 4 30 10 -1
garbage line
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000
   1: 0000000000000000FFFF00000100000A:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000
   2: B80D0120000000000000000001000000:1F90 B80D0120000000000000000002000000:C350 06 00000000:00000000 00:00000000 00000000
`;

test('hex addresses: IPv4 and IPv6 words in host order', () => {
  assert.equal(parseHexAddress('0100007F', true), '127.0.0.1');
  assert.equal(parseHexAddress('7F000001', false), '127.0.0.1');
  assert.equal(parseHexAddress('00000000', true), '0.0.0.0');
  assert.equal(parseHexAddress('00000000000000000000000001000000', true), '::1');
  assert.equal(parseHexAddress('00000000000000000000000000000001', false), '::1');
  assert.equal(parseHexAddress('B80D0120000000000000000001000000', true), '2001:db8::1');
  assert.equal(parseHexAddress('20010DB8000000000000000000000001', false), '2001:db8::1');
  assert.equal(parseHexAddress('0000000000000000FFFF00000100000A', true), '::ffff:10.0.0.1');
  assert.equal(parseHexAddress('0100007', true), undefined);
  assert.equal(parseHexAddress('0100007G', true), undefined);
});

test('rows: local and remote endpoints and the state; header and junk skipped', () => {
  assert.deepEqual(parseProcNetTcp(TCP4, true), [
    { localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 0x0a, inode: 1644 },
    { localAddress: '10.0.0.10', localPort: 22, remoteAddress: '10.0.0.1', remotePort: 54321, state: 0x01, inode: 5512 },
  ]);
  assert.deepEqual(
    parseProcNetTcp(TCP6, true).map((r) => `${r.localAddress}:${r.localPort} ${r.remoteAddress}:${r.remotePort} ${r.state}`),
    ['::1:80 :::0 10', '::ffff:10.0.0.1:443 :::0 10', '2001:db8::1:8080 2001:db8::2:50000 6'],
  );
  assert.equal(parseProcNetTcp(TCP6, true)[0]!.inode, undefined, 'a short row has no inode');
  assert.equal(parseTcpRow('   7: 0100007F:1F90 00000000:0000', true), undefined);
  assert.equal(parseTcpRow('   7: 0100007F:XYZ 00000000:0000 0A', true), undefined);
});

test('reading the real files finds our listener, IPv4 and IPv6', async () => {
  const s4 = createServer();
  const s6 = createServer();
  const p4 = await listen(s4);
  const p6 = await listen(s6, '::1');
  const rows = await readListeners();
  assert.ok(rows.some((r) => r.localAddress === '127.0.0.1' && r.localPort === p4));
  assert.ok(rows.some((r) => r.localAddress === '::1' && r.localPort === p6));
  assert.ok(rows.every((r) => r.state === TCP_LISTEN));
  await closeServer(s4);
  await closeServer(s6);
});

test('the kernel lists LISTEN rows first, so stopping at the first other row loses none', async () => {
  const server = createServer();
  const port = await listen(server);
  const clients = Array.from({ length: 20 }, () => connect({ host: '127.0.0.1', port }));
  await Promise.all(clients.map((c) => new Promise((r) => c.once('connect', r))));
  for (const path of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const all = parseProcNetTcp(readFileSync(path, 'latin1'));
    const firstOther = all.findIndex((r) => r.state !== TCP_LISTEN);
    if (firstOther >= 0) assert.ok(all.slice(firstOther).every((r) => r.state !== TCP_LISTEN), `${path}: LISTEN rows are at the head`);
    const early = await readTcpRows(path, (r) => r.state === TCP_LISTEN);
    assert.deepEqual(
      early.map((r) => `${r.localAddress}:${r.localPort}`).sort(),
      all.filter((r) => r.state === TCP_LISTEN).map((r) => `${r.localAddress}:${r.localPort}`).sort(),
    );
  }
  assert.ok((await readTcpRows('/proc/net/tcp')).filter((r) => r.state === 0x01 && r.localPort === port).length >= 20);
  for (const c of clients) c.destroy();
  await closeServer(server);
});

test('findListener stops at the first listener it wants', async () => {
  const server = createServer();
  const port = await listen(server);
  const hit = await findListener((r) => r.localPort === port);
  assert.equal(hit?.localAddress, '127.0.0.1');
  assert.ok(typeof hit?.inode === 'number' && hit.inode > 0);
  await closeServer(server);
  assert.equal(await findListener((r) => r.localPort === port), undefined);
});

test('a missing file reads as empty', async () => {
  assert.deepEqual(await readTcpRows('/nonexistent/tcp6'), []);
});
