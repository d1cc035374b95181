// The lab's client: sends HTTP requests to the floating address at a steady
// rate, each on a new connection (so the router's ECMP hash spreads them),
// and prints one JSON line per request once it ends (see records.ts):
//   node client.js --url http://192.0.2.10/ [--rate 100] [--timeout 1000]
// SIGTERM stops the sending; the process exits once the requests still in
// flight have ended (each within its timeout).

import { request } from 'node:http';
import { epochNow } from './records.js';
import type { RequestRecord } from './records.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

const url = new URL(arg('url', 'http://192.0.2.10/'));
const rate = Number(arg('rate', '100'));
const timeoutMs = Number(arg('timeout', '1000'));
const periodMs = 1000 / rate;
/** After a stall, at most this many late requests go out at once; the rest are skipped, not bunched. */
const MAX_BURST = 3;

let inFlight = 0;
let stopping = false;
let seq = 0;

const write = (r: RequestRecord) => process.stdout.write(`${JSON.stringify(r)}\n`);

function send(): void {
  const n = seq++;
  const t = epochNow();
  inFlight += 1;
  let done = false;
  const finish = (r: Omit<RequestRecord, 'n' | 't' | 'ms'>) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    inFlight -= 1;
    write({ n, t: Math.round(t * 1000) / 1000, ms: Math.round((epochNow() - t) * 10) / 10, ...r });
    if (stopping && inFlight === 0) process.exit(0);
  };
  const req = request({ host: url.hostname, port: url.port === '' ? 80 : Number(url.port), path: url.pathname, agent: false, headers: { connection: 'close' } }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      body += c;
    });
    res.on('end', () => finish({ status: res.statusCode ?? 0, by: body.trim() || String(res.headers['x-instance'] ?? '') }));
    res.on('error', (e: NodeJS.ErrnoException) => finish({ err: e.code ?? e.message }));
  });
  const timer = setTimeout(() => {
    finish({ err: 'timeout' });
    req.destroy();
  }, timeoutMs);
  req.on('error', (e: NodeJS.ErrnoException) => finish({ err: e.code ?? e.message }));
  req.end();
}

let next = performance.now();
function tick(): void {
  if (stopping) return;
  let burst = 0;
  while (performance.now() >= next) {
    if (burst < MAX_BURST) send();
    burst += 1;
    next += periodMs;
  }
  setTimeout(tick, Math.max(0, next - performance.now()));
}

process.on('SIGTERM', () => {
  stopping = true;
  if (inFlight === 0) process.exit(0);
});
tick();
