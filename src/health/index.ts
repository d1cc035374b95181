// Health: probes, the runner, the pure service state machine and the service
// that glues them. Other modules import from here only (the daemon's
// assembly builds the address-present and composite probes it adds).

export { HEALTH_DEFAULTS } from './defaults.js';
export type {
  ProbeSpec,
  ProbeKind,
  TcpProbeSpec,
  HttpProbeSpec,
  StatusMatch,
  ExecProbeSpec,
  DnsProbeSpec,
  LoadProbeSpec,
  ProcessProbeSpec,
  ListenerProbeSpec,
  CompositeProbeSpec,
  CompositePart,
  FileSwitchSpec,
} from './probe-spec.js';
export { isWatching, type Probe, type ProbeResult, type NamedProbeResult, type WatchingProbe } from './probe-result.js';
export { createProbe, type ProbeDeps } from './create-probe.js';
export { FileSwitch, type DisableSwitch } from './probes/file.js';
export { TimedProbe } from './probes/timed.js';
export { measureLoad, systemLoadSources, type LoadMeasure, type LoadSources } from './probes/load.js';
export { runWithTimeout, type TimedRunOptions } from './run-with-timeout.js';
export { ProbeRunner, type ProbeRunnerOptions } from './probe-runner.js';
export {
  stepService,
  initialServiceState,
  paceOf,
  hookKindOf,
  SERVICE_STATES,
  type ServiceState,
  type ServiceStateName,
  type ServiceInput,
  type ServiceStep,
  type ServiceEffect,
  type Pace,
  type Thresholds,
  type TransitionEvent,
} from './service-state.js';
export { HookRunner, hookEnv, type HookSpec, type HookTrigger, type HookRun } from './hooks.js';
export {
  HealthService,
  OPERATOR,
  type ServiceOptions,
  type ServiceStatus,
  type ServiceTransition,
  type RecordedTransition,
  type ServiceCounters,
  type ProbeRecord,
} from './service.js';
export { AddressPresentProbe } from './probes/address-present.js';
export type { AddressPresentSpec } from './probes/address-present.js';
export { CompositeProbe } from './probes/composite.js';
