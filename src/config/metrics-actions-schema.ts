// `metrics.actions`: lets the status page send maintenance and drain
// commands. Off unless configured; the token is read here, at load, so
// `floatd check` reports an unreadable or weak token before floatd starts.

import { resolve } from 'node:path';
import { z } from 'zod';
import { section, text } from './fields.js';
import type { SecretSources } from './secret-fields.js';
import { Secret } from './secret.js';

/** 128 bits as hex: shorter tokens can be guessed by a patient client. */
export const MIN_TOKEN_BYTES = 32;

export const metricsActionsSchema = (io: SecretSources) =>
  section(
    {
      /** A file holding the bearer token (one line); relative paths are from the config file's folder. */
      'token-file': text('a path to a file holding the token'),
    },
    'a mapping with token-file',
  ).transform((a, ctx) => {
    const path = resolve(io.baseDir, a.tokenFile);
    let token: string;
    try {
      token = io.readFile(path).replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      ctx.addIssue({ code: 'custom', path: ['token-file'], message: `cannot read ${path}${typeof code === 'string' ? `: ${code}` : ''} (expected a readable file holding the token)` });
      return z.NEVER;
    }
    if (Buffer.byteLength(token) < MIN_TOKEN_BYTES || /\s/.test(token)) {
      ctx.addIssue({
        code: 'custom',
        path: ['token-file'],
        message: `the token in ${path} is shorter than ${MIN_TOKEN_BYTES} bytes or holds spaces (expected a random token such as the output of: openssl rand -hex 32)`,
      });
      return z.NEVER;
    }
    return { tokenFile: path, token: new Secret(token) };
  });
