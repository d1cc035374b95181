/**
 * floatd's configuration: one zod schema per section (config-schema.ts,
 * neighbor-schema.ts, announce-schema.ts) is the source of the types below.
 *
 * The file uses kebab-case keys (`peer-as`); each section's schema maps them
 * to camelCase (`peerAs`) as its last step, so everything after loading sees
 * camelCase, with defaults filled in, addresses and prefixes in canonical
 * text, communities as numbers and passwords as Secret values. Errors keep
 * the file's spelling of the key path. Unknown keys are refused.
 */
export { loadConfig, parseConfigText } from './load.js';
export type { LoadOptions } from './load.js';
export { configSchema, listenSchema, DEFAULT_CONTROL_SOCKET } from './config-schema.js';
export type { Config, ConfigEnvironment, NeighborConfig, AnnounceConfig, ListenConfig } from './config-schema.js';
export { neighborSchema } from './neighbor-schema.js';
export type { SecretSources } from './neighbor-schema.js';
export { announceSchema } from './announce-schema.js';
export { effectiveConfig } from './effective.js';
export { ConfigError, formatProblem } from './errors.js';
export type { ConfigProblem } from './errors.js';
export { Secret } from './secret.js';
export { COMMUNITY_NAMES, formatCommunity, formatLargeCommunity, parseCommunity, parseLargeCommunity } from './communities.js';
export type { Family } from './addresses.js';
