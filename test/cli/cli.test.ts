// Runs the real `floatd` binary against a real control socket served from
// this process by a fake daemon.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { formatEvents } from '../../src/cli/format-events.js';
import { formatPeers } from '../../src/cli/format-peers.js';
import { formatRoutes } from '../../src/cli/format-routes.js';
import { formatServices } from '../../src/cli/format-services.js';
import type { EventsView, NeighborRoutesView, PeersView, ServicesView } from '../../src/cli/format-views.js';
import { COMMANDS } from '../../src/cli/main.js';
import { formatStatus, type DaemonStatus } from '../../src/cli/status.js';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type { DaemonControl } from '../../src/control/daemon-control.js';
import { EVENTS, ROUTES, STATUS, VRRP } from './samples.js';
import { tempDir } from '../helpers/temp-dir.js';
import { formatVrrp } from '../../src/cli/format-vrrp.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'bin', 'floatd.js');
const T = { timeout: 60_000 };

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function floatd(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const calls: string[] = [];
const control: DaemonControl = {
  status: () => STATUS,
  peers: () => ({ routerId: STATUS.routerId, localAs: STATUS.localAs, peers: STATUS.peers }),
  routes: () => ROUTES,
  services: () => STATUS.services,
  vrrp: () => VRRP,
  events: (limit) => (limit === undefined ? EVENTS : EVENTS.slice(-limit)),
  maintenance: (on, service) => {
    calls.push(`maintenance ${on} ${service ?? '*'}`);
    if (service !== undefined && service !== 'web') throw new Error(`no service named '${service}'`);
    return { services: service === undefined ? ['web', 'db'] : [service] };
  },
  drain: async (service) => {
    calls.push(`drain ${service ?? '*'}`);
    await new Promise((r) => setTimeout(r, 20));
    return { services: service === undefined ? ['web', 'db'] : [service] };
  },
  reload: async () => {
    calls.push('reload');
    return calls.filter((c) => c === 'reload').length === 1
      ? { ok: true, changes: ['service api added', 'neighbor 192.0.2.1 reset: hold-time 90 -> 30'] }
      : { ok: false, changes: [], error: 'config.yaml:4:3: neighbors[0].peer-as: expected an AS number' };
  },
};

const dir = tempDir('floatd-cli-');
const socket = join(dir, 'floatd.sock');
let server: ControlServer;

before(async () => {
  server = await startControlServer(socket, control, pino({ level: 'silent' }));
});
after(async () => {
  await server.close();
});

test('views print their text by default and the daemon answer with --json', T, async () => {
  const views: [string, unknown, string][] = [
    ['status', STATUS, formatStatus(STATUS as unknown as DaemonStatus)],
    ['peers', { routerId: STATUS.routerId, localAs: STATUS.localAs, peers: STATUS.peers }, formatPeers(STATUS as unknown as PeersView)],
    ['routes', ROUTES, formatRoutes(ROUTES as unknown as NeighborRoutesView[])],
    ['services', STATUS.services, formatServices(STATUS.services as unknown as ServicesView)],
    ['events', EVENTS, formatEvents(EVENTS as EventsView)],
    ['vrrp', VRRP, formatVrrp(VRRP)],
  ];
  const runs = await Promise.all(views.map(([command]) => Promise.all([floatd(command, '--socket', socket), floatd(command, '--json', '--socket', socket)])));
  views.forEach(([command, json, text], i) => {
    const [plain, asJson] = runs[i]!;
    assert.deepEqual(plain, { code: 0, stdout: text, stderr: '' }, command);
    assert.equal(asJson.code, 0, command);
    assert.deepEqual(JSON.parse(asJson.stdout), json, command);
  });
  assert.match(runs[2]![0].stdout, /^Neighbor 169\.254\.169\.254: 1 announced, 1 received\n {2}Dir {2}Prefix/);
  const limited = await floatd('events', '--limit', '1', '--socket', socket);
  assert.deepEqual(limited, { code: 0, stdout: formatEvents(EVENTS.slice(-1)), stderr: '' });
});

test('--config finds the socket without reading password files or password variables', T, async () => {
  const config = join(dir, 'floatd.yaml');
  writeFileSync(
    config,
    `router-id: 192.0.2.1
local-as: 65001
control-socket: ${socket}
neighbors:
  - address: 192.0.2.254
    peer-as: 64512
    password-file: ${join(dir, 'unreadable', 'md5')}
  - address: 192.0.2.253
    peer-as: 64512
    password-env: FLOATD_TEST_UNSET_PASSWORD
`,
  );
  assert.equal(process.env['FLOATD_TEST_UNSET_PASSWORD'], undefined);
  const r = await floatd('status', '--json', '--config', config);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), STATUS);
});

test('maintenance, drain and reload say what they did; a refusal exits 1', T, async () => {
  calls.length = 0;
  assert.deepEqual(await floatd('maintenance', 'on', '--socket', socket), { code: 0, stdout: 'in maintenance: web, db\n', stderr: '' });
  assert.deepEqual(await floatd('maintenance', 'off', 'web', '--socket', socket), { code: 0, stdout: 'back in service: web\n', stderr: '' });
  const json = await floatd('maintenance', 'on', 'web', '--json', '--socket', socket);
  assert.deepEqual([json.code, JSON.parse(json.stdout)], [0, { services: ['web'] }]);
  assert.deepEqual(await floatd('maintenance', 'on', 'nope', '--socket', socket), { code: 1, stdout: '', stderr: "floatd: no service named 'nope'\n" });
  assert.deepEqual(await floatd('drain', '--socket', socket), { code: 0, stdout: 'drained and withdrawn: web, db\n', stderr: '' });
  const drainJson = await floatd('drain', 'web', '--json', '--socket', socket);
  assert.deepEqual([drainJson.code, JSON.parse(drainJson.stdout)], [0, { services: ['web'] }]);
  assert.deepEqual(await floatd('reload', '--socket', socket), {
    code: 0,
    stdout: 'reloaded:\n  service api added\n  neighbor 192.0.2.1 reset: hold-time 90 -> 30\n',
    stderr: '',
  });
  assert.deepEqual(await floatd('reload', '--socket', socket), {
    code: 1,
    stdout: '',
    stderr: 'reload refused, the running config stays: config.yaml:4:3: neighbors[0].peer-as: expected an AS number\n',
  });
  const refusedJson = await floatd('reload', '--json', '--socket', socket);
  assert.equal(refusedJson.code, 1);
  assert.equal(JSON.parse(refusedJson.stdout).ok, false);
  assert.deepEqual(calls, ['maintenance true *', 'maintenance false web', 'maintenance true web', 'maintenance true nope', 'drain *', 'drain web', 'reload', 'reload', 'reload']);
});

test('a missing socket is exit 1 with a clear message; usage errors are exit 2 and reach no daemon', T, async () => {
  const missing = join(dir, 'nowhere.sock');
  const commands = ['status', 'peers', 'routes', 'services', 'events', 'maintenance on', 'drain', 'reload'];
  const runs = await Promise.all(commands.map((c) => floatd(...c.split(' '), '--socket', missing)));
  runs.forEach((r, i) => assert.deepEqual(r, { code: 1, stdout: '', stderr: `floatd: is floatd running? socket ${missing}: no such file (ENOENT)\n` }, commands[i]));
  calls.length = 0;
  const usage: [string[], string][] = [
    [['maintenance', '--socket', socket], 'maintenance: say on or off'],
    [['maintenance', 'maybe', '--socket', socket], "maintenance: say on or off, not 'maybe'"],
    [['maintenance', 'on', 'a', 'b', '--socket', socket], 'maintenance: at most one SERVICE'],
    [['drain', 'a', 'b', '--socket', socket], 'drain: at most one SERVICE'],
    [['events', '--limit', '0', '--socket', socket], "events: --limit must be a whole number from 1 to 1000, not '0'"],
    [['events', '--limit', '5x', '--socket', socket], "events: --limit must be a whole number from 1 to 1000, not '5x'"],
    [['status', '--socket', socket, '--config', 'x.yaml'], 'status: give --socket or --config, not both'],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ];
  const usageRuns = await Promise.all(usage.map(([args]) => floatd(...args)));
  usage.forEach(([args, message], i) => {
    assert.deepEqual(usageRuns[i], { code: 2, stdout: '', stderr: `floatd: ${message}\nRun 'floatd help' for usage.\n` }, args.join(' '));
  });
  const unknownOption = await floatd('status', '--verbose', '--socket', socket);
  assert.equal(unknownOption.code, 2);
  assert.match(unknownOption.stderr, /^floatd: status: Unknown option '--verbose'/);
  assert.deepEqual(calls, []);
});

test('floatd --help lists every command and each command has its own --help', T, async () => {
  const { HELP } = await import('../../src/cli/main.js');
  assert.deepEqual(await floatd('--help'), { code: 0, stdout: HELP, stderr: '' });
  assert.deepEqual(await floatd('help', 'drain'), { code: 0, stdout: COMMANDS.drain!.help, stderr: '' });
  const names = Object.keys(COMMANDS);
  // One at a time: twenty Node start-ups at once can outlast the per-run timeout on a busy machine.
  for (const name of names) assert.deepEqual(await floatd(name, '--help'), { code: 0, stdout: COMMANDS[name]!.help, stderr: '' }, name);
});
