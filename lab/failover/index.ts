// The failover lab: a router with ECMP, instances behind it, a client, the
// contenders that announce the floating address, the scenarios and their
// figures. Used by `npm run lab`, `npm run bench:failover` and test/lab/.

export { FailoverLab, HTTP_PORT, INSTANCE_AS, ROUTER_AS, ROUTER_HOLD_TIME, VIP, VIP_PREFIX } from './topology.js';
export type { FailoverLabOptions, LabRouter, RouterKind, Site } from './topology.js';
export { exabgpContender, exabgpDefaults, exabgpFast, floatdContender, floatdHasCommand, floatdInstanceConfig } from './contenders.js';
export type { Contender, ExabgpHealth, FloatdContenderOptions, FloatdHealth, InstancePlan, Role, RunningInstance } from './contenders.js';
export { runScenario } from './runner.js';
export type { RunScenarioOptions } from './runner.js';
export { SCENARIOS, scenarioById } from './scenarios.js';
export { FULL_TIMING, QUICK_TIMING } from './scenario-types.js';
export type { Layout, ResultStatus, Scenario, ScenarioContext, ScenarioOutcome, ScenarioResult, Timing } from './scenario-types.js';
export { startHttpService } from './http-service-process.js';
export { epochNow, parseRecords, succeeded } from './records.js';
export type { RequestRecord } from './records.js';
export { firstServedBy, rehashResets, settledAfter, settledFor, shares, summarize } from './measure.js';
export type { TrafficSummary } from './measure.js';
export { FibWatch, gatewayChanges, parseFibEvents } from './fib-watch.js';
export type { FibEvent } from './fib-watch.js';
export { combineRuns, markdownTable, textTable } from './report.js';
export { failoverChart } from './chart.js';
export type { ChartOptions } from './chart.js';
export { failoverDoc } from './doc.js';
export type { DocInput } from './doc.js';
export { checkTargets, targetsText } from './targets.js';
export type { TargetCheck } from './targets.js';
