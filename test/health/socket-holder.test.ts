import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { findListener } from '../../src/health/proc-net-tcp.js';
import { findSocketHolder, stillHolds } from '../../src/health/socket-holder.js';
import { closeServer, listen } from './helpers/servers.js';

test('finds the descriptor holding a listening socket, and sees it go when the socket closes', async () => {
  const server = createServer();
  const port = await listen(server);
  const row = await findListener((r) => r.localPort === port);
  const holder = await findSocketHolder(row!.inode!);
  assert.ok(holder, 'our own descriptor is readable');
  assert.equal(holder.link, `socket:[${row!.inode}]`);
  assert.match(holder.path, /^\/proc\/\d+\/fd\/\d+$/);
  assert.equal(stillHolds(holder), true);
  await closeServer(server);
  assert.equal(stillHolds(holder), false);
});

test('no holder for a socket inode nobody has, or without /proc', async () => {
  assert.equal(await findSocketHolder(4_000_000_000), undefined);
  assert.equal(await findSocketHolder(1, '/nonexistent'), undefined);
});
