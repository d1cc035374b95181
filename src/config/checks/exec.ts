import { z } from 'zod';
import { absolutePath, commandLine, defined, expecting, section, text } from '../fields.js';
import type { ProbeSpec } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';
import { redactValues } from '../secret.js';

/** `exec`: a program exits 0. */
export const execCheck: CheckKindModule<'exec'> = {
  keys: {
    exec: () =>
      section(
        {
          command: commandLine(),
          env: z.record(text('a value'), { errorMap: expecting('a mapping of variable names to values') }).optional(),
          cwd: absolutePath().optional(),
        },
        'a mapping with command',
      ).transform(
        (e): ProbeSpec => ({
          kind: 'exec',
          command: e.command,
          ...(e.env !== undefined ? { env: e.env } : {}),
          ...(e.cwd !== undefined ? { cwd: e.cwd } : {}),
        }),
      ),
  },
  // env values are often tokens for the program: shown by name only, like http headers.
  toFile: (c) => ({ exec: defined({ command: c.command, env: redactValues(c.env), cwd: c.cwd }) }),
};
