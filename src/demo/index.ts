// `floatd demo`: watch floatd fail over on one machine, without root.
export { DEMO_HELP, runDemo } from './run-demo.js';
export type { DemoOptions } from './run-demo.js';
export { SCENARIOS } from './story.js';
export type { ScenarioInfo, ScenarioName } from './story.js';
