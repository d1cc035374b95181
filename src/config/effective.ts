import type { AnnounceAttributes, StateAction } from '../announce/policy.js';
import type { ProbeSpec } from '../health/probe-spec.js';
import { formatCommunity, formatLargeCommunity } from './communities.js';
import type { Config, ServiceConfig } from './config-schema.js';
import { kebabCase } from './fields.js';
import { Secret } from './secret.js';

/** camelCase keys back to the file's kebab-case; absent values dropped; secrets redacted. */
function plain(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) out[kebabCase(k)] = v instanceof Secret ? String(v) : v;
  }
  return out;
}

function attributesToFile(a: AnnounceAttributes): Record<string, unknown> {
  return plain({
    med: a.med,
    prepend: a.prepend,
    communities: a.communities?.map(formatCommunity),
    largeCommunities: a.largeCommunities?.map(formatLargeCommunity),
    localPref: a.localPref,
  });
}

const actionToFile = (a: StateAction): unknown => (a === 'withdraw' ? 'withdraw' : attributesToFile(a.announce));

/** A parsed check back in the file's form: one key naming the probe kind. */
function checkToFile(c: ProbeSpec): Record<string, unknown> {
  switch (c.kind) {
    case 'tcp':
      return { tcp: plain({ host: c.host, port: c.port, localAddress: c.localAddress }) };
    case 'http':
    case 'https': {
      const host = c.host.includes(':') ? `[${c.host}]` : c.host;
      return {
        http: plain({
          url: `${c.kind}://${host}${c.port === undefined ? '' : `:${c.port}`}${c.path}`,
          method: c.method,
          expectStatus: c.status?.map((m) => (typeof m === 'number' ? m : `${m[0]}-${m[1]}`)),
          bodyContains: c.bodyContains,
          headers: c.headers,
          hostHeader: c.hostHeader,
          insecure: c.insecure ?? false,
        }),
      };
    }
    case 'exec':
      return { exec: plain({ command: c.command, env: c.env, cwd: c.cwd }) };
    case 'process':
      return { process: 'pidFile' in c ? { 'pid-file': c.pidFile } : 'pid' in c ? { pid: c.pid } : { unit: c.unit } };
    case 'listener':
      return { listener: plain({ port: c.port, address: c.address }) };
    default:
      throw new Error(`probe kind ${c.kind} has no config form`);
  }
}

function serviceToFile(s: ServiceConfig): Record<string, unknown> {
  return plain({
    name: s.name,
    prefixes: s.prefixes,
    check: checkToFile(s.check),
    rise: s.rise,
    fall: s.fall,
    interval: s.intervalMs / 1000,
    fastInterval: s.fastIntervalMs / 1000,
    timeout: s.timeoutMs / 1000,
    disableFile: s.disableFile,
    nextHop: s.nextHop,
    ...attributesToFile(s.up),
    whenDown: actionToFile(s.whenDown),
    whenDisabled: actionToFile(s.whenDisabled),
    role: s.role,
    roleStyle: s.roleStyle.kind,
    failback: s.failback,
    // Absent means every neighbor carrying the family; loading again recomputes the same targets.
    neighbors: s.neighbors,
  });
}

/**
 * The config as floatd will run it, in the file's own vocabulary, for
 * `floatd check` to print. Every default is written out, so the output loads
 * back to the same config; a password read from a file or the environment is
 * shown by its source, an inline one as "[redacted]".
 */
export function effectiveConfig(cfg: Config): Record<string, unknown> {
  return plain({
    ...cfg,
    listen: cfg.listen && plain(cfg.listen),
    neighbors: cfg.neighbors.map((n) =>
      plain({
        ...n,
        password: n.passwordFile !== undefined || n.passwordEnv !== undefined ? undefined : n.password,
        // With ttl-security the TTL sent is always 255, so multihop would only contradict it.
        multihop: n.ttlSecurity === false ? n.multihop : undefined,
      }),
    ),
    announce: cfg.announce.map((a) =>
      plain({
        ...a,
        communities: a.communities.map(formatCommunity),
        largeCommunities: a.largeCommunities.map(formatLargeCommunity),
      }),
    ),
    services: cfg.services?.map(serviceToFile),
  });
}
