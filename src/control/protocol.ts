// The control socket speaks one JSON object per line each way:
//   request  {"command": "events", "args": {"limit": 20}}   (args may be left out when empty)
//   response {"ok": true, "result": ...} or {"ok": false, "error": "..."}
// Requests are checked here, at the edge; handlers get typed arguments.

import { z } from 'zod';

const service = z.string().min(1).max(200);

const ARGS = {
  status: z.object({}).strict(),
  peers: z.object({}).strict(),
  routes: z.object({}).strict(),
  services: z.object({}).strict(),
  events: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
  maintenance: z.object({ on: z.boolean(), service: service.optional() }).strict(),
  drain: z.object({ service: service.optional() }).strict(),
  reload: z.object({}).strict(),
  vrrp: z.object({}).strict(),
} as const;

export type Command = keyof typeof ARGS;
export const COMMANDS = Object.keys(ARGS) as readonly Command[];

export type CommandArgs = { [C in Command]: z.infer<(typeof ARGS)[C]> };
export type Request = { [C in Command]: { readonly command: C; readonly args: CommandArgs[C] } }[Command];

export type Response = { ok: true; result: unknown } | { ok: false; error: string };

const isCommand = (v: unknown): v is Command => typeof v === 'string' && Object.hasOwn(ARGS, v);

function describeIssue(issue: z.ZodIssue, expected: readonly string[]): string {
  if (issue.code === 'unrecognized_keys') {
    const allowed = expected.length > 0 ? `expected only ${expected.join(', ')}` : 'this command takes none';
    return `unknown key(s) in args: ${issue.keys.join(', ')} (${allowed})`;
  }
  const where = ['args', ...issue.path].join('.');
  if (issue.code === 'invalid_type') {
    return issue.received === 'undefined' ? `${where} is required (expected ${issue.expected})` : `${where}: expected ${issue.expected}, got ${issue.received}`;
  }
  return `${where}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
}

/** Checks a request object; returns the typed request or a reason naming the offending key. */
export function validateRequest(v: unknown): Request | { error: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'request is not an object (expected {"command": ..., "args": {...}})' };
  const extra = Object.keys(v).filter((k) => k !== 'command' && k !== 'args');
  if (extra.length > 0) return { error: `unknown key(s) ${extra.join(', ')} (expected only command, args)` };
  const { command, args = {} } = v as { command?: unknown; args?: unknown };
  if (!isCommand(command)) return { error: `unknown command ${JSON.stringify(command) ?? 'undefined'} (expected one of ${COMMANDS.join(', ')})` };
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { error: `args of ${command} must be an object` };
  const schema = ARGS[command];
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const reason = first ? describeIssue(first, Object.keys(schema.shape)) : 'invalid args';
    return { error: `${command}: ${reason}` };
  }
  return { command, args: parsed.data } as Request;
}

/** Parses and checks one request line. */
export function parseRequest(line: string): Request | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'request is not JSON (expected {"command": ..., "args": {...}})' };
  }
  return validateRequest(v);
}
