import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { connectTcp } from '../../../src/bgp/transport/connect.js';
import { TransportError } from '../../../src/bgp/transport/errors.js';
import { listenTcp, setListenerPassword } from '../../../src/bgp/transport/listen.js';
import { sockopt } from '../../../src/bgp/transport/sockopt.js';

// Both ends are ours, on loopback: the kernel's MD5 and TTL checks apply
// there as on any link. Loopback packets leave with the sender's TTL (64 by
// default), which lets the minimum-TTL (GTSM) check be seen.

const rejectsWith = (code: string, errno?: string) => (e: unknown) => {
  assert.ok(e instanceof TransportError, `expected a TransportError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (errno !== undefined) assert.equal(e.errno, errno, e.message);
  return true;
};

/** The descriptor under a net.Socket; private to Node, read here only to check kernel state. */
const fdOf = (s: net.Socket): number => {
  const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd;
  assert.equal(typeof fd, 'number');
  return fd as number;
};

const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;

/** Connects, then checks that bytes pass both ways; resolves with both ends closed. */
async function exchange(server: net.Server, connect: () => Promise<net.Socket>): Promise<void> {
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = await connect();
  const peer = await accepted;
  try {
    const got = new Promise<string>((resolve) => peer.once('data', (d: Buffer) => resolve(d.toString())));
    client.write('ping');
    assert.equal(await got, 'ping');
  } finally {
    client.destroy();
    peer.destroy();
  }
}

async function withServer(
  options: Parameters<typeof listenTcp>[0],
  body: (server: net.Server) => Promise<void>,
): Promise<void> {
  const server = await listenTcp(options);
  try {
    await body(server);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

for (const [family, host] of [
  [4, '127.0.0.1'],
  [6, '::1'],
] as const) {
  test(`IPv${family}: the right MD5 key connects; a wrong or missing key gets no answer`, () =>
    withServer({ host, port: 0, md5Peers: [{ address: host, password: 'lo-secret' }] }, async (server) => {
      const port = portOf(server);
      await exchange(server, () => connectTcp({ host, port, password: 'lo-secret', timeoutMs: 3000 }));
      await assert.rejects(
        connectTcp({ host, port, password: 'lo-wrong', timeoutMs: 600 }),
        rejectsWith('ERR_CONNECT_TIMEOUT'),
      );
      await assert.rejects(connectTcp({ host, port, timeoutMs: 600 }), rejectsWith('ERR_CONNECT_TIMEOUT'));
    }));

  test(`IPv${family}: a listener's minimum TTL drops a SYN sent with TTL 64, accepts one sent with 255`, () =>
    withServer({ host, port: 0, minTtl: 255 }, async (server) => {
      const port = portOf(server);
      await assert.rejects(connectTcp({ host, port, timeoutMs: 600 }), rejectsWith('ERR_CONNECT_TIMEOUT'));
      await exchange(server, () => connectTcp({ host, port, ttl: 255, timeoutMs: 3000 }));
    }));

  test(`IPv${family}: accepted sockets inherit the listener's TTL and minimum TTL; connectTcp sets its own`, () =>
    withServer({ host, port: 0, ttl: 77, minTtl: 5 }, async (server) => {
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      const client = await connectTcp({ host, port: portOf(server), ttl: 99, minTtl: 7, timeoutMs: 3000 });
      const peer = await accepted;
      try {
        assert.equal(sockopt.getTtl(fdOf(peer), family), 77);
        assert.equal(sockopt.getMinTtl(fdOf(peer), family), 5);
        assert.equal(sockopt.getTtl(fdOf(client), family), 99);
        assert.equal(sockopt.getMinTtl(fdOf(client), family), 7);
      } finally {
        client.destroy();
        peer.destroy();
      }
    }));
}

test('a dual-stack listener keys an IPv4 peer as its IPv4-mapped address', () =>
  withServer({ host: '::', port: 0, md5Peers: [{ address: '127.0.0.1', password: 'mapped' }] }, async (server) => {
    const port = portOf(server);
    await exchange(server, () => connectTcp({ host: '127.0.0.1', port, password: 'mapped', timeoutMs: 3000 }));
    await assert.rejects(connectTcp({ host: '127.0.0.1', port, timeoutMs: 600 }), rejectsWith('ERR_CONNECT_TIMEOUT'));
  }));

test('setListenerPassword adds, replaces and removes keys on a running listener', () =>
  withServer({ host: '127.0.0.1', port: 0 }, async (server) => {
    const port = portOf(server);
    const host = '127.0.0.1';
    await exchange(server, () => connectTcp({ host, port, timeoutMs: 3000 }));
    setListenerPassword(server, host, 'first');
    await assert.rejects(connectTcp({ host, port, timeoutMs: 600 }), rejectsWith('ERR_CONNECT_TIMEOUT'));
    await exchange(server, () => connectTcp({ host, port, password: 'first', timeoutMs: 3000 }));
    setListenerPassword(server, host, Buffer.from('second'));
    await assert.rejects(
      connectTcp({ host, port, password: 'first', timeoutMs: 600 }),
      rejectsWith('ERR_CONNECT_TIMEOUT'),
    );
    await exchange(server, () => connectTcp({ host, port, password: 'second', timeoutMs: 3000 }));
    setListenerPassword(server, host, null);
    setListenerPassword(server, host, '');
    await exchange(server, () => connectTcp({ host, port, timeoutMs: 3000 }));
    assert.throws(() => setListenerPassword(server, '::1', 'x'), rejectsWith('ERR_INVALID_OPTION'));
    assert.throws(() => setListenerPassword(server, host, 'x'.repeat(81)), rejectsWith('ERR_INVALID_OPTION'));
  }));

test('setListenerPassword refuses servers it did not make and closed listeners', async () => {
  const plain = net.createServer();
  assert.throws(() => setListenerPassword(plain, '127.0.0.1', 'x'), rejectsWith('ERR_INVALID_OPTION'));
  const server = await listenTcp({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.close(resolve));
  assert.throws(() => setListenerPassword(server, '127.0.0.1', 'x'), rejectsWith('ERR_INVALID_OPTION'));
});

test('a refused connection is ERR_CONNECT_FAILED with ECONNREFUSED, with or without the addon', async () => {
  const probe = await listenTcp({ host: '127.0.0.1', port: 0 });
  const port = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  await assert.rejects(
    connectTcp({ host: '127.0.0.1', port, timeoutMs: 3000 }),
    rejectsWith('ERR_CONNECT_FAILED', 'ECONNREFUSED'),
  );
  await assert.rejects(
    connectTcp({ host: '127.0.0.1', port, ttl: 255, timeoutMs: 3000 }),
    rejectsWith('ERR_CONNECT_FAILED', 'ECONNREFUSED'),
  );
});

test('a local address that is not ours is ERR_BIND_FAILED, with or without the addon', async () => {
  const base = { host: '127.0.0.1', port: 179, localAddress: '192.0.2.77', timeoutMs: 3000 };
  await assert.rejects(connectTcp(base), rejectsWith('ERR_BIND_FAILED', 'EADDRNOTAVAIL'));
  await assert.rejects(connectTcp({ ...base, ttl: 255 }), rejectsWith('ERR_BIND_FAILED', 'EADDRNOTAVAIL'));
});

test('connectTcp binds the local address and port it is given', () =>
  withServer({ host: '127.0.0.1', port: 0 }, async (server) => {
    for (const ttl of [undefined, 64]) {
      const probe = await listenTcp({ host: '127.0.0.2', port: 0 });
      const localPort = portOf(probe);
      await new Promise((resolve) => probe.close(resolve));
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      const client = await connectTcp({
        host: '127.0.0.1',
        port: portOf(server),
        localAddress: '127.0.0.2',
        localPort,
        ttl,
        timeoutMs: 3000,
      });
      const peer = await accepted;
      assert.equal(peer.remoteAddress, '127.0.0.2');
      assert.equal(peer.remotePort, localPort);
      client.destroy();
      peer.destroy();
    }
  }));

test('a port in use is ERR_LISTEN_FAILED with EADDRINUSE on both paths', () =>
  withServer({ host: '127.0.0.1', port: 0 }, async (server) => {
    const port = portOf(server);
    await assert.rejects(listenTcp({ host: '127.0.0.1', port }), rejectsWith('ERR_LISTEN_FAILED', 'EADDRINUSE'));
    await assert.rejects(
      listenTcp({ host: '127.0.0.1', port, ttl: 255 }),
      rejectsWith('ERR_LISTEN_FAILED', 'EADDRINUSE'),
    );
  }));

test('an AbortSignal ends a pending connect with ERR_CONNECT_ABORTED', () =>
  withServer({ host: '127.0.0.1', port: 0, md5Peers: [{ address: '127.0.0.1', password: 'never-sent' }] }, async (server) => {
    const ac = new AbortController();
    const pending = connectTcp({ host: '127.0.0.1', port: portOf(server), timeoutMs: 5000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(pending, rejectsWith('ERR_CONNECT_ABORTED'));
    await assert.rejects(
      connectTcp({ host: '127.0.0.1', port: portOf(server), timeoutMs: 5000, signal: ac.signal }),
      rejectsWith('ERR_CONNECT_ABORTED'),
    );
  }));

test('connectTcp checks its options before opening anything', async () => {
  const bad: Parameters<typeof connectTcp>[0][] = [
    { host: 'bgp.example.net', port: 179, timeoutMs: 1000 },
    { host: '127.0.0.1', port: 0, timeoutMs: 1000 },
    { host: '127.0.0.1', port: 179, timeoutMs: 0 },
    { host: '127.0.0.1', port: 179, localAddress: '::1', timeoutMs: 1000 },
    { host: '127.0.0.1', port: 179, password: 'p'.repeat(81), timeoutMs: 1000 },
    { host: '127.0.0.1', port: 179, ttl: 0, timeoutMs: 1000 },
  ];
  for (const options of bad) await assert.rejects(connectTcp(options), rejectsWith('ERR_INVALID_OPTION'));
  await assert.rejects(
    listenTcp({ host: '127.0.0.1', port: 0, md5Peers: [{ address: '::1', password: 'x' }] }),
    rejectsWith('ERR_INVALID_OPTION'),
  );
});
