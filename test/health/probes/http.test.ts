import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { HttpProbe, statusMatches } from '../../../src/health/probes/http.js';
import { runWithTimeout } from '../../../src/health/run-with-timeout.js';
import { realClock } from '../../../src/util/clock.js';
import type { HttpProbeSpec } from '../../../src/health/probe-spec.js';
import { closeServer, listen, selfSignedCert } from '../helpers/servers.js';

interface Seen {
  method: string;
  url: string;
  host: string | undefined;
  headers: IncomingMessage['headers'];
  servername?: string | false | null;
}

const seen: Seen[] = [];
const openSockets = new Set<Socket>();

function handler(req: IncomingMessage, res: ServerResponse): void {
  const servername = (req.socket as TLSSocket).servername;
  seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host, headers: req.headers, ...(servername !== undefined ? { servername } : {}) });
  switch (req.url) {
    case '/health':
      res.end('status: OK\n');
      return;
    case '/fail':
      res.writeHead(503).end('draining\n');
      return;
    case '/redirect':
      res.writeHead(302, { location: '/health' }).end();
      return;
    case '/hang':
      return; // never answers
    case '/big':
      res.end('x'.repeat(200_000) + 'TAIL');
      return;
    default:
      res.writeHead(404).end('no such page');
  }
}

const http = createServer(handler);
let tls: ReturnType<typeof createTlsServer>;
let httpPort = 0;
let httpsPort = 0;
let cert = '';

before(async () => {
  const material = selfSignedCert();
  cert = material.cert;
  tls = createTlsServer({ key: material.key, cert: material.cert }, handler);
  for (const s of [http, tls]) s.on('connection', (c: Socket) => (openSockets.add(c), c.on('close', () => openSockets.delete(c))));
  httpPort = await listen(http);
  httpsPort = await listen(tls);
});

after(async () => {
  await closeServer(http);
  await closeServer(tls);
});

const probe = (spec: Partial<HttpProbeSpec>) =>
  new HttpProbe({ kind: 'http', host: '127.0.0.1', port: httpPort, ...spec } as HttpProbeSpec).run(new AbortController().signal);
const tlsProbe = (spec: Partial<HttpProbeSpec>) =>
  new HttpProbe({ kind: 'https', host: '127.0.0.1', port: httpsPort, ...spec } as HttpProbeSpec).run(new AbortController().signal);

test('status match: a code, or an inclusive range', () => {
  assert.equal(statusMatches(204, [[200, 299]]), true);
  assert.equal(statusMatches(302, [[200, 299]]), false);
  assert.equal(statusMatches(302, [200, [300, 399]]), true);
  assert.equal(statusMatches(404, [200, 404]), true);
});

test('http: 200 passes, with the body head as output', async () => {
  const r = await probe({ path: '/health' });
  assert.equal(r.ok, true);
  assert.match(r.detail, new RegExp(`^GET http://127\\.0\\.0\\.1:${httpPort}/health: 200 in `));
  assert.equal(r.output, 'status: OK\n');
});

test('http: a status outside the expected codes fails; redirects fail by default, pass when listed', async () => {
  const r = await probe({ path: '/fail' });
  assert.equal(r.ok, false);
  assert.match(r.detail, /status 503 not in 200-299$/);
  assert.equal(r.output, 'draining\n');
  assert.equal((await probe({ path: '/redirect' })).ok, false);
  assert.equal((await probe({ path: '/redirect', status: [[200, 399]] })).ok, true);
  assert.equal((await probe({ path: '/fail', status: [503] })).ok, true);
});

test('http: body substring and regex', async () => {
  assert.equal((await probe({ path: '/health', bodyContains: 'OK' })).ok, true);
  const lacks = await probe({ path: '/health', bodyContains: 'READY' });
  assert.equal(lacks.ok, false);
  assert.match(lacks.detail, /body lacks "READY"/);
  assert.equal((await probe({ path: '/health', bodyRegex: '^status: (OK|WARN)$' })).ok, false, 'no m flag: $ is the end of the body');
  assert.equal((await probe({ path: '/health', bodyRegex: '^status: (OK|WARN)\\n$' })).ok, true);
  const no = await probe({ path: '/health', bodyRegex: 'DOWN' });
  assert.match(no.detail, /does not match \/DOWN\//);
});

test('http: only maxBodyBytes of the body are read for matching', async () => {
  assert.equal((await probe({ path: '/big', bodyContains: 'TAIL' })).ok, false);
  assert.equal((await probe({ path: '/big', bodyContains: 'TAIL', maxBodyBytes: 300_000 })).ok, true);
});

test('http: method, path, headers and the Host header are sent; a fresh connection each time', async () => {
  seen.length = 0;
  await probe({ method: 'HEAD', path: '/health?x=1', headers: { 'x-check': 'floatd' }, hostHeader: 'svc.test:8080' });
  await probe({ path: '/health' });
  assert.equal(seen[0]!.method, 'HEAD');
  assert.equal(seen[0]!.url, '/health?x=1');
  assert.equal(seen[0]!.host, 'svc.test:8080');
  assert.equal(seen[0]!.headers['x-check'], 'floatd');
  assert.equal(seen[0]!.headers.connection, 'close');
  assert.equal(seen[1]!.host, `127.0.0.1:${httpPort}`);
});

test('http: connection refused fails', async () => {
  const s = createServer();
  const port = await listen(s);
  await closeServer(s);
  const r = await new HttpProbe({ kind: 'http', host: '127.0.0.1', port }).run(new AbortController().signal);
  assert.equal(r.ok, false);
  assert.match(r.detail, /ECONNREFUSED/);
});

test('http: a server that never answers is aborted at the timeout and the connection closed', async () => {
  await new Promise((r) => setTimeout(r, 50));
  const open = openSockets.size;
  const p = runWithTimeout(new HttpProbe({ kind: 'http', host: '127.0.0.1', port: httpPort, path: '/hang' }), { clock: realClock, timeoutMs: 300 });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(openSockets.size, open + 1);
  const r = await p;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(openSockets.size, open, 'the server saw the connection close');
});

test('https: verification is on by default, so a self-signed certificate fails', async () => {
  const r = await tlsProbe({ path: '/health' });
  assert.equal(r.ok, false);
  assert.match(r.detail, /self[- ]signed/i);
});

test('https: insecure skips verification', async () => {
  const r = await tlsProbe({ path: '/health', insecure: true });
  assert.equal(r.ok, true);
  assert.match(r.detail, /^GET https:\/\//);
});

test('https: with the certificate as CA, it verifies against the IP or the servername', async () => {
  assert.equal((await tlsProbe({ path: '/health', ca: cert })).ok, true, 'SAN IP 127.0.0.1');
  seen.length = 0;
  assert.equal((await tlsProbe({ path: '/health', ca: cert, servername: 'svc.test' })).ok, true);
  assert.equal(seen[0]!.servername, 'svc.test', 'SNI sent');
  const wrong = await tlsProbe({ path: '/health', ca: cert, servername: 'other.test' });
  assert.equal(wrong.ok, false);
  assert.match(wrong.detail, /altnames|other\.test/);
});

test('https: the Host header also gives SNI when no servername is set', async () => {
  seen.length = 0;
  const r = await tlsProbe({ path: '/health', ca: cert, hostHeader: 'svc.test:443' });
  assert.equal(r.ok, true);
  assert.equal(seen[0]!.servername, 'svc.test');
  assert.equal(seen[0]!.host, 'svc.test:443');
  seen.length = 0;
  await tlsProbe({ path: '/health', insecure: true });
  assert.equal(seen[0]!.servername, false, 'no SNI for an IP address');
});

test('a bad body regex is an error at creation', () => {
  assert.throws(() => new HttpProbe({ kind: 'http', host: '127.0.0.1', bodyRegex: '(' }), SyntaxError);
});

test('http: every check opens its own connection, even several at once to one server, and a closed listener fails the next check', { timeout: 10_000 }, async () => {
  const server = createServer((req, res) => {
    req.resume();
    // The server would keep the connection: the probe must not.
    res.setHeader('connection', 'keep-alive');
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  let connections = 0;
  server.on('connection', () => (connections += 1));
  const port = await listen(server);
  const check = () => new HttpProbe({ kind: 'http', host: '127.0.0.1', port }).run(new AbortController().signal);
  try {
    const results = [...(await Promise.all([check(), check(), check()])), await check(), await check()];
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, true, true]);
    assert.equal(connections, 5);
    // Stops listening; connections a pool would hold stay open until closed.
    server.close();
    assert.equal((await check()).ok, false);
  } finally {
    server.closeAllConnections();
  }
});
