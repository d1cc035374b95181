import { readFileSync, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { configSchema } from './config-schema.js';
import type { Config } from './config-schema.js';
import { ConfigError, formatPath } from './errors.js';
import type { ConfigProblem } from './errors.js';
import { UNKNOWN_KEY } from './fields.js';
import { offsetOf, pathAt } from './locate.js';
import { expandPresets } from './presets/index.js';

export interface LoadOptions {
  /** Where `password-env` is looked up; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Reads the config and password files; default fs.readFileSync(path, 'utf8'). */
  readonly readFile?: (path: string) => string;
  /** Mode bits of a password file or the config file; default from fs.statSync, or none (no checks) when readFile is given. */
  readonly modeOf?: (path: string) => number;
  /** Told of problems that do not stop loading; default: a line on stderr. */
  readonly warn?: (message: string) => void;
  /** Used when the config has no `hostname`; default os.hostname(). */
  readonly hostname?: string;
  /** The machine's IPv4 addresses, for router-id when the config has none; default from os.networkInterfaces(), loopback excluded. */
  readonly ipv4Addresses?: () => readonly string[];
}

function machineIpv4(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

const readUtf8 = (path: string): string => readFileSync(path, 'utf8');
const statMode = (path: string): number => statSync(path).mode;
const modeOfFor = (opts: LoadOptions) => opts.modeOf ?? (opts.readFile ? undefined : statMode);

/** Aliases can multiply a small file into a huge value; a config never needs many. */
const MAX_ALIASES = 100;

/**
 * yaml's messages can quote the offending token; near a password key that token
 * may be the password, so only the error code is kept there.
 */
function safeYamlMessage(text: string, offset: number, path: readonly (string | number)[], code: string, message: string): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const near = text.slice(prevStart, lineEnd < 0 ? text.length : lineEnd);
  const nearPassword = /(^|[\s{,])["']?password["']?\s*:/m.test(near) || path.includes('password');
  return `${nearPassword ? `syntax error near a password (${code})` : message} (expected valid YAML)`;
}

function endOfTextBefore(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i > 0 ? i - 1 : 0;
}

/** Parses config text; `fileName` names the file in errors and anchors relative password-file paths. */
export function parseConfigText(text: string, fileName: string, opts: LoadOptions = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const add = (offset: number, path: readonly (string | number)[], message: string): void => {
    const { line, col } = lineCounter.linePos(offset);
    const p = { file: fileName, line, col, path: formatPath(path), message };
    // A preset value used by several neighbors (one password file) is reported once.
    if (!problems.some((q) => q.line === line && q.col === col && q.path === p.path && q.message === message)) problems.push(p);
  };
  const fail = (): never => {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
    throw new ConfigError(problems);
  };

  for (const e of doc.errors) {
    // yaml notices an unclosed ] } or quote at the next token; the gap is right after the text before it.
    const unclosed = /end with a [\]}]$|^Missing closing/.test(e.message);
    const offset = unclosed ? endOfTextBefore(text, e.pos[0]) : e.pos[0];
    const path = pathAt(doc, offset);
    add(offset, path, safeYamlMessage(text, offset, path, e.code, e.message));
  }
  if (problems.length > 0) fail();

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    add(0, [], `too many alias expansions (expected at most ${MAX_ALIASES})`);
    fail();
  }

  const expansion = expandPresets(data);
  for (const p of expansion.problems) add(offsetOf(doc, p.path, p.atKey), p.path, p.message);
  if (!expansion.expanded && problems.length > 0) return fail();

  const schema = configSchema({
    env: opts.env ?? process.env,
    readFile: opts.readFile ?? readUtf8,
    modeOf: modeOfFor(opts),
    baseDir: dirname(resolve(fileName)),
    hostname: opts.hostname ?? hostname(),
    ipv4Addresses: opts.ipv4Addresses ?? machineIpv4,
  });
  const result = schema.safeParse(expansion.data);
  if (result.success && problems.length === 0) return result.data;
  if (!result.success) {
    for (const issue of result.error.issues) {
      const unknownKey = issue.code === 'custom' && issue.params?.[UNKNOWN_KEY] === true;
      // Errors about what a preset generated point at the preset key that produced it.
      const path = expansion.sourceOf(issue.path);
      add(offsetOf(doc, path, unknownKey), path, issue.message);
    }
  }
  return fail();
}

/** Reads and validates a config file; every problem found is reported in one ConfigError. */
export function loadConfig(path: string, opts: LoadOptions = {}): Config {
  let text: string;
  try {
    text = (opts.readFile ?? readUtf8)(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new ConfigError([
      { file: path, path: '(file)', message: `cannot read${typeof code === 'string' ? `: ${code}` : ''} (expected a readable YAML file)` },
    ]);
  }
  const cfg = parseConfigText(text, path, opts);
  warnInlinePassword(cfg, path, opts);
  return cfg;
}

/** A password written in the config makes the config a secret file too; OpenBGPD refuses one others can read, floatd warns. */
function warnInlinePassword(cfg: Config, path: string, opts: LoadOptions): void {
  const inline = cfg.neighbors.some((n) => n.password !== undefined && n.passwordFile === undefined && n.passwordEnv === undefined);
  const modeOf = modeOfFor(opts);
  if (!inline || modeOf === undefined) return;
  let mode: number;
  try {
    mode = modeOf(path);
  } catch {
    return;
  }
  if ((mode & 0o004) === 0) return;
  const message = `${path} holds a password and others can read it (mode ${(mode & 0o777).toString(8).padStart(4, '0')}; expected chmod o-r, or the password in password-file or password-env)`;
  (opts.warn ?? ((m: string) => process.stderr.write(`floatd: warning: ${m}\n`)))(message);
}
