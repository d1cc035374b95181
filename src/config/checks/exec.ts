import { z } from 'zod';
import { absolutePath, defined, expecting, list, section, text } from '../fields.js';
import type { ProbeSpec } from '../../health/probe-spec.js';
import type { CheckKindModule } from './kind.js';

/** `exec`: a program exits 0. */
export const execCheck: CheckKindModule<'exec'> = {
  keys: {
    exec: () =>
      section(
        {
          command: list(text('a program or argument'), 'a list: the program and its arguments')
            .min(1, 'the list is empty (expected the program and its arguments)')
            .refine((c) => c[0] !== '', 'the program is empty (expected a program path)'),
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
  toFile: (c) => ({ exec: defined({ command: c.command, env: c.env, cwd: c.cwd }) }),
};
