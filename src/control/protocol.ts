// The control socket speaks one JSON object per line each way:
//   request  {"command": "status"}
//   response {"ok": true, "result": ...} or {"ok": false, "error": "..."}

export const COMMANDS = ['status', 'routes'] as const;
export type Command = (typeof COMMANDS)[number];

export type Response = { ok: true; result: unknown } | { ok: false; error: string };

/** Validates a request line at the edge; returns the command or a reason. */
export function parseRequest(line: string): { command: Command } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'request is not JSON (expected {"command": ...})' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'request is not an object (expected {"command": ...})' };
  const keys = Object.keys(v);
  const command = (v as { command?: unknown }).command;
  if (keys.some((k) => k !== 'command')) return { error: `unknown key(s) ${keys.filter((k) => k !== 'command').join(', ')} (expected only command)` };
  if (typeof command !== 'string' || !(COMMANDS as readonly string[]).includes(command)) {
    return { error: `unknown command ${JSON.stringify(command)} (expected one of ${COMMANDS.join(', ')})` };
  }
  return { command: command as Command };
}
