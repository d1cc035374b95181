// The HTTP endpoint Prometheus scrapes: GET (or HEAD) /metrics, nothing else.
// Read-only and cheap: each scrape renders from the current state.

import http from 'node:http';
import type { Logger } from '../util/log.js';
import { CONTENT_TYPE } from './exposition.js';

export interface MetricsListen {
  readonly host: string;
  readonly port: number;
}

/** The metrics endpoint could not open its address. */
export class MetricsListenError extends Error {
  override readonly name = 'MetricsListenError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const hostPort = (l: MetricsListen): string => (l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`);

function listenError(l: MetricsListen, e: NodeJS.ErrnoException): MetricsListenError {
  const at = `metrics address ${hostPort(l)}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new MetricsListenError(`${at} is in use: is another floatd or exporter listening there? Choose another metrics listen address`, 'ERR_METRICS_ADDRESS_IN_USE');
    case 'EADDRNOTAVAIL':
      return new MetricsListenError(`${at} is not an address of this host`, 'ERR_METRICS_ADDRESS_NOT_AVAILABLE');
    case 'EACCES':
      return new MetricsListenError(`${at}: not allowed to listen there (ports below 1024 need privileges)`, 'ERR_METRICS_ADDRESS_DENIED');
    default:
      return new MetricsListenError(`${at}: cannot listen: ${e.message}`, 'ERR_METRICS_LISTEN');
  }
}

/** Listens on `listen` and serves `render()` at /metrics. Resolves once listening; closing the server is the caller's job. */
export async function startMetricsServer(listen: MetricsListen, render: () => string, log: Logger): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (e) {
      log.error({ err: (e as Error).message }, `metrics scrape failed: ${(e as Error).message}`);
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics could not be rendered\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(listen, e)));
    server.listen(listen.port, listen.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  server.on('error', (e) => log.error({ err: e.message }, `metrics server error: ${e.message}`));
  const a = server.address();
  const actual = { host: listen.host, port: typeof a === 'object' && a ? a.port : listen.port };
  log.info(actual, `metrics at http://${hostPort(actual)}/metrics`);
  return server;
}
