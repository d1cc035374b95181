import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const unitText = readFileSync(fileURLToPath(new URL('../../../contrib/systemd/floatd.service', import.meta.url)), 'utf8');

/** Section -> directive -> values, in order (a directive may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current && eq > 0, `a directive inside a section: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

const unit = parseUnit(unitText);
const service = unit.get('Service')!;
const one = (key: string): string | undefined => {
  const v = service.get(key);
  assert.ok(v === undefined || v.length === 1, `${key} once`);
  return v?.[0];
};

test('the unit runs floatd run with the config as a dedicated user, never root', () => {
  assert.equal(one('ExecStart'), '/usr/local/bin/floatd run --config /etc/floatd/floatd.yaml');
  assert.equal(one('User'), 'floatd');
  assert.equal(one('Group'), 'floatd');
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.deepEqual(unit.get('Install')?.get('WantedBy'), ['multi-user.target']);
  assert.deepEqual(unit.get('Unit')?.get('After'), ['network-online.target']);
});

test('a notify unit with a watchdog: a wedged event loop gets floatd killed and restarted', () => {
  assert.equal(one('Type'), 'notify');
  assert.equal(one('NotifyAccess'), 'main');
  const watchdog = one('WatchdogSec');
  assert.match(watchdog ?? '', /^\d+s$/);
  // Long enough for a full table's GC pauses, short next to a 90 s hold timer.
  assert.ok(Number.parseInt(watchdog!, 10) >= 2 && Number.parseInt(watchdog!, 10) <= 10);
  assert.match(one('Restart') ?? '', /^(on-failure|on-watchdog|always)$/);
});

test('memory and tasks are bounded, so a hostile peer or a forking check cannot take the host down', () => {
  assert.match(one('MemoryMax') ?? '', /^\d+[MG]$/);
  assert.match(one('TasksMax') ?? '', /^\d+$/);
  assert.ok(Number(one('TasksMax')) >= 64, 'room for the checks and hooks floatd runs');
});

test('exactly the capabilities for port 179 and addresses on lo', () => {
  const caps = (key: string): string[] => (one(key) ?? '').split(/\s+/).sort();
  assert.deepEqual(caps('AmbientCapabilities'), ['CAP_NET_ADMIN', 'CAP_NET_BIND_SERVICE']);
  assert.deepEqual(caps('CapabilityBoundingSet'), ['CAP_NET_ADMIN', 'CAP_NET_BIND_SERVICE']);
});

test('restart on failure, SIGTERM with time to drain, SIGHUP to reload, a runtime directory for the control socket', () => {
  assert.equal(one('Restart'), 'on-failure');
  assert.equal(one('KillSignal'), 'SIGTERM');
  assert.ok(Number(one('TimeoutStopSec')) >= 60, 'a drain of the default length fits');
  assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(one('RuntimeDirectory'), 'floatd');
});

test('hardening that leaves Node, netlink and the capabilities working', () => {
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('ProtectHome'), 'yes');
  assert.equal(one('PrivateTmp'), 'yes');
  assert.deepEqual((one('RestrictAddressFamilies') ?? '').split(/\s+/).sort(), ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']);
  assert.equal(one('SystemCallErrorNumber'), 'EPERM');
  // V8 needs writable code pages; process checks read others' /proc; capabilities must act on the host network.
  for (const breaking of ['MemoryDenyWriteExecute', 'ProtectProc', 'PrivateUsers', 'PrivateNetwork', 'DynamicUser']) {
    assert.equal(service.get(breaking), undefined, breaking);
  }
});
