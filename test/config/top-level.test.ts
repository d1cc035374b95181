import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONTROL_SOCKET_MODE, defaultRouterId, formatHostPort, formatMode, parseConfigText } from '../../src/config/index.js';
import type { Config, ConfigProblem, LoadOptions } from '../../src/config/index.js';

const opts: LoadOptions = { env: {}, hostname: 'h', ipv4Addresses: () => [] };

/** A valid config with one neighbor; `extra` lines start at line 6. */
const withTop = (extra: string[], head = ['router-id: 192.0.2.1']): string =>
  [...head, 'local-as: 65001', 'neighbors:', '  - address: 192.0.2.254', '    peer-as: 64512', ...extra, ''].join('\n');

const parse = (text: string, o: LoadOptions = opts): Config => parseConfigText(text, 'floatd.yaml', o);

function problems(text: string, o: LoadOptions = opts): readonly ConfigProblem[] {
  try {
    parse(text, o);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

test('metrics: absent means no metrics server; listen is host:port with IPv6 in brackets, canonical', () => {
  assert.equal(parse(withTop([])).metrics, undefined);
  assert.deepEqual(parse(withTop(['metrics: { listen: "127.0.0.1:9179" }'])).metrics, { listen: { host: '127.0.0.1', port: 9179 } });
  assert.deepEqual(parse(withTop(['metrics:', '  listen: "[0:0:0::1]:9179"'])).metrics, { listen: { host: '::1', port: 9179 } });
  assert.deepEqual(parse(withTop(['metrics: { listen: "[::]:80" }'])).metrics, { listen: { host: '::', port: 80 } });
  assert.deepEqual(parse(withTop(['metrics: { listen: "0.0.0.0:9179" }', 'listen: { port: 1179 }'])).metrics?.listen, { host: '0.0.0.0', port: 9179 });
  assert.equal(formatHostPort({ host: '::1', port: 9179 }), '[::1]:9179');
  assert.equal(formatHostPort({ host: '127.0.0.1', port: 9179 }), '127.0.0.1:9179');
});

test('control-socket-mode defaults to 0660; octal text with or without the leading 0', () => {
  assert.equal(parse(withTop([])).controlSocketMode, 0o660);
  assert.equal(DEFAULT_CONTROL_SOCKET_MODE, 0o660);
  assert.equal(parse(withTop(['control-socket-mode: "0640"'])).controlSocketMode, 0o640);
  assert.equal(parse(withTop(['control-socket-mode: "600"'])).controlSocketMode, 0o600);
  assert.equal(parse(withTop(["control-socket-mode: '0664'"])).controlSocketMode, 0o664);
  assert.equal(formatMode(0o600), '0600');
  assert.equal(formatMode(0o7), '0007');
});

test('control-socket-group: a name, or a gid as a number or digits', () => {
  assert.equal(parse(withTop([])).controlSocketGroup, undefined);
  assert.equal(parse(withTop(['control-socket-group: floatd-admin'])).controlSocketGroup, 'floatd-admin');
  assert.equal(parse(withTop(['control-socket-group: 1001'])).controlSocketGroup, '1001');
  assert.equal(parse(withTop(['control-socket-group: "0"'])).controlSocketGroup, '0');
  assert.equal(parse(withTop(['control-socket-group: "machine$"'])).controlSocketGroup, 'machine$');
});

test('router-id: absent, the lowest global IPv4 address of the machine, as BIRD does', () => {
  const cfg = parse(withTop([], []), { ...opts, ipv4Addresses: () => ['198.51.100.7', '127.0.0.2', '169.254.1.1', '192.0.2.200', '10.0.0.9', '192.0.2.30'] });
  assert.equal(cfg.routerId, '10.0.0.9');
  assert.equal(defaultRouterId(['224.0.0.5', '0.0.0.0', '2001:db8::1']), undefined);
  assert.equal(defaultRouterId(['9.9.9.9', '10.0.0.1']), '9.9.9.9');
  // A file's router-id is used as written; the machine is not asked.
  const asked: string[] = [];
  const written = parse(withTop([]), {
    ...opts,
    ipv4Addresses: () => {
      asked.push('yes');
      return ['10.0.0.9'];
    },
  });
  assert.equal(written.routerId, '192.0.2.1');
  assert.deepEqual(asked, []);
});

interface Case {
  name: string;
  text: string;
  line: number;
  col: number;
  path: string;
  match: RegExp;
}

const cases: Case[] = [
  { name: 'metrics not a mapping', text: withTop(['metrics: "127.0.0.1:9179"']), line: 6, col: 10, path: 'metrics', match: /got a string \(expected a mapping with listen\)/ },
  { name: 'metrics without listen', text: withTop(['metrics: {}']), line: 6, col: 10, path: 'metrics.listen', match: /^missing \(expected an address and port such as 127\.0\.0\.1:9179 or \[::1\]:9179\)/ },
  { name: 'metrics unknown key', text: withTop(['metrics:', '  listen: "127.0.0.1:9179"', '  path: /metrics']), line: 8, col: 3, path: 'metrics.path', match: /unknown key "path" \(expected one of: listen, actions\)/ },
  { name: 'metrics listen without port', text: withTop(['metrics: { listen: "127.0.0.1" }']), line: 6, col: 20, path: 'metrics.listen', match: /"127\.0\.0\.1" is not an address and port: no port \(expected an address and port/ },
  { name: 'metrics IPv6 without brackets', text: withTop(['metrics: { listen: "::1:9179" }']), line: 6, col: 20, path: 'metrics.listen', match: /an IPv6 address needs brackets/ },
  { name: 'metrics IPv4 in brackets', text: withTop(['metrics: { listen: "[127.0.0.1]:9179" }']), line: 6, col: 20, path: 'metrics.listen', match: /does not start with an IP address/ },
  { name: 'metrics host name', text: withTop(['metrics: { listen: "localhost:9179" }']), line: 6, col: 20, path: 'metrics.listen', match: /does not start with an IP address \(expected an address and port/ },
  { name: 'metrics port 0', text: withTop(['metrics: { listen: "127.0.0.1:0" }']), line: 6, col: 20, path: 'metrics.listen', match: /has port 0 \(expected a TCP port 1\.\.65535\)/ },
  { name: 'metrics port too big', text: withTop(['metrics: { listen: "[::1]:65536" }']), line: 6, col: 20, path: 'metrics.listen', match: /has port 65536/ },
  { name: 'metrics IPv6 unquoted, port apart', text: withTop(['metrics:', '  listen: [::1]']), line: 7, col: 11, path: 'metrics.listen', match: /got a list: an IPv6 address in brackets needs quotes in YAML, as in "\[::1\]:9179"/ },
  { name: 'metrics IPv6 unquoted', text: withTop(['metrics:', '  listen: [::1]:9179']), line: 7, col: 16, path: 'metrics.listen', match: /\(expected valid YAML\)/ },
  { name: 'metrics listen a number', text: withTop(['metrics: { listen: 9179 }']), line: 6, col: 20, path: 'metrics.listen', match: /got a number \(expected an address and port/ },
  { name: 'metrics on the BGP port', text: withTop(['listen: { address: 0.0.0.0 }', 'metrics: { listen: "127.0.0.1:179" }']), line: 7, col: 20, path: 'metrics.listen', match: /port 179 is where BGP listens \(expected another port, such as 9179\)/ },
  { name: 'mode unquoted', text: withTop(['control-socket-mode: 0660']), line: 6, col: 22, path: 'control-socket-mode', match: /got the number 660, and YAML reads an unquoted 0660 as decimal \(expected an octal mode in quotes, such as "0660"\)/ },
  { name: 'mode not octal', text: withTop(['control-socket-mode: "0680"']), line: 6, col: 22, path: 'control-socket-mode', match: /"0680" is not a file mode \(expected an octal mode in quotes/ },
  { name: 'mode with special bits', text: withTop(['control-socket-mode: "4660"']), line: 6, col: 22, path: 'control-socket-mode', match: /"4660" is not a file mode/ },
  { name: 'mode world-writable', text: withTop(['control-socket-mode: "0666"']), line: 6, col: 22, path: 'control-socket-mode', match: /0666 lets every local user control floatd \(expected a mode without write for others/ },
  { name: 'mode a list', text: withTop(['control-socket-mode: [6, 6, 0]']), line: 6, col: 22, path: 'control-socket-mode', match: /got a list \(expected an octal mode/ },
  { name: 'group with a space', text: withTop(['control-socket-group: "bgp admins"']), line: 6, col: 23, path: 'control-socket-group', match: /"bgp admins" is not a group \(expected a group name or a numeric gid\)/ },
  { name: 'group negative', text: withTop(['control-socket-group: -1']), line: 6, col: 23, path: 'control-socket-group', match: /-1 is not a group/ },
  { name: 'group a mapping', text: withTop(['control-socket-group: { name: adm }']), line: 6, col: 23, path: 'control-socket-group', match: /got a mapping \(expected a group name or a numeric gid\)/ },
  { name: 'router-id missing, no address', text: withTop([], []), line: 1, col: 1, path: 'router-id', match: /missing, and this machine has no global IPv4 address to take it from \(expected an IPv4 address such as 192\.0\.2\.1\)/ },
  { name: 'preset key passed unexpanded is impossible; a null preset is still a preset', text: withTop(['preset:']), line: 6, col: 8, path: 'preset', match: /got an empty value \(expected a mapping with one of vultr, linode, generic\)/ },
];

for (const c of cases) {
  test(`error: ${c.name}`, () => {
    const found = problems(c.text);
    const p = found.find((x) => x.path === c.path);
    assert.ok(p, `no problem at ${c.path}; got:\n${found.map((x) => `${x.line}:${x.col} ${x.path}: ${x.message}`).join('\n')}`);
    assert.match(p.message, c.match);
    assert.deepEqual([p.file, p.line, p.col], ['floatd.yaml', c.line, c.col]);
  });
}

test('a config without BGP (vrrp only) needs neither local-as nor router-id; neighbors or listen need both', () => {
  const vrrpOnly = [
    'services:',
    '  - name: web',
    '    check: { http: { url: "http://127.0.0.1:8080/" } }',
    'vrrp:',
    '  - { name: v1, interface: eth0, vrid: 7, priority: 100, addresses: [192.0.2.10/24], track: [web] }',
    '',
  ].join('\n');
  const cfg = parse(vrrpOnly);
  assert.equal(cfg.localAs, undefined);
  assert.equal(cfg.routerId, undefined);
  assert.equal(cfg.neighbors.length, 0);

  const noAs = problems(['router-id: 192.0.2.1', 'neighbors:', '  - { address: 192.0.2.254, peer-as: 64512 }', ''].join('\n'));
  assert.deepEqual(
    noAs.map((p) => [p.path, p.message]),
    [['local-as', 'missing (expected an AS number 1..4294967294 other than 23456 and 65535; BGP neighbors or a listen section need it)']],
  );
  const listenOnly = problems(`listen: { port: 1179 }\n${vrrpOnly}`);
  assert.deepEqual(listenOnly.map((p) => p.path), ['local-as', 'router-id']);
  // No global IPv4 address to take a router id from: an error only where BGP needs one.
  assert.deepEqual(problems(withTop([], [])).map((p) => p.path), ['router-id']);
});
