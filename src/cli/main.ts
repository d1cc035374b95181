// The `floatd` command line: one function per subcommand, thin over the library.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { DEFAULT_CONTROL_SOCKET, effectiveConfig, loadConfig } from '../config/index.js';
import { request } from '../control/client.js';
import { DEFAULT_CAPTURE, decodeCapture } from './decode.js';
import { run } from './run.js';
import { formatStatus, type DaemonStatus } from './status.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const HELP = `floatd ${VERSION}: keeps a service reachable at a floating IP by announcing it over BGP while it is healthy

Usage: floatd <command> [options]

Commands:
  run --config FILE          run the daemon: BGP sessions to the configured
                             neighbors, announcing the configured prefixes
  check --config FILE        validate a config without touching anything and
                             print it with every default filled in
  status [--json]            neighbors, their state and counters, from a running floatd
  routes [--json]            announced routes per neighbor (and received ones
                             for neighbors with import: all)
  decode [FILE]              print a captured BGP conversation message by message
                             (FILE: a capture in floatd's JSON fixture format, or
                             raw BGP bytes; default: a shipped BIRD <-> GoBGP capture)
  help                       this text
  version                    print the version

Run 'floatd <command> --help' for a command's options.
`;

const SOCKET_HELP = `  --socket PATH    the control socket (default: control-socket from --config,
                   else ${DEFAULT_CONTROL_SOCKET})
  --config FILE    read the control socket path from this config
  --json           machine-readable output
`;

const COMMAND_HELP: Record<string, string> = {
  run: `Usage: floatd run --config FILE

Loads and checks FILE (nothing starts if it is invalid), opens the control
socket and the listener (if configured), and brings up a BGP session to every
neighbor, announcing the configured prefixes. Logs are JSON lines on stdout.
SIGTERM or SIGINT withdraws every route, sends Cease / Administrative Shutdown
("floatd stopping", RFC 9003) and exits 0.
`,
  check: `Usage: floatd check --config FILE

Validates FILE like 'run' does, touching nothing, and prints the effective
config (defaults filled in, passwords shown only by their source) as YAML.
Exits 1 with every problem listed as FILE:LINE:COL: key: what is wrong.
`,
  status: `Usage: floatd status [--json] [--socket PATH | --config FILE]

One line per neighbor: address, AS, state, time up, messages in/out,
prefixes received and announced, the last NOTIFICATION.
${SOCKET_HELP}`,
  routes: `Usage: floatd routes [--json] [--socket PATH | --config FILE]

The routes announced to each neighbor, and those received from neighbors
with import: all.
${SOCKET_HELP}`,
  decode: `Usage: floatd decode [FILE]

Decodes every message of a captured BGP session with floatd's codec and prints
one line per message: OPEN capabilities, UPDATE prefixes and attributes,
NOTIFICATION codes with their RFC 9003 shutdown text.
FILE is a JSON capture ({ "messages": [{ "from", "hex" }] }) or a file of raw
BGP messages. Without FILE, the capture shipped in test/fixtures/captures/ is used.
`,
};

export async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const text = COMMAND_HELP[command];
    if (text) {
      process.stdout.write(text);
      return 0;
    }
  }
  switch (command) {
    case 'run': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
      if (!values.config) throw new UsageError('run needs --config FILE');
      return run(values.config);
    }
    case 'check': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
      if (!values.config) throw new UsageError('check needs --config FILE');
      process.stdout.write(stringify(effectiveConfig(loadConfig(values.config))));
      return 0;
    }
    case 'status':
    case 'routes': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, socket: { type: 'string' }, config: { type: 'string' } } });
      const path = values.socket ?? (values.config ? loadConfig(values.config).controlSocket : DEFAULT_CONTROL_SOCKET);
      const result = await request(path, command);
      if (values.json || command === 'routes') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatStatus(result as DaemonStatus));
      return 0;
    }
    case 'decode': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length > 1) throw new UsageError('decode takes at most one FILE');
      for (const line of decodeCapture(positionals[0] ?? DEFAULT_CAPTURE)) process.stdout.write(`${line}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  override readonly name = 'UsageError';
}
