export { DaemonMetrics, PEER_STATES, PROBE_DURATION_BUCKETS, WITHDRAW_LATENCY_BUCKETS } from './daemon-metrics.js';
export type { DaemonMetricsOptions, PeerSnapshot, ServiceSnapshot, SpeakerSnapshot } from './daemon-metrics.js';
export { CONTENT_TYPE, escapeHelp, escapeLabelValue, formatValue, renderExposition } from './exposition.js';
export { ProcessSampler } from './process-metrics.js';
export type { EventLoopLag, ProcessSample } from './process-metrics.js';
export { Counter, Gauge, Histogram, MetricsError, Registry } from './registry.js';
export type { FamilySnapshot, LabelSet, MetricType, Sample } from './registry.js';
export { MetricsListenError, startMetricsServer } from './server.js';
export type { MetricsListen } from './server.js';
