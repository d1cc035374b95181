import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { LINODE_CLI_USAGE, LinodeCliError, expandPresets, linodeCli } from '../../src/config/index.js';

/** A host with a global IPv4 address: the config takes router-id from it, as any config does. */
const HOST = { ipv4Addresses: ['203.0.113.7'], machineId: '0123456789abcdef0123456789abcdef\n', hostname: 'web-1' };

const watchLo = { interface: 'lo', prefixes: ['0.0.0.0/0', '::/0'], 'ipv6-length': 64 };

test('lelastic -dcid 10 -primary: the linode preset and a watch of lo', () => {
  const r = linodeCli(['-dcid', '10', '-primary'], HOST);
  assert.deepEqual(r.config, { preset: { linode: { dcid: 10, role: 'primary' } }, watch: watchLo });
  assert.equal(r.logLevel, 'info');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /no health checks/);
});

test('one dash or two, -flag=value or -flag value, all as Go flag parsing reads them', () => {
  const spellings = [
    ['--dcid', '10', '--secondary'],
    ['-dcid=10', '-secondary'],
    ['--dcid=10', '--secondary=true'],
    ['-secondary', '-dcid', '10'],
    ['-secondary=T', '-primary=false', '-dcid=10'],
  ];
  for (const argv of spellings) {
    assert.deepEqual(linodeCli(argv, HOST).config, { preset: { linode: { dcid: 10, role: 'secondary' } }, watch: watchLo }, argv.join(' '));
  }
});

test('--send56, --allifs, --multihopttl, --loglevel, --logjson', () => {
  const r = linodeCli(['-dcid', '22', '-primary', '-send56', '-allifs', '-multihopttl', '10', '-loglevel', 'debug', '-logjson'], HOST);
  assert.deepEqual(r.config, {
    preset: { linode: { dcid: 22, role: 'primary', send56: true, multihop: 10 } },
    watch: { interface: '*', prefixes: ['0.0.0.0/0', '::/0'], 'ipv6-length': 56 },
  });
  assert.equal(r.logLevel, 'debug');
  assert.equal(linodeCli(['--dcid=22', '--primary', '--loglevel=trace'], HOST).logLevel, 'trace');
  assert.equal(linodeCli(['--dcid=22', '--primary', '--loglevel=warn'], HOST).logLevel, 'warn');
});

test('an unknown log level falls back to info with a warning, as lelastic does', () => {
  const r = linodeCli(['-dcid', '10', '-primary', '-loglevel', 'verbose'], HOST);
  assert.equal(r.logLevel, 'info');
  assert.match(r.warnings[0]!, /unknown log level "verbose": using info \(expected one of trace, debug, info, warn\)/);
});

test('a data centre not listed yet needs --allow-unlisted-dcid, which the preset then carries', () => {
  assert.deepEqual(linodeCli(['-dcid', '31', '-primary', '--allow-unlisted-dcid'], HOST).config['preset'], {
    linode: { dcid: 31, role: 'primary', 'allow-unlisted-dcid': true },
  });
});

const fails = (argv: string[], message: RegExp): void => {
  assert.throws(
    () => linodeCli(argv, HOST),
    (e: unknown) => e instanceof LinodeCliError && e.code === 'ERR_LINODE_ARGS' && e.name === 'LinodeCliError' && message.test(e.message),
    argv.join(' '),
  );
};

test('errors: missing --dcid, both roles, no role, unknown flags, bad values', () => {
  fails(['-primary'], /^--dcid N is required/);
  fails([], /^--dcid N is required/);
  fails(['-dcid', '10'], /^use either --primary or --secondary$/);
  fails(['-dcid', '10', '-primary', '-secondary'], /--primary and --secondary given together \(expected one of them\)/);
  fails(['-dcid', '10', '-primary', '-tertiary'], /^unknown flag -tertiary \(expected one of --dcid, --multihopttl, --loglevel, --infp, --router-id, --primary/);
  fails(['-dcid', '10', '-primary', '--verbose=1'], /^unknown flag -verbose/);
  fails(['-dcid', '13', '-primary'], /13 is not a known Linode data-centre id \(expected one of 2 Dallas, .* add --allow-unlisted-dcid\)/);
  fails(['-dcid', 'ten', '-primary'], /invalid value "ten" for -dcid \(expected a whole number 1\.\.9999\)/);
  fails(['-dcid', '-primary'], /invalid value "-primary" for -dcid/);
  fails(['-primary', '-dcid'], /^flag needs an argument: -dcid$/);
  fails(['-dcid', '10', '-primary', '-multihopttl', '0'], /invalid value "0" for -multihopttl \(expected a whole number 1\.\.255\)/);
  fails(['-dcid', '10', '-primary=maybe'], /invalid boolean value "maybe" for -primary/);
  fails(['-dcid', '10', '-primary', 'extra'], /unexpected argument "extra" \(floatd linode takes only flags\)/);
  fails(['-dcid', '10', '-primary', '--', 'extra'], /unexpected argument "extra"/);
  fails(['---dcid', '10'], /^bad flag syntax: ---dcid$/);
  fails(['-dcid', '10', '-primary', '-neighborpattern', 'x'], /^-neighborpattern is not supported/);
});

test('-h and --help are reported as a request for help', () => {
  for (const h of ['-h', '--help', '-help']) {
    assert.throws(() => linodeCli([h], HOST), (e: unknown) => e instanceof LinodeCliError && e.help);
  }
  assert.match(LINODE_CLI_USAGE, /--dcid N/);
  for (const flag of ['dcid', 'primary', 'secondary', 'send56', 'allifs', 'multihopttl', 'infp', 'router-id', 'loglevel', 'logjson', 'allow-unlisted-dcid', 'print-config']) {
    assert.match(LINODE_CLI_USAGE, new RegExp(`--${flag}\\b`));
  }
});

test('the document expands through the linode preset to the four route servers of the data centre', () => {
  const r = linodeCli(['-dcid', '10', '-secondary'], HOST);
  const doc = JSON.parse(JSON.stringify(r.config)) as unknown;
  const e = expandPresets(doc);
  assert.equal(e.expanded, true);
  assert.deepEqual(e.problems, []);
  const data = e.data as Record<string, unknown>;
  assert.equal(data['local-as'], 65001);
  assert.deepEqual(
    (data['neighbors'] as { address: string }[]).map((n) => n.address),
    ['2600:3c0f:10:34::1', '2600:3c0f:10:34::2', '2600:3c0f:10:34::3', '2600:3c0f:10:34::4'],
  );
  // The role's community goes on what the watch announces, as lelastic puts it on every route.
  assert.deepEqual(data['watch'], { ...watchLo, communities: ['65000:2'] });
  assert.equal('preset' in data, false);
  // It is a YAML document as a user would write it.
  assert.match(stringify(r.config), /^preset:\n {2}linode:\n {4}dcid: 10\n {4}role: secondary\nwatch:\n/);
});
