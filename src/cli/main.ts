// The `floatd` command line: one function per subcommand, thin over the library.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPTURE, decodeCapture } from './decode.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const HELP = `floatd ${VERSION}: keeps a service reachable at a floating IP by announcing it over BGP while it is healthy

Usage: floatd <command> [options]

Commands:
  decode [FILE]   print a captured BGP conversation message by message
                  (FILE: a capture in floatd's JSON fixture format, or raw BGP
                  bytes of one direction; default: a shipped BIRD <-> GoBGP capture)
  help            this text
  version         print the version

Run 'floatd <command> --help' for a command's options.
`;

const COMMAND_HELP: Record<string, string> = {
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
