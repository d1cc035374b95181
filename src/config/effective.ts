import { formatCommunity, formatLargeCommunity } from './communities.js';
import type { Config } from './config-schema.js';
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
  });
}
