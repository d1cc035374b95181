// The status page's routes on the metrics listener:
//   GET /             the page
//   GET /status.json  the data it shows
//   POST /actions/maintenance {"service": NAME, "on": true|false}
//   POST /actions/drain       {"service": NAME}
// Actions exist only when the config gives a token file. They are safe from
// cross-site requests: the bearer token travels in a header no other site's
// page can set, a JSON body needs a CORS preflight this server never grants,
// and a request whose Origin or Sec-Fetch-Site says another site is refused.

import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from '../../util/log.js';
import { CONTENT_SECURITY_POLICY } from './page-assets.js';
import { renderPage } from './render-page.js';
import { statusDocument } from './status-document.js';
import type { StatusActions, StatusViews } from './views.js';

export interface StatusPage {
  readonly views: StatusViews;
  /** Absent: the page is read-only and /actions/* is 404. */
  readonly actions?: StatusActions;
  /** Unix ms for the page's timestamp; default Date.now. */
  readonly wallClock?: () => number;
}

const MAX_BODY = 4096;
const MAX_NAME = 256;

const COMMON_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function send(res: http.ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...COMMON_HEADERS, ...extra }).end(body);
}

const json = (res: http.ServerResponse, status: number, v: unknown, extra: Record<string, string> = {}): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(v)}\n`, extra);

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a request looks like it came from another site's page, or undefined. */
function crossSite(req: http.IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'the Origin header is not a URL';
  }
  return host === req.headers.host ? undefined : 'the Origin is another site';
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        // Answered at once; the rest is read and dropped, and the connection closed after the answer.
        resolve(undefined);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface ActionRequest {
  readonly service: string;
  readonly on: boolean;
}

function parseAction(text: string, needsOn: boolean): ActionRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'expected a JSON object';
  const { service, on } = v as { service?: unknown; on?: unknown };
  if (typeof service !== 'string' || service === '' || service.length > MAX_NAME) return 'expected "service": the name of a service';
  if (needsOn && typeof on !== 'boolean') return 'expected "on": true or false';
  return { service, on: on === true };
}

async function action(req: http.IncomingMessage, res: http.ServerResponse, name: string, page: StatusPage, log: Logger): Promise<void> {
  const actions = page.actions;
  if (!actions || (name !== 'maintenance' && name !== 'drain')) return json(res, 404, { error: 'no such action' });
  if (req.method !== 'POST') return json(res, 405, { error: 'actions are POST only' }, { Allow: 'POST' });
  const cross = crossSite(req);
  if (cross) return json(res, 403, { error: `refused: ${cross}` });
  if (!tokenMatches(req.headers.authorization, actions.token.reveal())) {
    log.warn({ from: req.socket.remoteAddress, action: name }, 'status page action refused: missing or wrong token');
    return json(res, 401, { error: 'a valid bearer token is required' }, { 'WWW-Authenticate': 'Bearer realm="floatd"' });
  }
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return json(res, 415, { error: 'expected Content-Type: application/json' });
  const text = await readBody(req);
  if (text === undefined) return json(res, 413, { error: `the body is larger than ${MAX_BODY} bytes` }, { Connection: 'close' });
  const parsed = parseAction(text, name === 'maintenance');
  if (typeof parsed === 'string') return json(res, 400, { error: parsed });
  if (!page.views.services().some((s) => s.name === parsed.service)) return json(res, 404, { error: `no service ${JSON.stringify(parsed.service)}` });
  log.info({ from: req.socket.remoteAddress, action: name, service: parsed.service, on: parsed.on }, `status page action: ${name} ${parsed.service}`);
  if (name === 'maintenance') return json(res, 200, await actions.maintenance(parsed.on, parsed.service));
  // A drain takes its configured time; the page follows it in the service's state.
  actions.drain(parsed.service).catch((e: unknown) => log.error({ service: parsed.service, err: (e as Error).message }, `drain from the status page failed: ${(e as Error).message}`));
  return json(res, 202, { draining: parsed.service });
}

/** Serves the request if its path is the status page's; false otherwise. */
export function serveStatusPage(req: http.IncomingMessage, res: http.ServerResponse, path: string, page: StatusPage, log: Logger): boolean {
  if (path.startsWith('/actions/')) {
    action(req, res, path.slice('/actions/'.length), page, log).catch((e: unknown) => {
      log.error({ err: (e as Error).message }, `status page action failed: ${(e as Error).message}`);
      if (!res.headersSent) json(res, 500, { error: 'the action failed' });
    });
    return true;
  }
  if (path !== '/' && path !== '/status.json') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    return true;
  }
  const doc = statusDocument(page.views, (page.wallClock ?? Date.now)(), page.actions !== undefined);
  if (path === '/status.json') json(res, 200, doc);
  else send(res, 200, 'text/html; charset=utf-8', renderPage(doc), { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Frame-Options': 'DENY' });
  return true;
}
