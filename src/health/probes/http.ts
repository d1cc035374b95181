// HTTP and HTTPS probe over node:http/https: one fresh connection per check
// (no keep-alive, so a pooled socket never hides a dead listener), status
// code match, optional body match. TLS is verified unless `insecure` is set.

import type { IncomingMessage, ClientRequest, OutgoingHttpHeaders } from 'node:http';
import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { nodeHttp, nodeHttps } from '../../util/node-http.js';
import type { HttpProbeSpec, StatusMatch } from '../probe-spec.js';
import { abortedResult, errorText, stopwatch, type Probe, type ProbeResult } from '../probe-result.js';
import { hostPort, unbracket } from './tcp.js';

export const DEFAULT_STATUS: readonly StatusMatch[] = [[200, 299]];
const DEFAULT_MAX_BODY = 64 * 1024;
/** Bytes of the body kept in the result for status pages. */
const OUTPUT_HEAD = 512;

export const statusMatches = (code: number, want: readonly StatusMatch[]): boolean =>
  want.some((m) => (typeof m === 'number' ? code === m : code >= m[0] && code <= m[1]));

const statusText = (want: readonly StatusMatch[]): string =>
  want.map((m) => (typeof m === 'number' ? String(m) : `${m[0]}-${m[1]}`)).join(',');

/** "svc.example:8443" -> "svc.example"; bracketed IPv6 kept whole. */
const hostOnly = (hostHeader: string): string => {
  if (hostHeader.startsWith('[')) return unbracket(hostHeader.slice(0, hostHeader.indexOf(']') + 1));
  const colon = hostHeader.lastIndexOf(':');
  return colon >= 0 && hostHeader.indexOf(':') === colon ? hostHeader.slice(0, colon) : hostHeader;
};

/**
 * One agent for every plain HTTP check instead of a new one per request
 * (`agent: false`): without keep-alive and with no limit on sockets it still
 * opens a fresh connection for each request and closes it after the answer,
 * at about a tenth less CPU per check. HTTPS keeps a fresh agent each time,
 * so no TLS session is resumed and every check verifies the certificate.
 */
const HTTP_AGENT = new nodeHttp.Agent({ keepAlive: false, maxSockets: Infinity });

export class HttpProbe implements Probe {
  readonly kind: 'http' | 'https';
  private readonly regex: RegExp | undefined;
  private readonly label: string;

  constructor(private readonly spec: HttpProbeSpec) {
    this.kind = spec.kind;
    // TLS is loaded for https probes only, at creation (see util/node-http.ts).
    if (spec.kind === 'https') nodeHttps();
    // Compiled once: a bad pattern is a configuration error, thrown at creation.
    this.regex = spec.bodyRegex !== undefined ? new RegExp(spec.bodyRegex) : undefined;
    const port = spec.port ?? (spec.kind === 'https' ? 443 : 80);
    this.label = `${spec.method ?? 'GET'} ${spec.kind}://${hostPort(spec.host, port)}${spec.path ?? '/'}`;
  }

  private options(): RequestOptions {
    const s = this.spec;
    const headers: OutgoingHttpHeaders = { 'user-agent': 'floatd-health', connection: 'close', ...s.headers };
    if (s.hostHeader !== undefined) headers.host = s.hostHeader;
    const opts: RequestOptions = {
      host: unbracket(s.host),
      port: s.port ?? (s.kind === 'https' ? 443 : 80),
      method: s.method ?? 'GET',
      path: s.path ?? '/',
      headers,
      agent: s.kind === 'https' ? false : HTTP_AGENT,
    };
    if (s.kind === 'https') {
      const sni = s.servername ?? (s.hostHeader !== undefined ? hostOnly(s.hostHeader) : undefined);
      // SNI may not carry an IP address (RFC 6066 3); node then verifies against `host`.
      if (sni !== undefined && isIP(sni) === 0) opts.servername = sni;
      opts.rejectUnauthorized = s.insecure !== true;
      if (s.ca !== undefined) opts.ca = s.ca;
    }
    return opts;
  }

  run(signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    const label = this.label;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(abortedResult(label, elapsed()));
      let settled = false;
      let req: ClientRequest | undefined;
      let res: IncomingMessage | undefined;
      const done = (r: ProbeResult): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        res?.destroy();
        req?.destroy();
        resolve(r);
      };
      const onAbort = (): void => done(abortedResult(label, elapsed()));
      signal.addEventListener('abort', onAbort, { once: true });
      const fail = (why: string, output?: string): void =>
        done({ ok: false, detail: `${label}: ${why}`, durationMs: elapsed(), ...(output !== undefined ? { output } : {}) });

      try {
        req = (this.spec.kind === 'https' ? nodeHttps().request : nodeHttp.request)(this.options());
      } catch (err) {
        fail(errorText(err));
        return;
      }
      req.once('error', (err) => fail(errorText(err)));
      req.once('response', (r) => {
        res = r;
        const max = this.spec.maxBodyBytes ?? DEFAULT_MAX_BODY;
        const chunks: Buffer[] = [];
        let size = 0;
        const judge = (): void => {
          const body = Buffer.concat(chunks).subarray(0, max).toString('utf8');
          const output = body.slice(0, OUTPUT_HEAD);
          const code = r.statusCode ?? 0;
          const want = this.spec.status ?? DEFAULT_STATUS;
          if (!statusMatches(code, want)) return fail(`status ${code} not in ${statusText(want)}`, output);
          if (this.spec.bodyContains !== undefined && !body.includes(this.spec.bodyContains)) {
            return fail(`status ${code} but body lacks ${JSON.stringify(this.spec.bodyContains)}`, output);
          }
          if (this.regex && !this.regex.test(body)) return fail(`status ${code} but body does not match /${this.regex.source}/`, output);
          const ms = elapsed();
          done({ ok: true, detail: `${label}: ${code} in ${ms.toFixed(1)} ms`, durationMs: ms, output });
        };
        r.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= max) judge();
        });
        r.once('end', judge);
        r.once('error', (err) => fail(errorText(err)));
      });
      req.end();
    });
  }
}
