// The `floatd` command line: one entry per subcommand, thin over the library.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { DEFAULT_CONTROL_SOCKET, effectiveConfigText, LINODE_CLI_USAGE, linodeCli, LinodeCliError, loadConfig, parseConfigText } from '../config/index.js';
import { DEMO_HELP } from '../demo/help.js';
import { call, request } from '../control/client.js';
import type { MaintenanceResult, ReloadResult } from '../control/daemon-control.js';
import { formatDrain, formatMaintenance, formatReload } from './format-commands.js';
import { formatEvents } from './format-events.js';
import { formatPeers } from './format-peers.js';
import { formatRoutes } from './format-routes.js';
import { formatServices } from './format-services.js';
import type { EventsView, NeighborRoutesView, PeersView, ServicesView } from './format-views.js';
import { formatStatus, type DaemonStatus } from './status.js';
import { formatVrrp, type VrrpView } from './format-vrrp.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  override readonly name = 'UsageError';
}

interface CommandSpec {
  /** The command and its arguments as `floatd --help` lists them. */
  readonly synopsis: string;
  /** What it does, for `floatd --help`; one or two short lines. */
  readonly summary: string;
  /** The whole text of `floatd <command> --help`. */
  readonly help: string;
  readonly run: (args: string[]) => number | Promise<number>;
}

const READ_TIMEOUT_MS = 5_000;
const MAINTENANCE_TIMEOUT_MS = 10_000;
const RELOAD_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 600_000;

const SOCKET_OPTIONS = {
  json: { type: 'boolean' },
  socket: { type: 'string' },
  config: { type: 'string' },
} as const;

const SOCKET_HELP = `Options:
  --json           print the daemon's answer as JSON
  --socket PATH    the control socket (default: control-socket from --config,
                   else ${DEFAULT_CONTROL_SOCKET})
  --config FILE    read the control socket path from this config
`;

const write = (text: string): void => {
  process.stdout.write(text);
};
const writeJson = (v: unknown): void => write(`${JSON.stringify(v, null, 2)}\n`);

/** parseArgs with its errors turned into usage errors. */
function parse<T>(command: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** The socket to talk to: --socket, else the one named in --config, else the default. */
function socketOf(command: string, values: { socket?: string | undefined; config?: string | undefined }): string {
  if (values.socket !== undefined && values.config !== undefined) throw new UsageError(`${command}: give --socket or --config, not both`);
  if (values.socket !== undefined) return values.socket;
  if (values.config === undefined) return DEFAULT_CONTROL_SOCKET;
  const file = values.config;
  // Only the config itself is read: password files need not be readable, nor password
  // variables set in this shell, to find the socket.
  const anyEnv = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? 'unused' : undefined) }) as NodeJS.ProcessEnv;
  return loadConfig(file, { readFile: (p) => (p === file ? readFileSync(p, 'utf8') : 'unused'), env: anyEnv }).controlSocket;
}

/** A read-only view: JSON with --json, else the formatter's text. */
function view(command: 'status' | 'peers' | 'routes' | 'services' | 'vrrp', format: (result: unknown) => string) {
  return async (args: string[]): Promise<number> => {
    const { values } = parse(command, () => parseArgs({ args, options: SOCKET_OPTIONS, strict: true }));
    const result = await request(socketOf(command, values), command, READ_TIMEOUT_MS);
    if (values.json) writeJson(result);
    else write(format(result));
    return 0;
  };
}

async function eventsCommand(args: string[]): Promise<number> {
  const { values } = parse('events', () => parseArgs({ args, options: { ...SOCKET_OPTIONS, limit: { type: 'string' } }, strict: true }));
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = /^\d+$/.test(values.limit) ? Number(values.limit) : NaN;
    if (!(limit >= 1 && limit <= 1000)) throw new UsageError(`events: --limit must be a whole number from 1 to 1000, not '${values.limit}'`);
  }
  const result = await call(socketOf('events', values), 'events', limit === undefined ? {} : { limit }, READ_TIMEOUT_MS);
  if (values.json) writeJson(result);
  else write(formatEvents(result as EventsView));
  return 0;
}

async function maintenanceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('maintenance', () => parseArgs({ args, options: SOCKET_OPTIONS, allowPositionals: true, strict: true }));
  const [mode, service, ...extra] = positionals;
  if (mode !== 'on' && mode !== 'off') throw new UsageError(`maintenance: say on or off${mode === undefined ? '' : `, not '${mode}'`}`);
  if (extra.length > 0) throw new UsageError('maintenance: at most one SERVICE');
  const on = mode === 'on';
  const result = (await call(socketOf('maintenance', values), 'maintenance', service === undefined ? { on } : { on, service }, MAINTENANCE_TIMEOUT_MS)) as MaintenanceResult;
  if (values.json) writeJson(result);
  else write(formatMaintenance(on, result));
  return 0;
}

async function drainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('drain', () => parseArgs({ args, options: SOCKET_OPTIONS, allowPositionals: true, strict: true }));
  if (positionals.length > 1) throw new UsageError('drain: at most one SERVICE');
  const service = positionals[0];
  const result = (await call(socketOf('drain', values), 'drain', service === undefined ? {} : { service }, DRAIN_TIMEOUT_MS)) as MaintenanceResult;
  if (values.json) writeJson(result);
  else write(formatDrain(result));
  return 0;
}

async function reloadCommand(args: string[]): Promise<number> {
  const { values } = parse('reload', () => parseArgs({ args, options: SOCKET_OPTIONS, strict: true }));
  const result = (await call(socketOf('reload', values), 'reload', {}, RELOAD_TIMEOUT_MS)) as ReloadResult;
  const { ok, text } = formatReload(result);
  if (values.json) writeJson(result);
  else if (ok) write(text);
  else process.stderr.write(text);
  return ok ? 0 : 1;
}

/**
 * Every subcommand, in the order `floatd --help` lists them. A new command
 * is one more entry here: its synopsis and summary join the overview, its
 * help answers `floatd <command> --help`.
 */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  run: {
    synopsis: 'run --config FILE',
    summary: 'run the daemon: BGP sessions to the configured\nneighbors, announcing the configured prefixes',
    help: `Usage: floatd run --config FILE

Loads and checks FILE (nothing starts if it is invalid), opens the control
socket and the listener (if configured), and brings up a BGP session to every
neighbor, announcing the configured prefixes. Logs go to stdout as JSON lines
(readable text on a terminal; FLOATD_LOG_FORMAT=json|text, FLOATD_LOG_LEVEL).
SIGTERM or SIGINT first drains the services with drain-on-stop
(GRACEFUL_SHUTDOWN for their drain time), then withdraws every route, sends
Cease / Administrative Shutdown ("floatd stopping", RFC 9003), removes the
addresses floatd added, and exits 0. SIGHUP re-reads FILE like
'floatd reload'.
`,
    run: async (args) => {
      const { values } = parse('run', () => parseArgs({ args, options: { config: { type: 'string' } }, strict: true }));
      if (!values.config) throw new UsageError('run needs --config FILE');
      // Loaded on demand: the daemon's modules are not needed to ask it something.
      const { run } = await import('./run.js');
      return run(values.config, VERSION);
    },
  },
  check: {
    synopsis: 'check --config FILE',
    summary: 'validate a config without touching anything and\nprint it with every default filled in',
    help: `Usage: floatd check --config FILE

Validates FILE like 'run' does, touching nothing, and prints the effective
config (defaults filled in, passwords shown only by their source) as YAML.
Exits 1 with every problem listed as FILE:LINE:COL: key: what is wrong.
`,
    run: (args) => {
      const { values } = parse('check', () => parseArgs({ args, options: { config: { type: 'string' } }, strict: true }));
      if (!values.config) throw new UsageError('check needs --config FILE');
      write(effectiveConfigText(loadConfig(values.config)));
      return 0;
    },
  },
  status: {
    synopsis: 'status',
    summary: 'summary of a running floatd: one line per\nneighbor and one per service',
    help: `Usage: floatd status [--json] [--socket PATH | --config FILE]

A summary like 'bgpctl show summary': router id and local AS, then one line
per neighbor (address, AS, state, time up, messages in and out, prefixes
received and announced, the last error), then one line per service (state,
serving or not, prefixes announced and held back, the last check).

${SOCKET_HELP}`,
    run: view('status', (r) => formatStatus(r as DaemonStatus)),
  },
  vrrp: {
    synopsis: 'vrrp',
    summary: 'each VRRP instance: state, the Active router and\nits priority, the last transition and why',
    help: `Usage: floatd vrrp [--json] [--socket PATH | --config FILE]

One line per VRRP instance (state, the priority advertised now, the Active
router heard or this host, with its priority, and the last transition with
its reason), then each instance in detail: addresses, what the tracked
services say, and received packets dropped by reason.

${SOCKET_HELP}`,
    run: view('vrrp', (r) => formatVrrp(r as VrrpView[])),
  },
  peers: {
    synopsis: 'peers',
    summary: 'every neighbor in detail: timers, capabilities,\ncounters, last error',
    help: `Usage: floatd peers [--json] [--socket PATH | --config FILE]

Every neighbor in detail, like 'birdc show protocols all': state, time up and
which side connected, the peer's router id, the negotiated hold time and
keepalive interval, the capabilities both sides negotiated, messages, updates
and prefixes in and out, ROUTE-REFRESH messages received, how many times the
session was established, and the last error. After a max-prefix teardown
(neighbor key max-prefix: N, or a mapping with limit, ipv4, ipv6,
action: teardown|warn, restart SECONDS, attribute-bytes; see docs/config.md)
the session stays Idle for its restart time: 'Held' shows why and how long is
left; 'floatd reset' ends it at once. --json gives the same as "held".

${SOCKET_HELP}`,
    run: view('peers', (r) => formatPeers(r as PeersView)),
  },
  routes: {
    synopsis: 'routes',
    summary: 'routes announced to each neighbor, and received\nones for neighbors with import: all',
    help: `Usage: floatd routes [--json] [--socket PATH | --config FILE]

For each neighbor, one line per route: those announced to it ("out") and,
when the neighbor has import: all, those received from it ("in"), with next
hop, AS path, origin, MED, local preference and communities.

${SOCKET_HELP}`,
    run: view('routes', (r) => formatRoutes(r as readonly NeighborRoutesView[])),
  },
  services: {
    synopsis: 'services',
    summary: 'every service: state and reason, last probes,\nannounced and held-back prefixes',
    help: `Usage: floatd services [--json] [--socket PATH | --config FILE]

Every service: its state and whether it is serving, the last change and its
reason, what holds it disabled, whether it is draining, its check settings and
counters, each prefix (announced, held back by the flap guard, or not
announced) and the last 5 probe results with their durations (--json: every
result the daemon keeps).

${SOCKET_HELP}`,
    run: view('services', (r) => formatServices(r as ServicesView)),
  },
  events: {
    synopsis: 'events [--limit N]',
    summary: 'recent service transitions and operator\ncommands, with time and reason',
    help: `Usage: floatd events [--limit N] [--json] [--socket PATH | --config FILE]

Recent service transitions and operator commands (maintenance, drain), oldest
first: time (UTC), service, old -> new state (for a command: the state it
found), and the reason.

  --limit N        only the N most recent (1 to 1000)
${SOCKET_HELP}`,
    run: eventsCommand,
  },
  maintenance: {
    synopsis: 'maintenance on|off [SERVICE]',
    summary: 'take services out of service, or back',
    help: `Usage: floatd maintenance on|off [SERVICE] [--json]
                          [--socket PATH | --config FILE]

on: SERVICE (default: every service) goes to DISABLED and its prefixes are
withdrawn (or announced as its when-disabled says) until 'maintenance off'.
off: the service leaves maintenance, checks itself again and is announced
once it has passed 'rise' checks in a row.
Prints the services affected; exits 1 if floatd refuses (say, no such service).

${SOCKET_HELP}`,
    run: maintenanceCommand,
  },
  drain: {
    synopsis: 'drain [SERVICE]',
    summary: 'move traffic away gently (GRACEFUL_SHUTDOWN),\nthen withdraw',
    help: `Usage: floatd drain [SERVICE] [--json] [--socket PATH | --config FILE]

Takes SERVICE (default: every service) out of service without dropping
connections: its prefixes are first announced with the GRACEFUL_SHUTDOWN
community (RFC 8326) and a lower preference, so routers move traffic to other
instances, then withdrawn. Waits (up to 10 minutes) until they are withdrawn
and prints the services drained; 'floatd maintenance off' brings them back.
Exits 1 if floatd refuses (say, no such service).

${SOCKET_HELP}`,
    run: drainCommand,
  },
  reload: {
    synopsis: 'reload',
    summary: 're-read the config file (like SIGHUP) and print\nwhat changed',
    help: `Usage: floatd reload [--json] [--socket PATH | --config FILE]

Asks the running floatd to re-read its config file, as SIGHUP does. Only what
changed changes, and each change is printed on its own line. A new config
with errors is refused and the running one stays: the reason is printed and
the exit status is 1.

${SOCKET_HELP}`,
    run: reloadCommand,
  },
  decode: {
    synopsis: 'decode [FILE]',
    summary: 'print a captured BGP session message by message;\nFILE: a JSON capture or raw BGP bytes (default:\na shipped BIRD <-> GoBGP capture)',
    help: `Usage: floatd decode [FILE]

Decodes every message of a captured BGP session with floatd's codec and prints
one line per message: OPEN capabilities, UPDATE prefixes and attributes,
NOTIFICATION codes with their RFC 9003 shutdown text.
FILE is a JSON capture ({ "messages": [{ "from", "hex" }] }) or a file of raw
BGP messages. Without FILE, the capture shipped in test/fixtures/captures/ is
used.
`,
    run: async (args) => {
      const { positionals } = parse('decode', () => parseArgs({ args, allowPositionals: true, options: {}, strict: true }));
      if (positionals.length > 1) throw new UsageError('decode takes at most one FILE');
      const { DEFAULT_CAPTURE, decodeCapture } = await import('./decode.js');
      for (const line of decodeCapture(positionals[0] ?? DEFAULT_CAPTURE)) write(`${line}\n`);
      return 0;
    },
  },
  demo: {
    synopsis: 'demo [--scenario NAME]',
    summary: 'watch floatd fail over on this machine: a route\nserver, three instances and a client; no root',
    help: DEMO_HELP,
    run: async (args) => {
      const { values } = parse('demo', () => parseArgs({ args, options: { scenario: { type: 'string' } }, strict: true }));
      const { runDemo } = await import('../demo/index.js');
      return runDemo({ ...(values.scenario !== undefined ? { scenario: values.scenario } : {}), handleSignals: true });
    },
  },
  linode: {
    synopsis: 'linode --dcid N --primary|--secondary',
    summary: "lelastic's command line: announce lo's addresses\nto Linode's route servers",
    help: LINODE_CLI_USAGE,
    run: async (args) => {
      const { readLinodeHost } = await import('./linode-host.js');
      let result: ReturnType<typeof linodeCli>;
      try {
        result = linodeCli(args, readLinodeHost());
      } catch (e) {
        if (e instanceof LinodeCliError) throw new UsageError(e.message);
        throw e;
      }
      const yaml = stringify(result.config);
      // Checked before printing, so a printed config is one that runs.
      const cfg = parseConfigText(yaml, 'floatd linode');
      if (result.printConfig) {
        write(`# floatd linode ${args.join(' ')}\n# ${result.routerIdWhy}\n${yaml}`);
        return 0;
      }
      // lelastic's -logjson: JSON lines even on a terminal.
      if (result.logJson) process.env['FLOATD_LOG_FORMAT'] = 'json';
      const { createLogger } = await import('../util/log.js');
      const log = createLogger({ level: result.logLevel });
      for (const w of result.warnings) log.warn(w);
      log.info(result.routerIdWhy);
      const { runConfig } = await import('./run.js');
      return runConfig(cfg, { version: VERSION, log });
    },
  },
  help: {
    synopsis: 'help [COMMAND]',
    summary: "this text, or a command's",
    help: `Usage: floatd help [COMMAND]

Without COMMAND, lists every command; with it, the same as
'floatd COMMAND --help'.
`,
    run: (args) => {
      const [name, ...extra] = args;
      if (extra.length > 0) throw new UsageError('help takes at most one COMMAND');
      if (name === undefined) write(HELP);
      else write(helpOf(name));
      return 0;
    },
  },
  version: {
    synopsis: 'version',
    summary: 'print the version',
    help: `Usage: floatd version

Prints floatd's version.
`,
    run: () => {
      write(`${VERSION}\n`);
      return 0;
    },
  },
};

const SYNOPSIS_WIDTH = 32;

function overview(): string {
  const lines: string[] = [];
  for (const spec of Object.values(COMMANDS)) {
    const [first = '', ...more] = spec.summary.split('\n');
    const head = `  ${spec.synopsis}`;
    lines.push(head.length < SYNOPSIS_WIDTH ? `${head.padEnd(SYNOPSIS_WIDTH)}${first}` : `${head}\n${' '.repeat(SYNOPSIS_WIDTH)}${first}`);
    for (const m of more) lines.push(`${' '.repeat(SYNOPSIS_WIDTH)}${m}`);
  }
  return lines.join('\n');
}

export const HELP = `floatd ${VERSION}: keeps a service reachable at a floating IP by announcing it over BGP while it is healthy

Usage: floatd <command> [options]

Commands:
${overview()}

Commands that ask a running floatd (status to reload) take --json, and
--socket PATH or --config FILE to find its control socket.
Exit status: 0 done, 1 refused by floatd or failed, 2 usage error.
Run 'floatd <command> --help' for a command's options.
`;

function helpOf(name: string): string {
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!spec) throw new UsageError(`unknown command '${name}'`);
  return spec.help;
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === '--help' || command === '-h') return COMMANDS.help!.run([]);
  if (command === '--version') return COMMANDS.version!.run([]);
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) throw new UsageError(`unknown command '${command}'`);
  if (rest.includes('--help') || rest.includes('-h')) {
    write(spec.help);
    return 0;
  }
  return spec.run(rest);
}
