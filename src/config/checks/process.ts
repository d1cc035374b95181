import { z } from 'zod';
import { absolutePath, integer, section, text } from '../fields.js';
import type { ProbeSpec } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';

/** `process`: a process lives, found by pid file, pid or systemd unit. */
export const processCheck: CheckKindModule<'process'> = {
  keys: {
    process: () =>
      section(
        { 'pid-file': absolutePath().optional(), pid: integer(1, 4194304, 'a process id').optional(), unit: text('a systemd unit name').optional() },
        'a mapping with one of pid-file, pid, unit',
      ).transform((p, ctx): ProbeSpec => {
        const given = [p.pidFile !== undefined, p.pid !== undefined, p.unit !== undefined].filter(Boolean).length;
        if (given !== 1) {
          ctx.addIssue({ code: 'custom', message: `${given === 0 ? 'nothing to watch' : 'more than one thing to watch'} (expected exactly one of pid-file, pid, unit)` });
          return z.NEVER;
        }
        if (p.pidFile !== undefined) return { kind: 'process', pidFile: p.pidFile };
        if (p.pid !== undefined) return { kind: 'process', pid: p.pid };
        return { kind: 'process', unit: p.unit! };
      }),
  },
  toFile: (c) => ({ process: 'pidFile' in c ? { 'pid-file': c.pidFile } : 'pid' in c ? { pid: c.pid } : { unit: c.unit } }),
};
