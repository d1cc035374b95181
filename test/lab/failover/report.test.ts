import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failoverChart, niceMax } from '../../../lab/failover/chart.js';
import { failoverDoc } from '../../../lab/failover/doc.js';
import { combineRuns, markdownTable, median, seconds, textTable } from '../../../lab/failover/report.js';
import { FULL_TIMING } from '../../../lab/failover/scenario-types.js';
import type { ScenarioResult } from '../../../lab/failover/scenario-types.js';
import { checkTargets, targetsText } from '../../../lab/failover/targets.js';

function result(o: Partial<ScenarioResult> & Pick<ScenarioResult, 'scenario' | 'contender'>): ScenarioResult {
  return {
    title: o.scenario,
    contenderLabel: o.contender,
    status: 'ok',
    requests: 500,
    failed: 0,
    rehashResets: 0,
    failures: {},
    servedBy: {},
    problems: [],
    ...o,
  };
}

const RESULTS: ScenarioResult[] = [
  result({ scenario: 'service-failure', title: 'Service failure', contender: 'floatd', failed: 30, recoveryMs: 800, lastFailureMs: 790 }),
  result({ scenario: 'service-failure', title: 'Service failure', contender: 'exabgp', failed: 160, recoveryMs: 4800, lastFailureMs: 4790 }),
  result({ scenario: 'graceful-stop', title: 'Graceful stop', contender: 'floatd', failed: 1, rehashResets: 1, recoveryMs: 20 }),
  result({ scenario: 'graceful-stop', title: 'Graceful stop', contender: 'exabgp', status: 'unexpected', failed: 3, problems: ['3 failed requests'] }),
  result({ scenario: 'drain', title: 'Drain', contender: 'floatd', status: 'error', note: 'floatd drain exited 1' }),
  result({ scenario: 'drain', title: 'Drain', contender: 'exabgp', status: 'n/a', note: 'no drain' }),
];

test('seconds and median', () => {
  assert.equal(seconds(undefined), '–');
  assert.equal(seconds(12.4), '12 ms');
  assert.equal(seconds(1234), '1.23 s');
  assert.equal(median([]), undefined);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('textTable: one line per result, the title once per scenario, rehash resets shown', () => {
  const lines = textTable(RESULTS).split('\n');
  assert.equal(lines.length, 2 + RESULTS.length);
  assert.match(lines[2]!, /^Service failure\s+floatd\s+30\s+790 ms\s+800 ms\s+ok$/);
  assert.match(lines[3]!, /^\s+exabgp\s+160\s+4\.79 s\s+4\.80 s/);
  assert.match(lines[4]!, /1 \(1 rehash\)/);
  assert.match(lines[5]!, /3 failed requests/);
  assert.match(lines[6]!, /error: floatd drain exited 1/);
  assert.match(lines[7]!, /n\/a: no drain/);
});

test('markdownTable: header, alignment row, bold scenario names, escaped pipes', () => {
  const md = markdownTable([...RESULTS, result({ scenario: 'x', title: 'a|b', contender: 'floatd' })]).split('\n');
  assert.equal(md[0], '| scenario | contender | failed | last failure | recovery | outcome |');
  assert.equal(md[1], '|---|---|---:|---:|---:|---|');
  assert.match(md[2]!, /^\| \*\*Service failure\*\* \| floatd \| 30 \|/);
  assert.match(md[3]!, /^\|  \| exabgp \| 160 \|/);
  assert.match(md[md.length - 1]!, /a\\\|b/);
});

test('combineRuns: medians, the worst status, every problem', () => {
  const runs = [
    result({ scenario: 's', contender: 'c', failed: 10, recoveryMs: 900 }),
    result({ scenario: 's', contender: 'c', failed: 30, recoveryMs: 1500, status: 'unexpected', problems: ['p'] }),
    result({ scenario: 's', contender: 'c', failed: 20, recoveryMs: 1000 }),
  ];
  const r = combineRuns(runs);
  assert.equal(r.failed, 20);
  assert.equal(r.recoveryMs, 1000);
  assert.equal(r.status, 'unexpected');
  assert.deepEqual(r.problems, ['p']);
  assert.match(r.detail ?? '', /^3 runs/);
  assert.equal(combineRuns([runs[0]!]), runs[0]);
  assert.throws(() => combineRuns([]), RangeError);
});

test('checkTargets: < 1 s, 5x ExaBGP, zero failures apart from rehash resets, pending when not measured', () => {
  const checks = checkTargets(RESULTS);
  assert.deepEqual(
    checks.map((c) => c.met),
    [true, true, undefined, true],
  );
  assert.match(checks[1]!.detail, /^6\.0x/);
  assert.match(checks[3]!.detail, /1 of them reset by the router's ECMP rehash/);
  assert.match(targetsText(checks), /^MET {6}service failure/m);
  assert.match(targetsText(checks), /^PENDING  zero failed requests on maintenance drain/m);
});

test('niceMax rounds axes up to 1, 2, 2.5 or 5 times a power of ten', () => {
  assert.deepEqual(
    [0, 0.7, 1, 3, 4.8, 7, 26, 180].map(niceMax),
    [1, 1, 1, 5, 5, 10, 50, 200],
  );
});

test('failoverChart: an SVG with a bar per measured value and a label per n/a or error', () => {
  const svg = failoverChart(RESULTS, {
    title: 'Failover <test>',
    contenders: [
      { id: 'floatd', label: 'floatd' },
      { id: 'exabgp', label: 'ExaBGP & co' },
    ],
    scenarios: [
      { id: 'service-failure', title: 'Service failure', hasRecovery: true },
      { id: 'graceful-stop', title: 'Graceful stop', hasRecovery: true },
      { id: 'drain', title: 'Drain', hasRecovery: true },
    ],
  });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.match(svg, /Failover &lt;test&gt;/);
  assert.match(svg, /ExaBGP &amp; co/);
  // Bars: 2 recovery values for service failure + 1 for graceful stop (exabgp has none), 4 failed counts above 0... plus legend squares.
  const bars = [...svg.matchAll(/<rect x="(\d+(?:\.\d+)?)" y="\d+(?:\.\d+)?" width="([\d.]+)" height="11"/g)];
  assert.equal(bars.length, 3 + 4);
  assert.match(svg, />4\.80 s</);
  assert.match(svg, />not reached</, 'a recovery that never came, without a cap');
  assert.match(svg, />n\/a</);
  assert.match(svg, />error</);
  // Every opened text element is closed.
  assert.equal((svg.match(/<text/g) ?? []).length, (svg.match(/<\/text>/g) ?? []).length);
});

test('failoverDoc: date, machine, method, table, targets and notes', () => {
  const doc = failoverDoc({
    date: '2026-11-23 21:00:00 UTC',
    machine: '2 × CPU',
    software: 'Node.js v20',
    router: 'BIRD 2 with ECMP',
    runs: 1,
    timing: FULL_TIMING,
    contenders: [{ label: 'floatd (defaults)', settings: 'interval 2 s' }],
    scenarios: [{ title: 'Service failure', recovery: 'fault to clean', expect: 'b and c serve' }],
    results: RESULTS,
    targets: checkTargets(RESULTS),
    durationS: 600,
    notes: ['a note'],
  });
  assert.match(doc, /^# Failover, measured/);
  assert.match(doc, /- Date: 2026-11-23 21:00:00 UTC/);
  assert.match(doc, /!\[failover chart\]\(failover\.svg\)/);
  assert.match(doc, /\*\*floatd \(defaults\)\*\*: interval 2 s/);
  assert.match(doc, /\| Service failure \| fault to clean \| b and c serve \|/);
  assert.match(doc, /✅ met: service failure/);
  assert.match(doc, /## Notes\n\n- a note/);
});
