import { commandLine, seconds, section } from './fields.js';
// The defaults alone: the health barrel would load every probe (node:https with TLS and HTTP/2) just to read a config.
import { HEALTH_DEFAULTS } from '../health/defaults.js';
import type { HookSpec, HookTrigger } from '../health/index.js';

const HOOK_TRIGGERS: readonly HookTrigger[] = ['any', 'up', 'down', 'disabled'];

/** `hooks`: one command per trigger, all under one time limit. `any` runs before the state's own hook. */
export const hooksSchema = () =>
  section(
    {
      any: commandLine().optional(),
      up: commandLine().optional(),
      down: commandLine().optional(),
      disabled: commandLine().optional(),
      timeout: seconds(0.1, 3600).default(HEALTH_DEFAULTS.hookTimeoutMs / 1000),
    },
    'a mapping with one or more of any, up, down, disabled (each a program and its arguments), and optionally timeout',
  ).transform((h, ctx): HookSpec[] => {
    const hooks = HOOK_TRIGGERS.flatMap((on): HookSpec[] => {
      const command = h[on];
      return command === undefined ? [] : [{ on, command, timeoutMs: h.timeout }];
    });
    if (hooks.length === 0) ctx.addIssue({ code: 'custom', message: `no hook given (expected one or more of ${HOOK_TRIGGERS.join(', ')})` });
    return hooks;
  });

/** Parsed hooks back in the file's form: one key per trigger, and their time limit. */
export function hooksToFile(specs: readonly HookSpec[]): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const h of specs) {
    hooks[h.on] = h.command;
    if (h.timeoutMs !== undefined) hooks['timeout'] = h.timeoutMs / 1000;
  }
  return hooks;
}
