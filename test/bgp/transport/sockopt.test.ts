import assert from 'node:assert/strict';
import { closeSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { connectTcp } from '../../../src/bgp/transport/connect.js';
import { TransportError } from '../../../src/bgp/transport/errors.js';
import { listenTcp, setListenerPassword } from '../../../src/bgp/transport/listen.js';
import {
  ADDON_FILE,
  defaultAddonPath,
  nativeAvailable,
  openSockopt,
  sockopt,
} from '../../../src/bgp/transport/sockopt.js';

const missing = openSockopt(join(tmpdir(), `floatd-no-such-addon-${process.pid}`, ADDON_FILE));

const rejectsWith = (code: string, errno?: string) => (e: unknown) => {
  assert.ok(e instanceof TransportError, `expected a TransportError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (errno !== undefined) assert.equal(e.errno, errno, e.message);
  return true;
};

const secret = 'correct-horse-battery-staple';
/** Far above any open-file limit, so never an open descriptor (a closed one could be reused meanwhile). */
const notOpen = 0x7fff0000;

test('the addon built by npm install is found and loads', () => {
  const path = defaultAddonPath();
  assert.ok(path.endsWith(join('build', 'Release', ADDON_FILE)), path);
  assert.ok(existsSync(path), `${path} is missing: run npm install (node-gyp needs g++, python3, make)`);
  assert.equal(nativeAvailable(), true);
});

test('a missing addon: available() is false and every call throws ERR_NATIVE_UNAVAILABLE with the fix', () => {
  assert.equal(missing.available(), false);
  const calls: (() => unknown)[] = [
    () => missing.createSocket(4, { ttl: 255 }),
    () => missing.setMd5(3, 4, '192.0.2.1', secret),
    () => missing.setTtl(3, 4, 255),
    () => missing.setMinTtl(3, 6, 254),
    () => missing.getTtl(3, 4),
    () => missing.getMinTtl(3, 4),
  ];
  for (const call of calls) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.equal(e.code, 'ERR_NATIVE_UNAVAILABLE');
      assert.match(e.message, /npm install/);
      assert.match(e.message, /g\+\+, python3 and make/);
      assert.match(e.message, new RegExp(ADDON_FILE.replace('.', '\\.')));
      assert.ok(!e.message.includes(secret));
      return true;
    });
  }
});

test('a missing addon: connectTcp and listenTcp refuse passwords and TTLs instead of going on without them', async () => {
  await assert.rejects(
    connectTcp({ host: '127.0.0.1', port: 179, password: secret, timeoutMs: 1000 }, missing),
    rejectsWith('ERR_NATIVE_UNAVAILABLE'),
  );
  await assert.rejects(
    connectTcp({ host: '127.0.0.1', port: 179, minTtl: 255, timeoutMs: 1000 }, missing),
    rejectsWith('ERR_NATIVE_UNAVAILABLE'),
  );
  await assert.rejects(
    listenTcp({ host: '127.0.0.1', port: 0, md5Peers: [{ address: '127.0.0.2', password: secret }] }, missing),
    rejectsWith('ERR_NATIVE_UNAVAILABLE'),
  );
  await assert.rejects(listenTcp({ host: '127.0.0.1', port: 0, ttl: 255 }, missing), rejectsWith('ERR_NATIVE_UNAVAILABLE'));
});

test('a missing addon: plain connect and listen still work, and such a listener takes no keys', async () => {
  const server = await listenTcp({ host: '127.0.0.1', port: 0 }, missing);
  try {
    const { port } = server.address() as net.AddressInfo;
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const socket = await connectTcp({ host: '127.0.0.1', port, timeoutMs: 2000 }, missing);
    socket.destroy();
    (await accepted).destroy();
    assert.throws(() => setListenerPassword(server, '127.0.0.1', secret), rejectsWith('ERR_INVALID_OPTION'));
  } finally {
    server.close();
  }
});

test('MD5 keys: 1..80 octets, counted as UTF-8; the key never appears in the message', () => {
  const fd = sockopt.createSocket(4, { md5Peers: [{ address: '192.0.2.1', password: 'k'.repeat(80) }] });
  try {
    sockopt.setMd5(fd, 4, '192.0.2.2', Buffer.alloc(80, 0xa5));
    sockopt.setMd5(fd, 4, '192.0.2.2', null);
    const tooLong = ['k'.repeat(81), 'é'.repeat(41), new Uint8Array(81)];
    for (const password of tooLong) {
      assert.throws(() => sockopt.setMd5(fd, 4, '192.0.2.3', password), (e: unknown) => {
        assert.ok(e instanceof TransportError);
        assert.equal(e.code, 'ERR_INVALID_OPTION');
        assert.match(e.message, /192\.0\.2\.3 is 8[12] octets; the kernel accepts at most 80/);
        if (typeof password === 'string') assert.ok(!e.message.includes(password.slice(0, 10)));
        return true;
      });
    }
    assert.throws(
      () => sockopt.createSocket(4, { md5Peers: [{ address: '192.0.2.1', password: '' }] }),
      rejectsWith('ERR_INVALID_OPTION'),
    );
    assert.throws(
      () => sockopt.createSocket(4, { md5Peers: [{ address: '192.0.2.1', password: 'x'.repeat(81) }] }),
      rejectsWith('ERR_INVALID_OPTION'),
    );
  } finally {
    closeSync(fd);
  }
});

test('addresses must be literals of the socket family; IPv4 on an IPv6 socket is the mapped peer', () => {
  const fd6 = sockopt.createSocket(6);
  try {
    sockopt.setMd5(fd6, 6, '192.0.2.1', secret);
    sockopt.setMd5(fd6, 6, '::ffff:192.0.2.1', null);
    assert.throws(() => sockopt.setMd5(fd6, 6, '192.0.2.1', null), rejectsWith('ERR_SOCKET_OPTION', 'ENOENT'));
  } finally {
    closeSync(fd6);
  }
  for (const bad of ['not-an-ip', '10.0.0.256', 'example.net', '', '2001:db8::1::2']) {
    assert.throws(() => sockopt.createSocket(6, { md5Peers: [{ address: bad, password: secret }] }), rejectsWith('ERR_INVALID_OPTION'));
  }
  assert.throws(
    () => sockopt.createSocket(4, { md5Peers: [{ address: '2001:db8::1', password: secret }] }),
    rejectsWith('ERR_INVALID_OPTION'),
  );
  assert.throws(() => sockopt.createSocket(4, { localAddress: '::1' }), rejectsWith('ERR_INVALID_OPTION'));
});

test('TTL, minimum TTL, ports, descriptors and family are range-checked', () => {
  const cases: [string, () => unknown][] = [
    ['ttl 0', () => sockopt.createSocket(4, { ttl: 0 })],
    ['ttl 256', () => sockopt.createSocket(4, { ttl: 256 })],
    ['ttl 1.5', () => sockopt.createSocket(4, { ttl: 1.5 })],
    ['minTtl -1', () => sockopt.createSocket(6, { minTtl: -1 })],
    ['minTtl 256', () => sockopt.createSocket(6, { minTtl: 256 })],
    ['port 65536', () => sockopt.createSocket(4, { localPort: 65536 })],
    ['backlog 0', () => sockopt.createSocket(4, { backlog: 0 })],
    ['fd -1', () => sockopt.setTtl(-1, 4, 64)],
    ['family 5', () => sockopt.setTtl(0, 5 as 4, 64)],
  ];
  for (const [what, call] of cases) assert.throws(call, rejectsWith('ERR_INVALID_OPTION'), what);
});

test('options read back as set, on both families', () => {
  for (const family of [4, 6] as const) {
    const fd = sockopt.createSocket(family, { ttl: 33, minTtl: 254 });
    try {
      assert.equal(sockopt.getTtl(fd, family), 33);
      assert.equal(sockopt.getMinTtl(fd, family), 254);
      sockopt.setTtl(fd, family, 255);
      sockopt.setMinTtl(fd, family, 0);
      assert.equal(sockopt.getTtl(fd, family), 255);
      assert.equal(sockopt.getMinTtl(fd, family), 0);
    } finally {
      closeSync(fd);
    }
  }
});

test('kernel refusals become ERR_SOCKET_OPTION / ERR_BIND_FAILED with the errno name', () => {
  assert.throws(() => sockopt.setTtl(notOpen, 4, 64), rejectsWith('ERR_SOCKET_OPTION', 'EBADF'));
  assert.throws(
    () => sockopt.createSocket(4, { localAddress: '192.0.2.77', localPort: 1179 }),
    rejectsWith('ERR_BIND_FAILED', 'EADDRNOTAVAIL'),
  );
});

interface RawError {
  code?: string;
  syscall?: string;
  message: string;
}
interface RawAddon {
  createSocket(family: number, options?: object): number;
  setMd5(fd: number, family: number, peer: unknown, key: unknown): void;
  setTtl(fd: number, family: number, ttl: unknown): void;
}

test('the addon itself checks its arguments: errors carry the errno name and name the option', () => {
  const raw = createRequire(import.meta.url)(defaultAddonPath()) as RawAddon;
  const fd = raw.createSocket(4);
  const check = (call: () => unknown, code: string, text: RegExp, syscall?: string): void => {
    assert.throws(call, (e: unknown) => {
      const err = e as RawError;
      assert.equal(err.code, code);
      assert.match(err.message, text);
      if (syscall !== undefined) assert.equal(err.syscall, syscall);
      return true;
    });
  };
  try {
    check(() => raw.setMd5(fd, 4, '192.0.2.1', 'k'.repeat(81)), 'EINVAL', /TCP_MD5SIG key longer than 80 octets/);
    check(() => raw.setMd5(fd, 4, '192.0.2.1', Buffer.alloc(81)), 'EINVAL', /TCP_MD5SIG key longer than 80 octets/);
    check(() => raw.setMd5(fd, 4, 'nope', 'k'), 'EINVAL', /TCP_MD5SIG: peer address/);
    check(() => raw.setMd5(fd, 4, '2001:db8::1', 'k'), 'EINVAL', /TCP_MD5SIG: peer address/);
    check(() => raw.setMd5(fd, 4, '192.0.2.1', 42), 'EINVAL', /TCP_MD5SIG key must be/);
    check(() => raw.setMd5(fd, 4, '192.0.2.1', null), 'ENOENT', /setsockopt\(TCP_MD5SIG, removing the key\)/, 'setsockopt');
    check(() => raw.setTtl(fd, 4, 300), 'EINVAL', /IP_TTL: value must be an integer 1\.\.255/);
    check(() => raw.createSocket(7), 'EINVAL', /family must be 4 or 6/);
    check(() => raw.createSocket(4, { md5: [{ address: '192.0.2.1', key: '' }] }), 'EINVAL', /empty key/);
    check(() => raw.createSocket(4, { localAddress: '192.0.2.77' }), 'EADDRNOTAVAIL', /^bind: /, 'bind');
  } finally {
    closeSync(fd);
  }
  check(() => raw.setTtl(notOpen, 4, 64), 'EBADF', /^setsockopt\(IP_TTL\)/, 'setsockopt');
});
