import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../helpers/temp-dir.js';
import { exportedMetricNames } from './exported-metrics.js';
import { promqlMetricNames } from './promql-names.js';

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const RULES = repo('contrib/prometheus/floatd-rules.yml');
const RULE_TESTS = repo('contrib/prometheus/floatd-rules.test.yml');

/** promtool from Debian's prometheus package (scripts/install-test-deps.sh). */
function promtool(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`promtool did not run (${r.error.message}): install Debian's prometheus package, npm run test:deps`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (): Rule[] => (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

test('promtool check rules accepts the alert rules', () => {
  const r = promtool('check', 'rules', RULES);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /SUCCESS: 11 rules found/);
});

test("promtool test rules: every alert fires where it should and nowhere else", () => {
  const r = promtool('test', 'rules', RULE_TESTS);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /SUCCESS/);
  // Each alert has a test case naming it.
  const tested = new Set([...readFileSync(RULE_TESTS, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
  for (const rule of rules()) assert.ok(tested.has(rule.alert), `${rule.alert} has no promtool test`);
});

test('the promtool tests catch a wrong threshold (they do not pass whatever the rules say)', () => {
  const dir = tempDir('floatd-rules-');
  const text = readFileSync(RULES, 'utf8');
  const changed = text.replace('floatd_peer_up{job="floatd"} == 0', 'floatd_peer_up{job="floatd"} == 1');
  assert.notEqual(changed, text);
  writeFileSync(join(dir, 'floatd-rules.yml'), changed);
  copyFileSync(RULE_TESTS, join(dir, 'floatd-rules.test.yml'));
  const r = promtool('test', 'rules', join(dir, 'floatd-rules.test.yml'));
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /FAILED[\s\S]*FloatdPeerDown/);
});

test('the rules use only metrics floatd exports (and Prometheus\'s own up)', () => {
  const exported = exportedMetricNames();
  const required = ['floatd_peer_up', 'floatd_service_serving', 'floatd_service_transitions_total', 'floatd_withdraw_latency_seconds_bucket'];
  for (const name of required) assert.ok(exported.has(name), `${name} is exported`);
  const covered = new Set<string>();
  for (const rule of rules()) {
    const names = promqlMetricNames(rule.expr);
    assert.ok(names.length > 0, `${rule.alert}: no metric in ${rule.expr}`);
    for (const name of names) {
      assert.ok(exported.has(name) || name === 'up', `${rule.alert}: ${name} is not a metric floatd exports`);
      covered.add(name);
    }
    assert.match(rule.labels?.['severity'] ?? '', /^(critical|warning|info)$/, rule.alert);
    assert.ok(rule.annotations?.['summary'] && rule.annotations['description'], `${rule.alert} has a summary and a description`);
  }
  // What the rules are for: floatd gone, peers, services, flapping, withdraw latency.
  for (const name of ['up', ...required, 'floatd_peer_established_total']) assert.ok(covered.has(name), `no rule uses ${name}`);
});

test('promqlMetricNames finds metric names and skips functions, labels, keywords and variables', () => {
  assert.deepEqual(
    promqlMetricNames(
      'histogram_quantile(0.99, sum by (job, le) (rate(floatd_withdraw_latency_seconds_bucket{service=~"$service", le!="x"}[$__rate_interval]))) > 0.025',
    ),
    ['floatd_withdraw_latency_seconds_bucket'],
  );
  assert.deepEqual(
    promqlMetricNames('floatd_service_serving == 0 unless on (job, instance, service) floatd_service_state{state=~"DISABLED|STOPPING"} == 1'),
    ['floatd_service_serving', 'floatd_service_state'],
  );
  assert.deepEqual(promqlMetricNames('sum(rate(node_cpu_seconds_total[5m] offset 1h)) without (cpu) / 1e3'), ['node_cpu_seconds_total']);
  assert.deepEqual(promqlMetricNames('{__name__="floatd_peer_up"}'), ['floatd_peer_up']);
});
