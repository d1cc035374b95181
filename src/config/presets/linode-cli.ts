// lelastic's command line, read the way Go's flag package reads it (-flag and
// --flag alike, -flag=value or -flag value, booleans as -flag or -flag=false),
// turned into the config document `floatd linode` runs.

import { parseAddress } from '../addresses.js';
import { MAX_DCID, dcidProblem } from './linode-dcids.js';
import { LINODE, routeServerPrefixProblem } from './linode-route-servers.js';
import { chooseRouterId, type LinodeHost } from './linode-router-id.js';

export const LINODE_CLI_USAGE = `Usage: floatd linode --dcid N (--primary | --secondary) [options]

Announces the addresses on lo to Linode's route servers, as lelastic does;
lelastic's flags are accepted with one dash or two.

  --dcid N              the data centre's id (e.g. 10 for Frankfurt)
  --primary             announce with community 65000:1
  --secondary           announce with community 65000:2
  --send56              announce IPv6 addresses as their /56 (default /64)
  --allifs              take addresses from every interface, not only lo
  --multihopttl N       TTL of the BGP sessions (default 16)
  --infp P              the route servers' prefix (default ${LINODE.routeServerPrefix};
                        ${LINODE.labRouteServerPrefix} for Linode's lab): they are P:DCID:34::1..4
  --router-id A         the BGP identifier, an IPv4 address (default: the
                        lowest global IPv4 address on this host; with none,
                        one derived from /etc/machine-id, or from the
                        hostname without it; the log says which)
  --loglevel L          trace, debug, info or warn (default info)
  --logjson             log JSON lines even on a terminal (without it: JSON
                        lines when stdout is not a terminal, text on one;
                        FLOATD_LOG_FORMAT=json|text decides otherwise)
  --allow-unlisted-dcid accept a data-centre id floatd does not know yet
  --print-config        print the config floatd would run, as YAML, and exit
                        (save it and run it with 'floatd run --config FILE')
`;

export type LinodeLogLevel = 'trace' | 'debug' | 'info' | 'warn';

export interface LinodeCliResult {
  /** The config document, as it would be written in YAML. */
  readonly config: Record<string, unknown>;
  readonly warnings: string[];
  /** Where the router id comes from, for the log. */
  readonly routerIdWhy: string;
  /** From --loglevel; lelastic's levels are pino's too. */
  readonly logLevel: LinodeLogLevel;
  /** --logjson: JSON lines even on a terminal. */
  readonly logJson: boolean;
  /** --print-config: print the document instead of running it. */
  readonly printConfig: boolean;
}

/** A command line floatd cannot run; `help` when -h/--help was given. */
export class LinodeCliError extends Error {
  readonly code = 'ERR_LINODE_ARGS';
  override readonly name = 'LinodeCliError';
  readonly help: boolean;

  constructor(message: string, help = false) {
    super(message);
    this.help = help;
  }
}

const BOOLEAN = ['primary', 'secondary', 'send56', 'allifs', 'logjson', 'allow-unlisted-dcid', 'print-config'] as const;
const VALUED = ['dcid', 'multihopttl', 'loglevel', 'infp', 'router-id'] as const;
const UNSUPPORTED: Readonly<Record<string, string>> = {
  neighborpattern: 'floatd derives the route servers from --dcid; for others write the neighbors in a config file',
};
const LEVELS: readonly LinodeLogLevel[] = ['trace', 'debug', 'info', 'warn'];

type Flag = (typeof BOOLEAN)[number] | (typeof VALUED)[number];

/** Go's strconv.ParseBool spellings. */
function goBool(name: string, text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new LinodeCliError(`invalid boolean value ${JSON.stringify(text)} for -${name} (expected true or false)`);
}

function whole(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new LinodeCliError(`invalid value ${JSON.stringify(text)} for -${name} (expected a whole number ${min}..${max})`);
  }
  return Number(text);
}

function parse(argv: readonly string[]): Map<Flag, string | boolean> {
  const seen = new Map<Flag, string | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) throw new LinodeCliError(`unexpected argument ${JSON.stringify(argv[i + 1])} (floatd linode takes only flags)`);
      break;
    }
    const m = /^--?([^-=][^=]*)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      throw new LinodeCliError(arg.startsWith('-') ? `bad flag syntax: ${arg}` : `unexpected argument ${JSON.stringify(arg)} (floatd linode takes only flags)`);
    }
    const name = m[1]!;
    const value = m[2];
    if (name === 'h' || name === 'help') throw new LinodeCliError('help requested', true);
    if (UNSUPPORTED[name] !== undefined) throw new LinodeCliError(`-${name} is not supported: ${UNSUPPORTED[name]}`);
    if ((BOOLEAN as readonly string[]).includes(name)) {
      seen.set(name as Flag, value === undefined ? true : goBool(name, value));
    } else if ((VALUED as readonly string[]).includes(name)) {
      if (value !== undefined) seen.set(name as Flag, value);
      else if (i + 1 < argv.length) seen.set(name as Flag, argv[++i]!);
      else throw new LinodeCliError(`flag needs an argument: -${name}`);
    } else {
      throw new LinodeCliError(`unknown flag -${name} (expected one of ${[...VALUED, ...BOOLEAN].map((f) => `--${f}`).join(', ')})`);
    }
  }
  return seen;
}

/** RFC 6286: a non-zero IPv4-shaped identifier. */
function routerIdFlag(text: string): string {
  const r = parseAddress(text);
  if (!r.ok || r.value.family !== 'ipv4' || r.value.addr === '0.0.0.0') {
    throw new LinodeCliError(`invalid value ${JSON.stringify(text)} for -router-id (expected a non-zero IPv4 address such as 192.0.2.1)`);
  }
  return r.value.addr;
}

/**
 * A lelastic command line (`--dcid N --primary|--secondary [--send56]
 * [--allifs] [--multihopttl N] [--infp P] [--loglevel L] [--logjson]`, plus
 * floatd's --router-id and --print-config) as the config document floatd
 * runs: the linode preset, and a watch of lo (or of every interface with
 * --allifs) for the addresses to announce. `host` gives the router id when
 * the host has no global IPv4 address (lelastic refuses to start then).
 */
export function linodeCli(argv: readonly string[], host: LinodeHost): LinodeCliResult {
  const flags = parse(argv);
  const warnings: string[] = [];

  const dcidText = flags.get('dcid');
  if (dcidText === undefined) throw new LinodeCliError('--dcid N is required: the id of the data centre (e.g. 10 for Frankfurt)');
  const dcid = whole('dcid', String(dcidText), 1, MAX_DCID);
  const allowUnlisted = flags.get('allow-unlisted-dcid') === true;
  const why = dcidProblem(dcid, allowUnlisted);
  if (why !== undefined) throw new LinodeCliError(why.replace('set allow-unlisted-dcid', 'add --allow-unlisted-dcid'));

  const primary = flags.get('primary') === true;
  const secondary = flags.get('secondary') === true;
  if (primary && secondary) throw new LinodeCliError('--primary and --secondary given together (expected one of them)');
  if (!primary && !secondary) throw new LinodeCliError('use either --primary or --secondary');

  const hopsText = flags.get('multihopttl');
  const multihop = hopsText === undefined ? undefined : whole('multihopttl', String(hopsText), 1, 255);

  const infpText = flags.get('infp');
  const infp = infpText === undefined ? undefined : String(infpText).toLowerCase();
  const infpWhy = infp === undefined ? undefined : routeServerPrefixProblem(infp);
  if (infpWhy !== undefined) throw new LinodeCliError(`invalid value ${JSON.stringify(infpText)} for -infp (${infpWhy})`);

  const routerIdText = flags.get('router-id');
  const routerId = chooseRouterId(host, routerIdText === undefined ? undefined : routerIdFlag(String(routerIdText)));

  let logLevel: LinodeLogLevel = 'info';
  const level = flags.get('loglevel');
  if (level !== undefined) {
    if ((LEVELS as readonly string[]).includes(String(level))) logLevel = String(level) as LinodeLogLevel;
    else warnings.push(`unknown log level ${JSON.stringify(level)}: using info (expected one of ${LEVELS.join(', ')})`);
  }

  warnings.push(
    'no health checks: the addresses are announced for as long as floatd runs, as with lelastic; to withdraw when a service fails, run a config file with preset linode and services (docs/recipes/linode.md)',
  );

  const linode: Record<string, unknown> = { dcid, role: primary ? 'primary' : 'secondary' };
  if (flags.get('send56') === true) linode['send56'] = true;
  if (multihop !== undefined) linode['multihop'] = multihop;
  if (infp !== undefined && infp !== LINODE.routeServerPrefix) linode['route-server-prefix'] = infp;
  if (allowUnlisted) linode['allow-unlisted-dcid'] = true;

  return {
    config: {
      ...(routerId.routerId !== undefined ? { 'router-id': routerId.routerId } : {}),
      preset: { linode },
      // Every global address found is announced, as lelastic does: IPv4 as /32, IPv6 as its /64 (or /56).
      watch: {
        interface: flags.get('allifs') === true ? '*' : 'lo',
        prefixes: ['0.0.0.0/0', '::/0'],
        'ipv6-length': flags.get('send56') === true ? 56 : 64,
      },
    },
    warnings,
    routerIdWhy: routerId.why,
    logLevel,
    logJson: flags.get('logjson') === true,
    printConfig: flags.get('print-config') === true,
  };
}
