#!/usr/bin/env node
// Captures one real TSIG-signed RFC 2136 exchange: nsupdate (bind9-dnsutils)
// sends an UPDATE signed with `-y hmac-sha256:NAME:SECRET` to named (bind9)
// through a tiny UDP relay on loopback that records both datagrams, and
// writes them to test/fixtures/dns/nsupdate-hmac-sha256.json.
// Needs root (named runs as root here) and the two Debian packages.
//   node tools/dns/capture-nsupdate.mjs
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const KEY = { name: 'floatd-test', algorithm: 'hmac-sha256', secret: 'ZmxvYXRkIHRlc3Qga2V5LCBub3QgYSBzZWNyZXQ=' };
const out = new URL('../../test/fixtures/dns/nsupdate-hmac-sha256.json', import.meta.url);

const freePort = () =>
  new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, HOST, () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

const version = (cmd, flag) => {
  const r = spawnSync(cmd, [flag], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
};

const dir = mkdtempSync(join(tmpdir(), 'floatd-dns-capture-'));
const port = await freePort();
writeFileSync(join(dir, 'example.test.db'), '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 192.0.2.53\n');
writeFileSync(
  join(dir, 'named.conf'),
  `options { directory "${dir}"; pid-file "${dir}/named.pid"; listen-on port ${port} { ${HOST}; }; listen-on-v6 { none; }; recursion no; };
controls { };
key "${KEY.name}" { algorithm ${KEY.algorithm}; secret "${KEY.secret}"; };
zone "example.test" { type primary; file "example.test.db"; update-policy { grant ${KEY.name} zonesub A AAAA; }; };
`,
);
const named = spawn('named', ['-g', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
named.stderr.on('data', (d) => (log += d));
try {
  for (let i = 0; !/ running\n/.test(log) && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
  if (!/ running\n/.test(log)) throw new Error(`named did not start:\n${log}`);

  const relay = dgram.createSocket('udp4');
  const upstream = dgram.createSocket('udp4');
  const seen = [];
  let client;
  relay.on('message', (msg, rinfo) => {
    client = rinfo;
    seen.push({ dir: 'request', bytes: msg });
    upstream.send(msg, port, HOST);
  });
  upstream.on('message', (msg) => {
    seen.push({ dir: 'response', bytes: msg });
    relay.send(msg, client.port, client.address);
  });
  await new Promise((r) => relay.bind(0, HOST, r));
  await new Promise((r) => upstream.bind(0, HOST, r));
  const script = `server ${HOST} ${relay.address().port}\nzone example.test\nupdate add www.example.test 60 A 192.0.2.1\nsend\n`;
  const before = Math.floor(Date.now() / 1000);
  // Asynchronous: the relay must keep running while nsupdate waits for its answer.
  const ns = spawn('nsupdate', ['-y', `${KEY.algorithm}:${KEY.name}:${KEY.secret}`], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  ns.stderr.on('data', (d) => (err += d));
  ns.stdin.end(script);
  const timer = setTimeout(() => ns.kill('SIGKILL'), 10000);
  const status = await new Promise((r) => ns.once('exit', r));
  clearTimeout(timer);
  if (status !== 0) throw new Error(`nsupdate failed (${status}): ${err}`);
  relay.close();
  upstream.close();
  const req = seen.find((s) => s.dir === 'request');
  const res = seen.find((s) => s.dir === 'response');
  if (!req || !res) throw new Error('no exchange seen');
  const fixture = {
    what: 'nsupdate -y hmac-sha256 UPDATE to named (BIND 9) and its signed answer, over UDP',
    tools: { nsupdate: version('nsupdate', '-V'), named: version('named', '-v') },
    capturedAt: before,
    key: KEY,
    update: 'zone example.test; update add www.example.test 60 A 192.0.2.1',
    request: req.bytes.toString('hex'),
    response: res.bytes.toString('hex'),
  };
  writeFileSync(out, JSON.stringify(fixture, null, 2) + '\n');
  console.log(`wrote ${out.pathname}: request ${req.bytes.length} bytes, response ${res.bytes.length} bytes`);
} finally {
  named.kill('SIGTERM');
  await new Promise((r) => (named.exitCode !== null ? r() : named.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
}
