import { z } from 'zod';
import { fail, ok } from '../addresses.js';
import type { Parsed } from '../addresses.js';
import { bool, defined, expecting, list, oneOf, parsedText, section, text } from '../fields.js';
import type { ProbeSpec, StatusMatch } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';
import { redactValues } from '../secret.js';

const statusMatch = () =>
  z.union([z.number(), z.string()], { errorMap: expecting('a status code such as 200 or a range such as "200-299"') }).transform((v, ctx): StatusMatch => {
    const what = 'a status code 100..599 or a range such as "200-299"';
    const codeOk = (n: number): boolean => Number.isInteger(n) && n >= 100 && n <= 599;
    if (typeof v === 'number') {
      if (codeOk(v)) return v;
    } else {
      const m = /^(\d{3})-(\d{3})$/.exec(v);
      const lo = Number(m?.[1]);
      const hi = Number(m?.[2]);
      if (m && codeOk(lo) && codeOk(hi) && lo <= hi) return [lo, hi];
    }
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a status (expected ${what})` });
    return z.NEVER;
  });

interface UrlParts {
  readonly kind: 'http' | 'https';
  readonly host: string;
  readonly port?: number;
  readonly path: string;
}

const httpUrl = () =>
  parsedText('an http:// or https:// URL', (s): Parsed<UrlParts> => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return fail(`${JSON.stringify(s)} is not a URL (expected an http:// or https:// URL)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail(`${u.protocol} is not supported (expected an http:// or https:// URL)`);
    if (u.username !== '' || u.password !== '') return fail('credentials in the URL would be logged (expected a URL without user:password@; use headers)');
    return ok({
      kind: u.protocol === 'https:' ? 'https' : 'http',
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      ...(u.port !== '' ? { port: Number(u.port) } : {}),
      path: `${u.pathname}${u.search}`,
    });
  });

/** Compiled here once, so a bad pattern is a config error at its line rather than a probe that always fails. */
const bodyRegex = () =>
  parsedText('a JavaScript regular expression', (s): Parsed<string> => {
    try {
      new RegExp(s);
      return ok(s);
    } catch (e) {
      return fail(`${JSON.stringify(s)} is not a valid pattern: ${(e as Error).message} (expected a JavaScript regular expression)`);
    }
  });

const httpSchema = () =>
  section(
    {
      url: httpUrl(),
      method: oneOf(['GET', 'HEAD', 'POST']).optional(),
      'expect-status': list(statusMatch(), 'a list of status codes').min(1, 'the list is empty (expected at least one status)').optional(),
      'body-contains': text().optional(),
      'body-regex': bodyRegex().optional(),
      headers: z.record(text('a header value'), { errorMap: expecting('a mapping of header names to values') }).optional(),
      'host-header': text().optional(),
      servername: text('a TLS server name').optional(),
      insecure: bool().default(false),
    },
    'a mapping with at least url',
  ).transform(
    (h): ProbeSpec => ({
      ...h.url,
      ...(h.method !== undefined ? { method: h.method } : {}),
      ...(h.expectStatus !== undefined ? { status: h.expectStatus } : {}),
      ...(h.bodyContains !== undefined ? { bodyContains: h.bodyContains } : {}),
      ...(h.bodyRegex !== undefined ? { bodyRegex: h.bodyRegex } : {}),
      ...(h.headers !== undefined ? { headers: h.headers } : {}),
      ...(h.hostHeader !== undefined ? { hostHeader: h.hostHeader } : {}),
      ...(h.servername !== undefined ? { servername: h.servername } : {}),
      ...(h.insecure ? { insecure: true } : {}),
    }),
  );

/** `http`: one request, for both schemes; the URL's scheme picks the spec kind. */
export const httpCheck: CheckKindModule<'http' | 'https'> = {
  keys: { http: httpSchema },
  toFile: (c) => {
    const host = c.host.includes(':') ? `[${c.host}]` : c.host;
    return {
      http: defined({
        url: `${c.kind}://${host}${c.port === undefined ? '' : `:${c.port}`}${c.path ?? '/'}`,
        method: c.method,
        'expect-status': c.status?.map((m) => (typeof m === 'number' ? m : `${m[0]}-${m[1]}`)),
        'body-contains': c.bodyContains,
        'body-regex': c.bodyRegex,
        headers: redactValues(c.headers),
        'host-header': c.hostHeader,
        servername: c.servername,
        insecure: c.insecure ?? false,
      }),
    };
  },
};
