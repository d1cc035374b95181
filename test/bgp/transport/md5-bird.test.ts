import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connectTcp } from '../../../src/bgp/transport/connect.js';
import { TransportError } from '../../../src/bgp/transport/errors.js';
import { listenTcp, setListenerPassword } from '../../../src/bgp/transport/listen.js';

// Interop with BIRD 2: TCP MD5 (RFC 2385) and GTSM (RFC 5082) against a
// daemon we did not write. BIRD runs in a network namespace of its own,
// joined to the root namespace (where this test runs) by a veth pair. Needs
// root, iproute2 and bird/birdc; CI runs as root.

const pid = process.pid;
const ns = `fdtr-${pid}`;
const ifOurs = `fdtr-${pid}-a`;
const ifBird = `fdtr-${pid}-b`;
// A /30 and a /64 of their own per test process, so parallel runs do not meet.
const slot = pid % 16384;
const net30 = `10.204.${slot >> 6}`;
const ours4 = `${net30}.${((slot & 63) << 2) + 1}`;
const bird4 = `${net30}.${((slot & 63) << 2) + 2}`;
const ours6 = `fd00:204:${slot.toString(16)}::1`;
const bird6 = `fd00:204:${slot.toString(16)}::2`;

const OUR_AS = 65001;
const BIRD_AS = 65002;
const PASSWORD = 'fl0atd-md5-interop';
const WAIT_MS = 4000;

let dir = '';
const birds = new Set<Bird>();

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const quietly = (f: () => unknown): void => {
  try {
    f();
  } catch {
    // Cleanup of something that may not exist.
  }
};

function removeLab(): void {
  // Deleting our veth end deletes the pair at once; the namespace goes after.
  quietly(() => ip('link', 'del', 'dev', ifOurs));
  quietly(() => ip('netns', 'del', ns));
}

before(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('md5-bird.test needs root (network namespaces, veth, BIRD on port 179); run it as root, as CI does');
  }
  for (const tool of ['bird', 'birdc']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      throw new Error(`md5-bird.test needs ${tool} (Debian package bird2) on PATH`);
    }
  }
  dir = mkdtempSync(join(tmpdir(), `fdtr-${pid}-`));
  removeLab();
  ip('netns', 'add', ns);
  ip('link', 'add', ifOurs, 'type', 'veth', 'peer', 'name', ifBird);
  ip('link', 'set', 'dev', ifBird, 'netns', ns);
  ip('addr', 'add', `${ours4}/30`, 'dev', ifOurs);
  ip('-6', 'addr', 'add', `${ours6}/64`, 'dev', ifOurs, 'nodad');
  ip('link', 'set', 'dev', ifOurs, 'up');
  ip('-n', ns, 'addr', 'add', `${bird4}/30`, 'dev', ifBird);
  ip('-n', ns, '-6', 'addr', 'add', `${bird6}/64`, 'dev', ifBird, 'nodad');
  ip('-n', ns, 'link', 'set', 'dev', ifBird, 'up');
  ip('-n', ns, 'link', 'set', 'dev', 'lo', 'up');
});

after(async () => {
  for (const b of birds) await b.stop();
  removeLab();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns true or `ms` pass. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

class Bird {
  readonly socket: string;
  private readonly child: ChildProcess;
  private log = '';
  private exited = false;

  constructor(readonly name: string, config: string) {
    const conf = join(dir, `${name}.conf`);
    this.socket = join(dir, `${name}.ctl`);
    writeFileSync(conf, `router id ${bird4};\nlog stderr all;\nprotocol device {}\n${config}`);
    this.child = spawn('ip', ['netns', 'exec', ns, 'bird', '-f', '-c', conf, '-s', this.socket, '-P', join(dir, `${name}.pid`)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child.once('exit', () => (this.exited = true));
    birds.add(this);
  }

  birdc(...command: string[]): string {
    try {
      return execFileSync('birdc', ['-s', this.socket, ...command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return '';
    }
  }

  logText(): string {
    return this.log;
  }

  async ready(): Promise<void> {
    const ok = await eventually(() => this.birdc('show', 'status').includes('Daemon is up and running'), 5000);
    assert.ok(ok, `BIRD ${this.name} did not start:\n${this.log}`);
  }

  bgpState(protocol: string): string {
    return /BGP state:\s+(\S+)/.exec(this.birdc('show', 'protocols', 'all', protocol))?.[1] ?? 'unknown';
  }

  async stop(): Promise<void> {
    birds.delete(this);
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const killed = await Promise.race([gone.then(() => true), sleep(3000).then(() => false)]);
    if (!killed) {
      this.child.kill('SIGKILL');
      await Promise.race([gone, sleep(2000)]);
    }
    // `ip netns exec` execs bird, but should it have forked, end the bird it started too.
    quietly(() => {
      const birdPid = Number(readFileSync(join(dir, `${this.name}.pid`), 'utf8').trim());
      if (Number.isInteger(birdPid) && birdPid > 1 && birdPid !== this.child.pid) process.kill(birdPid, 'SIGKILL');
    });
  }
}

async function startBird(name: string, config: string): Promise<Bird> {
  const b = new Bird(name, config);
  await b.ready();
  return b;
}

const passivePeer = (name: string, neighbor: string, local: string, extra: string, channel: 'ipv4' | 'ipv6'): string => `
protocol bgp ${name} {
  local ${local} as ${BIRD_AS};
  neighbor ${neighbor} as ${OUR_AS};
  passive on;
  ${extra}
  debug all;
  ${channel} { import none; export none; };
}
`;

const activePeer = (name: string, neighbor: string, port: number, local: string, extra: string, channel: 'ipv4' | 'ipv6'): string => `
protocol bgp ${name} {
  local ${local} as ${BIRD_AS};
  neighbor ${neighbor} port ${port} as ${OUR_AS};
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 2;
  ${extra}
  debug all;
  ${channel} { import none; export none; };
}
`;

/** Splits the byte stream into BGP messages (RFC 4271 4.1: 16-octet marker, 2-octet length, 1-octet type). */
class Messages {
  private buf = Buffer.alloc(0);
  private readonly queue: Buffer[] = [];
  private wake: (() => void) | undefined;

  constructor(socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 19) {
        const len = this.buf.readUInt16BE(16);
        if (len < 19 || this.buf.length < len) break;
        this.queue.push(this.buf.subarray(0, len));
        this.buf = this.buf.subarray(len);
      }
      this.wake?.();
    });
  }

  /** The next whole message, or undefined if none arrives within `ms`. */
  async next(ms: number): Promise<Buffer | undefined> {
    const end = Date.now() + ms;
    while (this.queue.length === 0 && Date.now() < end) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, Math.max(0, end - Date.now()));
      });
      this.wake = undefined;
    }
    return this.queue.shift();
  }

  pendingBytes(): number {
    return this.buf.length + this.queue.reduce((n, m) => n + m.length, 0);
  }
}

const MARKER = 'ff'.repeat(16);

function assertOpen(m: Buffer | undefined, what: string): void {
  assert.ok(m !== undefined, `${what}: no OPEN from BIRD`);
  assert.ok(m.length >= 29, `${what}: OPEN too short (${m.length})`);
  assert.equal(m.subarray(0, 16).toString('hex'), MARKER, `${what}: marker`);
  assert.equal(m[18], 1, `${what}: message type is OPEN`);
  assert.equal(m.readUInt16BE(20), BIRD_AS, `${what}: BIRD's AS in the OPEN`);
}

// Our OPEN, written from RFC 4271 4.2 by hand: version 4, AS 65001, hold 240,
// BGP Identifier 10.204.0.1, no optional parameters.
const OUR_OPEN = Buffer.from(`${MARKER} 001d 01 04 fde9 00f0 0acc0001 00`.replace(/ /g, ''), 'hex');

const timedOut = (e: unknown): boolean => {
  assert.ok(e instanceof TransportError, String(e));
  assert.equal(e.code, 'ERR_CONNECT_TIMEOUT', e.message);
  assert.ok(!e.message.includes(PASSWORD));
  return true;
};

for (const [family, bird, ours] of [
  [4, bird4, ours4],
  [6, bird6, ours6],
] as const) {
  test(`IPv${family} connect: the right MD5 key gets BIRD's OPEN; a wrong or missing key gets nothing`, { timeout: 40_000 }, async () => {
    const b = await startBird(`md5-connect-${family}`, passivePeer('peer', ours, bird, `password "${PASSWORD}";`, family === 4 ? 'ipv4' : 'ipv6'));
    try {
      const socket = await connectTcp({ host: bird, port: 179, localAddress: ours, password: PASSWORD, timeoutMs: WAIT_MS });
      try {
        assertOpen(await new Messages(socket).next(WAIT_MS), 'right key');
      } finally {
        socket.destroy();
      }
      await assert.rejects(connectTcp({ host: bird, port: 179, password: 'not-the-key', timeoutMs: WAIT_MS }), timedOut);
      await assert.rejects(connectTcp({ host: bird, port: 179, timeoutMs: WAIT_MS }), timedOut);
      assert.notEqual(b.bgpState('peer'), 'Established');
    } finally {
      await b.stop();
    }
  });
}

test('listen: BIRD connects only once our listener has its key, set while it runs', { timeout: 40_000 }, async () => {
  const server = await listenTcp({ host: ours4, port: 0 });
  const port = (server.address() as net.AddressInfo).port;
  const connections: net.Socket[] = [];
  server.on('connection', (s: net.Socket) => connections.push(s));
  const b = await startBird('md5-listen', activePeer('peer', ours4, port, bird4, `password "${PASSWORD}";`, 'ipv4'));
  try {
    const attempts = (): number => (b.logText().match(/Connecting to /g) ?? []).length;
    assert.ok(await eventually(() => attempts() >= 2, 8000), `BIRD made no connection attempts:\n${b.logText()}`);
    assert.equal(connections.length, 0, 'a keyed SYN reached a listener without the key');

    setListenerPassword(server, bird4, PASSWORD);
    assert.ok(await eventually(() => connections.length > 0, 8000), `no connection after the key was set:\n${b.logText()}`);
    const socket = connections[0]!;
    assert.equal(socket.remoteAddress, bird4);
    assertOpen(await new Messages(socket).next(WAIT_MS), 'listener');
  } finally {
    await b.stop();
    for (const s of connections) s.destroy();
    server.close();
  }
});

test('listen: a dual-stack listener takes BIRD over IPv4 (mapped key) and IPv6; a wrong key takes nothing', { timeout: 40_000 }, async () => {
  for (const password of ['wrong-key', PASSWORD]) {
    const server = await listenTcp({
      host: '::',
      port: 0,
      md5Peers: [
        { address: bird4, password },
        { address: bird6, password },
      ],
    });
    const port = (server.address() as net.AddressInfo).port;
    const byPeer = new Map<string, net.Socket>();
    server.on('connection', (s: net.Socket) => byPeer.set(s.remoteAddress ?? '', s));
    const b = await startBird(
      `md5-dual-${password === PASSWORD ? 'right' : 'wrong'}`,
      activePeer('peer4', ours4, port, bird4, `password "${PASSWORD}";`, 'ipv4') +
        activePeer('peer6', ours6, port, bird6, `password "${PASSWORD}";`, 'ipv6'),
    );
    try {
      if (password === PASSWORD) {
        assert.ok(await eventually(() => byPeer.size === 2, 8000), `expected both sessions:\n${b.logText()}`);
        assertOpen(await new Messages(byPeer.get(`::ffff:${bird4}`)!).next(WAIT_MS), 'IPv4-mapped');
        assertOpen(await new Messages(byPeer.get(bird6)!).next(WAIT_MS), 'IPv6');
      } else {
        const attempts = (): number => (b.logText().match(/Connecting to /g) ?? []).length;
        assert.ok(await eventually(() => attempts() >= 4, 8000), `BIRD made no connection attempts:\n${b.logText()}`);
        assert.equal(byPeer.size, 0);
      }
    } finally {
      await b.stop();
      for (const s of byPeer.values()) s.destroy();
      server.close();
    }
  }
});

/** Connects, reads BIRD's OPEN, sends ours; BIRD answers (KEEPALIVE) only if it accepted our packets. */
async function openExchange(options: { ttl?: number; minTtl?: number }): Promise<{ open: Buffer | undefined; reply: Buffer | undefined }> {
  const socket = await connectTcp({ host: bird4, port: 179, ...options, timeoutMs: WAIT_MS });
  try {
    const messages = new Messages(socket);
    const open = await messages.next(WAIT_MS);
    if (open === undefined) return { open, reply: undefined };
    socket.write(OUR_OPEN);
    return { open, reply: await messages.next(2500) };
  } finally {
    socket.destroy();
  }
}

test('GTSM connect: with BIRD\'s "ttl security on", TTL 255 gets a KEEPALIVE for our OPEN; TTL 64 is ignored', { timeout: 40_000 }, async () => {
  for (const [ttl, accepted] of [
    [255, true],
    [64, false],
  ] as const) {
    // A fresh BIRD each time: a session it still holds would make it refuse the next connection.
    const b = await startBird(`gtsm-connect-${ttl}`, passivePeer('peer', ours4, bird4, 'ttl security on;', 'ipv4'));
    try {
      const { open, reply } = await openExchange({ ttl, minTtl: 255 });
      assertOpen(open, `ttl ${ttl}`);
      if (accepted) {
        assert.ok(reply !== undefined, `BIRD did not answer our OPEN sent with TTL 255:\n${b.logText()}`);
        assert.equal(reply[18], 4, 'KEEPALIVE');
        assert.ok(await eventually(() => /Got OPEN\(as=65001/.test(b.logText()), 2000), b.logText());
      } else {
        assert.equal(reply, undefined, 'BIRD answered an OPEN sent with TTL 64');
        assert.doesNotMatch(b.logText(), /Got OPEN/);
      }
    } finally {
      await b.stop();
    }
  }
});

test('GTSM connect: our minimum TTL 255 drops what BIRD sends without GTSM (TTL 1)', { timeout: 40_000 }, async () => {
  const b = await startBird('gtsm-min', passivePeer('peer', ours4, bird4, '', 'ipv4'));
  try {
    const socket = await connectTcp({ host: bird4, port: 179, ttl: 255, minTtl: 255, timeoutMs: WAIT_MS });
    try {
      const messages = new Messages(socket);
      socket.write(OUR_OPEN);
      assert.equal(await messages.next(WAIT_MS), undefined);
      assert.equal(messages.pendingBytes(), 0);
      // BIRD did send: its OPEN and, for ours, a KEEPALIVE; our kernel dropped both.
      assert.ok(await eventually(() => /Sending OPEN/.test(b.logText()), 2000), b.logText());
    } finally {
      socket.destroy();
    }
  } finally {
    await b.stop();
  }
});

test('GTSM listen: BIRD with "ttl security on" answers us only when our listener sends with TTL 255', { timeout: 40_000 }, async () => {
  for (const gtsm of [true, false]) {
    const server = await listenTcp(gtsm ? { host: ours4, port: 0, ttl: 255, minTtl: 255 } : { host: ours4, port: 0 });
    const port = (server.address() as net.AddressInfo).port;
    const connections: net.Socket[] = [];
    server.on('connection', (s: net.Socket) => connections.push(s));
    const b = await startBird(`gtsm-listen-${String(gtsm)}`, activePeer('peer', ours4, port, bird4, 'ttl security on;', 'ipv4'));
    try {
      // BIRD's SYN and OPEN carry TTL 255, so they pass our minimum TTL.
      assert.ok(await eventually(() => connections.length > 0, 8000), `no connection:\n${b.logText()}`);
      const socket = connections[0]!;
      const messages = new Messages(socket);
      assertOpen(await messages.next(WAIT_MS), `listener, gtsm ${String(gtsm)}`);
      // Accepted sockets send with the listener's TTL; BIRD drops anything below 255.
      socket.write(OUR_OPEN);
      const reply = await messages.next(gtsm ? WAIT_MS : 2500);
      if (gtsm) {
        assert.ok(reply !== undefined, `BIRD did not answer our OPEN sent with TTL 255:\n${b.logText()}`);
        assert.equal(reply[18], 4, 'KEEPALIVE');
      } else {
        assert.equal(reply, undefined, 'BIRD answered an OPEN sent with TTL 64');
        assert.doesNotMatch(b.logText(), /Got OPEN/);
      }
    } finally {
      await b.stop();
      for (const s of connections) s.destroy();
      server.close();
    }
  }
});
