// docs/failover.md, written by `npm run bench:failover`: when and where it
// ran, how, the settings of each contender, the table, the targets and the
// chart. Pure: everything it prints is passed in.

import { markdownTable } from './report.js';
import type { ScenarioResult, Timing } from './scenario-types.js';
import type { TargetCheck } from './targets.js';

export interface DocInput {
  readonly date: string;
  readonly machine: string;
  readonly software: string;
  readonly router: string;
  readonly runs: number;
  readonly timing: Timing;
  readonly contenders: readonly { readonly label: string; readonly settings: string }[];
  readonly scenarios: readonly { readonly title: string; readonly recovery: string; readonly expect: string }[];
  readonly results: readonly ScenarioResult[];
  readonly targets: readonly TargetCheck[];
  readonly durationS: number;
  /** Observations worth reading next to the numbers. */
  readonly notes: readonly string[];
}

export function failoverDoc(d: DocInput): string {
  const t = d.timing;
  const lines: string[] = [
    '# Failover, measured: floatd against ExaBGP 4 and its healthcheck',
    '',
    'Written by `npm run bench:failover` (bench/failover.ts); every figure below comes from one run of it.',
    '',
    `- Date: ${d.date}`,
    `- Machine: ${d.machine}`,
    `- Software: ${d.software}`,
    `- Router: ${d.router}`,
    `- Runs per scenario and contender: ${d.runs}${d.runs > 1 ? ' (medians shown)' : ''}; whole benchmark ${Math.round(d.durationS / 60)} min`,
    '',
    '![failover chart](failover.svg)',
    '',
    '## Method',
    '',
    'Network namespaces joined by veth pairs: a router namespace, three instance namespaces (a, b, c) and a client namespace.',
    'Each instance holds the floating address 192.0.2.10/32 on `lo` and runs a small HTTP service bound to it that answers with the instance\'s name,',
    'plus the contender that announces the address to the router over eBGP (instances AS 65001, router AS 65000, router hold time 9 s).',
    `The client sends ${t.rate} HTTP requests per second to the floating address, each on a new connection, and records per request its send time,`,
    `the instance that answered, or the failure (HTTP 500, connection refused or reset, no answer within ${t.requestTimeoutMs} ms).`,
    'The router hashes flows over every equal-cost next hop (`fib_multipath_hash_policy=1`), so active-active traffic spreads over the instances.',
    '',
    'Every scenario starts from scratch: services and daemons started, routes at the router, clean traffic for ' +
      `${t.baselineMs / 1000} s; then one event on instance a, then waiting until traffic has been clean on the expected instances for ${t.settleMs / 1000} s ` +
      `(at most ${t.capMs / 1000} s). Afterwards everything on the instances is stopped and the router is cleared before the next scenario.`,
    '',
    '- **failed**: requests sent after the event that failed. "(N rehash)": of those, connections reset because the router\'s multipath route changed while they were open (hash-threshold ECMP moves some live flows to another instance, which resets them); no announcer can prevent those with this router.',
    '- **last failure**: from the event to the send time of the last failed request.',
    '- **recovery**: from the event to the first request of the final clean run (all requests answered by the instances the traffic should end on); what that means per scenario is listed below.',
    '',
    '### Contenders',
    '',
    ...d.contenders.map((c) => `- **${c.label}**: ${c.settings}`),
    '',
    '### Scenarios',
    '',
    '| scenario | recovery measures | expected |',
    '|---|---|---|',
    ...d.scenarios.map((s) => `| ${s.title} | ${s.recovery} | ${s.expect} |`),
    '',
    '## Results',
    '',
    markdownTable(d.results),
    '',
    '## Targets',
    '',
    ...d.targets.map((c) => `- ${c.met === undefined ? '⏳ pending' : c.met ? '✅ met' : '❌ not met'}: ${c.target}: ${c.detail}`),
    '',
  ];
  if (d.notes.length > 0) lines.push('## Notes', '', ...d.notes.map((n) => `- ${n}`), '');
  lines.push(
    '## Running it',
    '',
    'As root, with the Debian packages bird2, frr and exabgp (`npm run test:deps`), and curl, which runs ExaBGP\'s health check:',
    '',
    '```',
    'npm run lab                                   # every scenario once with floatd at its defaults, a table, then teardown',
    'npm run lab -- --router frr --scenario service-failure,graceful-stop',
    'npm run bench:failover                        # this page and failover.svg',
    'npm run bench:failover -- --scenario service-failure --runs 5 --no-write',
    'node --test dist/test/lab/                    # the short CI versions, Vultr-like and Linode-like upstreams',
    '```',
    '',
    '`FLOATD_LAB_KEEP=1` keeps the lab folder (configs, every process\'s log, the client\'s per-request records, the router\'s FIB changes);',
    '`FLOATD_LAB_VERBOSE=1` prints log tails when a scenario errs.',
    '',
  );
  return lines.join('\n');
}
