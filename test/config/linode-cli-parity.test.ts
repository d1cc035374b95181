// Where `floatd linode` goes past lelastic: a router id on an IPv6-only host,
// -infp, --logjson, --print-config, and what a demoted linode primary sends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { effectiveRole, withRole } from '../../src/route-policy/policy.js';
import { formatCommunity, hashedRouterId, LINODE_CLI_USAGE, LinodeCliError, linodeCli, parseConfigText } from '../../src/config/index.js';
import type { LinodeHost } from '../../src/config/index.js';

const MACHINE_ID = '0123456789abcdef0123456789abcdef';
const ipv6Only: LinodeHost = { ipv4Addresses: ['127.0.0.1', '169.254.1.1'], machineId: `${MACHINE_ID}\n`, hostname: 'web-1' };
const withIpv4: LinodeHost = { ...ipv6Only, ipv4Addresses: ['203.0.113.9', '198.51.100.7'] };
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const run = (argv: string[], host: LinodeHost) => linodeCli(['--dcid', '10', '--primary', ...argv], host);
const load = (config: Record<string, unknown>, host: LinodeHost) =>
  parseConfigText(stringify(config), 'floatd linode', { ipv4Addresses: () => host.ipv4Addresses, hostname: host.hostname });

test('a host with no global IPv4 address gets a router id derived from /etc/machine-id, stable and never 0.0.0.0', () => {
  const r = run([], ipv6Only);
  const id = r.config['router-id'] as string;
  assert.match(id, DOTTED);
  assert.notEqual(id, '0.0.0.0');
  assert.equal(id, hashedRouterId(`machine-id ${MACHINE_ID}`));
  assert.equal(run([], ipv6Only).config['router-id'], id, 'the same host gets the same id every time');
  assert.notEqual(run([], { ...ipv6Only, machineId: 'fedcba9876543210fedcba9876543210' }).config['router-id'], id, 'another machine, another id');
  assert.match(r.routerIdWhy, new RegExp(`^no global IPv4 address on this host: router-id ${id.replaceAll('.', '\\.')} derived from /etc/machine-id`));
  // The document runs: lelastic would have refused to start here.
  assert.equal(load(r.config, ipv6Only).routerId, id);
  assert.throws(() => load({ preset: r.config['preset'], watch: r.config['watch'] }, ipv6Only), /router-id: missing, and this machine has no global IPv4 address/);
});

test('without a usable /etc/machine-id the hostname is hashed instead, and the log says so', () => {
  for (const machineId of [undefined, '', 'not-a-machine-id']) {
    const host: LinodeHost = { ipv4Addresses: [], hostname: 'db-2', ...(machineId !== undefined ? { machineId } : {}) };
    const r = run([], host);
    assert.equal(r.config['router-id'], hashedRouterId('hostname db-2'), String(machineId));
    assert.match(r.routerIdWhy, /no \/etc\/machine-id: router-id [\d.]+ derived from the hostname "db-2" \(--router-id sets one\)/);
  }
  assert.notEqual(hashedRouterId('hostname db-2'), hashedRouterId('hostname db-3'));
  for (let i = 0; i < 2000; i++) assert.notEqual(hashedRouterId(`hostname h${i}`), '0.0.0.0');
});

test('a host with a global IPv4 address keeps the usual default; --router-id wins over both', () => {
  const r = run([], withIpv4);
  assert.equal('router-id' in r.config, false);
  assert.equal(r.routerIdWhy, 'router-id 198.51.100.7: the lowest global IPv4 address on this host');
  assert.equal(load(r.config, withIpv4).routerId, '198.51.100.7');
  for (const host of [withIpv4, ipv6Only]) {
    const given = run(['--router-id', '192.0.2.33'], host);
    assert.equal(given.config['router-id'], '192.0.2.33');
    assert.equal(given.routerIdWhy, 'router-id from --router-id');
    assert.equal(load(given.config, host).routerId, '192.0.2.33');
  }
  assert.equal(run(['-router-id=192.0.2.34'], ipv6Only).config['router-id'], '192.0.2.34');
  for (const bad of ['0.0.0.0', '2001:db8::1', 'router']) {
    assert.throws(
      () => run(['--router-id', bad], ipv6Only),
      (e: unknown) => e instanceof LinodeCliError && /invalid value .* for -router-id \(expected a non-zero IPv4 address/.test(e.message),
      bad,
    );
  }
});

test("-infp: the route servers' prefix, 2600:3c0f by default and 2600:3c1f for Linode's lab", () => {
  assert.equal('route-server-prefix' in (run(['-infp', '2600:3c0f'], withIpv4).config['preset'] as { linode: object }).linode, false, 'the default is not written out');
  const lab = run(['-infp', '2600:3C1F'], withIpv4);
  assert.deepEqual((lab.config['preset'] as { linode: unknown }).linode, { dcid: 10, role: 'primary', 'route-server-prefix': '2600:3c1f' });
  assert.deepEqual(
    load(lab.config, withIpv4).neighbors.map((n) => n.address),
    ['2600:3c1f:10:34::1', '2600:3c1f:10:34::2', '2600:3c1f:10:34::3', '2600:3c1f:10:34::4'],
  );
  assert.deepEqual(
    load(run([], withIpv4).config, withIpv4).neighbors.map((n) => n.address),
    ['2600:3c0f:10:34::1', '2600:3c0f:10:34::2', '2600:3c0f:10:34::3', '2600:3c0f:10:34::4'],
  );
  for (const bad of ['2600:3c1f:', '2600::', 'x', '2600:3c1f:1:2:3']) {
    assert.throws(
      () => run(['-infp', bad], withIpv4),
      (e: unknown) => e instanceof LinodeCliError && e.message.startsWith(`invalid value ${JSON.stringify(bad)} for -infp (`),
      bad,
    );
  }
  // The preset key is checked the same way in a config file.
  assert.throws(
    () => load({ preset: { linode: { dcid: 10, role: 'primary', 'route-server-prefix': '2600::' } }, announce: [{ prefix: '192.0.2.1/32' }] }, withIpv4),
    /preset\.linode\.route-server-prefix: "2600::" is not an IPv6 prefix of whole groups/,
  );
});

test('--logjson asks for JSON lines; the help says floatd logs text on a terminal otherwise', () => {
  assert.equal(run(['--logjson'], withIpv4).logJson, true);
  assert.equal(run([], withIpv4).logJson, false);
  assert.doesNotMatch(LINODE_CLI_USAGE, /always logs JSON/);
  assert.match(LINODE_CLI_USAGE, /--logjson +log JSON lines even on a terminal \(without it: JSON\n +lines when stdout is not a terminal, text on one/);
  assert.match(LINODE_CLI_USAGE, /--router-id A[\s\S]*\/etc\/machine-id[\s\S]*hostname/);
});

test('with the linode preset and failback: false, a demoted primary announces with the secondary\'s 65000:2', () => {
  const cfg = load(
    {
      preset: { linode: { dcid: 10, role: 'primary' } },
      services: [{ name: 'web', prefixes: ['192.0.2.80/32'], check: { tcp: { host: '192.0.2.80', port: 80 } }, failback: false }],
    },
    withIpv4,
  );
  const s = cfg.services![0]!;
  const policy = { prefixes: s.prefixes, up: {}, down: 'withdraw' as const, disabled: 'withdraw' as const, role: s.role!, roleStyle: s.roleStyle, failback: s.failback };
  const sent = (demoted: boolean): string[] => (withRole({}, effectiveRole(policy, demoted), s.roleStyle).communities ?? []).map(formatCommunity);
  assert.deepEqual(sent(false), ['65000:1']);
  assert.deepEqual(sent(true), ['65000:2']);
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

test('floatd linode --print-config prints the config it would run and exits 0 without starting', async () => {
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [join(REPO, 'bin', 'floatd.js'), 'linode', '--dcid', '10', '--secondary', '--infp', '2600:3c1f', '--print-config'], { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stderr, '');
  assert.match(out.stdout, /^# floatd linode --dcid 10 --secondary --infp 2600:3c1f --print-config\n# (router-id [\d.]+: the lowest global IPv4 address on this host|no global IPv4 address on this host: router-id [\d.]+ derived from .*)\n/);
  assert.match(out.stdout, /\npreset:\n {2}linode:\n {4}dcid: 10\n {4}role: secondary\n {4}route-server-prefix: 2600:3c1f\nwatch:\n {2}interface: lo\n/);
  // What was printed is a config floatd runs: the same document loads.
  const cfg = parseConfigText(out.stdout, 'printed', { ipv4Addresses: () => ['192.0.2.1'] });
  assert.equal(cfg.neighbors[0]?.address, '2600:3c1f:10:34::1');
  assert.equal(cfg.watch?.interface, 'lo');
});
