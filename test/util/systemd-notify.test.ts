import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notifyMessage, notifySettings, systemdNotifier } from '../../src/util/systemd-notify.js';
import { tempDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

test('notifySettings: no NOTIFY_SOCKET, no notifier; the watchdog pings at half WATCHDOG_USEC, only for its own pid', () => {
  assert.equal(notifySettings({}, 10), undefined);
  assert.equal(notifySettings({ NOTIFY_SOCKET: '' }, 10), undefined);
  assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '/run/systemd/notify' }, 10), { socket: '/run/systemd/notify', pingMs: undefined });
  assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '@abstract', WATCHDOG_USEC: '5000000' }, 10), { socket: '@abstract', pingMs: 2500 });
  assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '5000000', WATCHDOG_PID: '10' }, 10), { socket: '/n', pingMs: 2500 });
  assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '5000000', WATCHDOG_PID: '11' }, 10), { socket: '/n', pingMs: undefined });
  assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '1000' }, 10), { socket: '/n', pingMs: 10 });
});

test('notifySettings refuses what systemd would never send rather than running without the watchdog', () => {
  assert.throws(() => notifySettings({ NOTIFY_SOCKET: 'relative' }, 1), /NOTIFY_SOCKET="relative" is neither a socket path nor an abstract name/);
  assert.throws(() => notifySettings({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '5s' }, 1), /WATCHDOG_USEC="5s" is not a positive number of microseconds/);
  assert.throws(() => notifySettings({ NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '0' }, 1), /not a positive number/);
});

test('notifyMessage: one assignment per line, RELOADING with MONOTONIC_USEC, a STATUS never spans two lines', () => {
  assert.equal(notifyMessage('ready', 'up'), 'READY=1\nSTATUS=up\n');
  assert.equal(notifyMessage('reloading', undefined, 1234n), 'RELOADING=1\nMONOTONIC_USEC=1234\n');
  assert.equal(notifyMessage('stopping'), 'STOPPING=1\n');
  assert.equal(notifyMessage('watchdog'), 'WATCHDOG=1\n');
  assert.equal(notifyMessage('ready', 'a\nWATCHDOG=1'), 'READY=1\nSTATUS=a WATCHDOG=1\n');
});

test('systemdNotifier takes the variables out of the environment children inherit', () => {
  const env: Record<string, string | undefined> = { NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '100000', WATCHDOG_PID: String(process.pid), PATH: '/bin' };
  const n = systemdNotifier(() => undefined, env, { send: () => undefined });
  assert.ok(n);
  assert.deepEqual(env, { PATH: '/bin' });
  n.close();
  const none: Record<string, string | undefined> = { PATH: '/bin' };
  assert.equal(systemdNotifier(() => undefined, none), undefined);
});

test('watchdog pings come from the event loop: a blocked loop sends none until it runs again', async () => {
  const sent: { at: number; message: string }[] = [];
  const env = { NOTIFY_SOCKET: '/n', WATCHDOG_USEC: '40000' };
  const n = systemdNotifier(() => undefined, env, { send: (_path, message) => sent.push({ at: performance.now(), message }) })!;
  n.ready();
  await new Promise((r) => setTimeout(r, 100));
  const before = sent.filter((s) => s.message === 'WATCHDOG=1\n').length;
  assert.ok(before >= 2, `pings while the loop runs: ${before}`);
  const blockedFrom = performance.now();
  while (performance.now() - blockedFrom < 200) {
    // The event loop is held here, as a wedged floatd would hold it.
  }
  const blockedTo = performance.now();
  await new Promise((r) => setTimeout(r, 60));
  n.close();
  assert.equal(sent.filter((s) => s.at > blockedFrom && s.at < blockedTo).length, 0, 'no ping while the loop was held');
  assert.ok(sent.some((s) => s.at >= blockedTo && s.message === 'WATCHDOG=1\n'), 'pings again once the loop runs');
  assert.equal(sent[0]!.message, 'READY=1\n');
});

test('a send that fails is reported once per run of failures, and floatd keeps going', () => {
  const errors: string[] = [];
  let fail = true;
  const n = systemdNotifier((e) => errors.push(e.message), { NOTIFY_SOCKET: '/n' }, {
    send: () => {
      if (fail) throw new Error('sendto($NOTIFY_SOCKET): Connection refused');
    },
  })!;
  n.ready();
  n.stopping();
  fail = false;
  n.reloading();
  fail = true;
  n.ready();
  assert.deepEqual(errors, ['sendto($NOTIFY_SOCKET): Connection refused', 'sendto($NOTIFY_SOCKET): Connection refused']);
});

/** A datagram receiver on an AF_UNIX socket (Node has none): python3 writes each datagram as one JSON line. */
function receiver(path: string, out: string): ChildProcess {
  const script = [
    'import socket, sys, json',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    's.settimeout(15)',
    'f = open(sys.argv[2], "a")',
    'while True:',
    '  try: d = s.recv(4096)',
    '  except socket.timeout: break',
    '  f.write(json.dumps(d.decode()) + "\\n"); f.flush()',
  ].join('\n');
  return spawn('/usr/bin/python3', ['-c', script, path, out], { stdio: 'ignore' });
}

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const received = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string) : []);

test('floatd run under a notify unit: READY=1 once running, watchdog pings, STOPPING=1 on SIGTERM (real AF_UNIX datagrams)', async () => {
  const dir = tempDir('floatd-notify-');
  const sock = join(dir, 'notify.sock');
  const out = join(dir, 'received.jsonl');
  const rx = receiver(sock, out);
  try {
    await waitFor('the receiver socket', () => existsSync(sock), 5000);
    const config = join(dir, 'floatd.yaml');
    writeFileSync(
      config,
      `router-id: 192.0.2.1
local-as: 65001
control-socket: ${join(dir, 'floatd.sock')}
neighbors:
  - address: 127.0.0.1
    peer-as: 65002
    passive: true
listen:
  address: 127.0.0.1
  port: 17979
`,
    );
    const child = spawn(process.execPath, [join(REPO, 'bin', 'floatd.js'), 'run', '--config', config], {
      env: { ...process.env, NOTIFY_SOCKET: sock, WATCHDOG_USEC: '200000', FLOATD_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await waitFor('READY=1', () => received(out).some((m) => m.startsWith('READY=1\n')), 10_000);
    await waitFor('three watchdog pings', () => received(out).filter((m) => m === 'WATCHDOG=1\n').length >= 3, 5000);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const messages = received(out);
    assert.ok(messages.includes('STOPPING=1\n'), JSON.stringify(messages));
    assert.ok(messages.indexOf('STOPPING=1\n') > messages.findIndex((m) => m.startsWith('READY=1\n')));
    assert.match(messages.find((m) => m.startsWith('READY=1\n'))!, /^READY=1\nSTATUS=announcing for 0 service\(s\) to 1 neighbor\(s\)\n$/);
  } finally {
    rx.kill();
  }
});
