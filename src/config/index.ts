/**
 * floatd's configuration: one zod schema per section (config-schema.ts,
 * neighbor-schema.ts, announce-schema.ts) is the source of the types below.
 *
 * The file uses kebab-case keys (`peer-as`); each section's schema maps them
 * to camelCase (`peerAs`) as its last step, so everything after loading sees
 * camelCase, with defaults filled in, addresses and prefixes in canonical
 * text, communities as numbers and passwords as Secret values. Errors keep
 * the file's spelling of the key path. Unknown keys are refused. A `preset`
 * section (presets/) is expanded into neighbors and policy before validation.
 */
export { loadConfig, parseConfigText } from './load.js';
export type { LoadOptions } from './load.js';
export {
  configSchema,
  listenSchema,
  metricsSchema,
  defaultRouterId,
  formatHostPort,
  formatMode,
  DEFAULT_CONTROL_SOCKET,
  DEFAULT_CONTROL_SOCKET_MODE,
} from './config-schema.js';
export type { Config, ConfigEnvironment, NeighborConfig, StaticAnnouncementConfig, ListenConfig, MetricsConfig, HostPort } from './config-schema.js';
export { neighborSchema } from './neighbor-schema.js';
export type { SecretSources } from './secret-fields.js';
export { announceSchema } from './announce-schema.js';
export { effectiveConfig, effectiveConfigText, serviceAnnouncements } from './effective.js';
export { ConfigError, formatProblem } from './errors.js';
export type { ConfigProblem } from './errors.js';
export { Secret } from './secret.js';
export { COMMUNITY_NAMES, formatCommunity, formatLargeCommunity, parseCommunity, parseLargeCommunity } from './communities.js';
export type { Family } from './addresses.js';
export {
  expandPresets,
  presetSchema,
  linodeCli,
  LinodeCliError,
  LINODE_CLI_USAGE,
  LINODE_DCIDS,
  LINODE,
  VULTR,
  linodeRouteServers,
  chooseRouterId,
  hashedRouterId,
  PRESET_NAMES,
} from './presets/index.js';
export type { LinodeCliResult, LinodeHost, LinodeLogLevel, Preset, PresetName, PresetExpansion } from './presets/index.js';
