// The HTTP endpoint Prometheus scrapes: GET (or HEAD) /metrics; with a
// status page, also / and /status.json (and the page's actions when the
// config enables them). Cheap: each request renders from the current state.

import type http from 'node:http';
import { nodeHttp } from '../util/node-http.js';
import type { Logger } from '../util/log.js';
import { CONTENT_TYPE } from './exposition.js';
import { serveStatusPage, type StatusPage } from './status-page/http.js';

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

/**
 * Listens on `listen` and serves `render()` at /metrics, and the status page
 * when one is given. Resolves once listening; closing the server is the caller's job.
 */
export async function startMetricsServer(listen: MetricsListen, render: () => string, log: Logger, status?: StatusPage): Promise<http.Server> {
  const server = nodeHttp.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (status && path !== '/metrics') {
      try {
        if (serveStatusPage(req, res, path, status, log)) return;
      } catch (e) {
        log.error({ err: (e as Error).message }, `status page failed: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('the status page could not be rendered\n');
        return;
      }
    }
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
  log.info(actual, `metrics at http://${hostPort(actual)}/metrics${status ? `, status page at http://${hostPort(actual)}/` : ''}`);
  return server;
}
