/**
 * Provider presets: `preset: { vultr | linode | generic: {...} }` fills in
 * local-as, the neighbors and the role policy from a few values. Expansion
 * runs on the parsed YAML before validation; errors about what a preset
 * generated are reported at the preset key that produced it.
 */
export { expandPresets, planFor, applyPlan } from './expand.js';
export type { PresetExpansion, PresetProblem } from './expand.js';
export { presetSchema, vultrPresetSchema, linodePresetSchema, genericPresetSchema, PRESET_NAMES, PRESET_ROLES } from './preset-schema.js';
export type { Preset, PresetName, PresetRole, VultrPreset, LinodePreset, GenericPreset } from './preset-schema.js';
export type { PresetPlan, PresetNeighbor, PresetRolePlan } from './plan.js';
export { VULTR } from './vultr.js';
export { LINODE, linodeRouteServers, routeServerPrefixProblem } from './linode-route-servers.js';
export { chooseRouterId, hashedRouterId } from './linode-router-id.js';
export type { LinodeHost, RouterIdChoice } from './linode-router-id.js';
export { LINODE_DCIDS, dcidProblem } from './linode-dcids.js';
export { linodeCli, LinodeCliError, LINODE_CLI_USAGE } from './linode-cli.js';
export type { LinodeCliResult, LinodeLogLevel } from './linode-cli.js';
export type { KeyPath, Seg } from './source-map.js';
