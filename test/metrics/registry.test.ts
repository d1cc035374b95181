import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHelp, escapeLabelValue, formatValue, renderExposition } from '../../src/metrics/exposition.js';
import { Counter, Gauge, Histogram, MetricsError, Registry } from '../../src/metrics/registry.js';
import { scrape } from './scrape.js';

const text = (r: Registry): string => renderExposition(r.collect());

test('a counter, a gauge and a histogram render exactly in the 0.0.4 text format', () => {
  const r = new Registry();
  const c = r.counter('app_requests_total', 'Requests handled.', ['method', 'code']);
  const g = r.gauge('app_temperature', 'Current temperature.');
  const h = r.histogram('app_latency_seconds', 'Request latency.', [0.001, 0.01, 0.1], ['route']);
  c.inc({ method: 'get', code: '200' });
  c.inc({ method: 'get', code: '200' }, 2);
  c.inc({ method: 'post', code: '500' });
  g.set({}, -3.5);
  h.observe({ route: '/a' }, 0.0005);
  h.observe({ route: '/a' }, 0.01); // on the bound: counted in le="0.01"
  h.observe({ route: '/a' }, 7);
  h.observe({ route: '/b' }, 0.05);
  assert.equal(
    text(r),
    '# HELP app_requests_total Requests handled.\n' +
      '# TYPE app_requests_total counter\n' +
      'app_requests_total{method="get",code="200"} 3\n' +
      'app_requests_total{method="post",code="500"} 1\n' +
      '# HELP app_temperature Current temperature.\n' +
      '# TYPE app_temperature gauge\n' +
      'app_temperature -3.5\n' +
      '# HELP app_latency_seconds Request latency.\n' +
      '# TYPE app_latency_seconds histogram\n' +
      'app_latency_seconds_bucket{route="/a",le="0.001"} 1\n' +
      'app_latency_seconds_bucket{route="/a",le="0.01"} 2\n' +
      'app_latency_seconds_bucket{route="/a",le="0.1"} 2\n' +
      'app_latency_seconds_bucket{route="/a",le="+Inf"} 3\n' +
      'app_latency_seconds_sum{route="/a"} 7.0105\n' +
      'app_latency_seconds_count{route="/a"} 3\n' +
      'app_latency_seconds_bucket{route="/b",le="0.001"} 0\n' +
      'app_latency_seconds_bucket{route="/b",le="0.01"} 0\n' +
      'app_latency_seconds_bucket{route="/b",le="0.1"} 1\n' +
      'app_latency_seconds_bucket{route="/b",le="+Inf"} 1\n' +
      'app_latency_seconds_sum{route="/b"} 0.05\n' +
      'app_latency_seconds_count{route="/b"} 1\n',
  );
});

test('families without samples are left out; init() makes a series exist at 0', () => {
  const r = new Registry();
  const c = r.counter('x_total', 'X.', ['k']);
  r.gauge('unused', 'Never set.');
  r.histogram('h_seconds', 'Never observed.', [1]);
  assert.equal(text(r), '');
  c.init({ k: 'a' });
  assert.equal(text(r), '# HELP x_total X.\n# TYPE x_total counter\nx_total{k="a"} 0\n');
});

test('label values escape backslash, double quote and newline; HELP escapes backslash and newline only', () => {
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  assert.equal(escapeHelp('say "hi"\\ \nbye'), 'say "hi"\\\\ \\nbye');
  const r = new Registry();
  r.gauge('g', 'Line one\nline "two" \\ end', ['path']).set({ path: 'C:\\DIR\\"FILE".TXT\nnext' }, 1);
  const out = text(r);
  assert.equal(out, '# HELP g Line one\\nline "two" \\\\ end\n# TYPE g gauge\ng{path="C:\\\\DIR\\\\\\"FILE\\".TXT\\nnext"} 1\n');
  // A real parser reads back the original strings.
  const s = scrape(out);
  assert.equal(s.families.get('g')?.help, 'Line one\nline "two" \\ end');
  assert.equal(s.value('g', { path: 'C:\\DIR\\"FILE".TXT\nnext' }), 1);
});

test('values: Go float text for infinities and NaN, integers without a decimal point', () => {
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(42), '42');
  assert.equal(formatValue(-0), '0');
  assert.equal(formatValue(0.00025), '0.00025');
  assert.equal(formatValue(1e-7), '1e-7');
  assert.equal(formatValue(2 ** 53), '9007199254740992');
  assert.equal(formatValue(1e21), '1e+21');
  const r = new Registry();
  const g = r.gauge('v', 'Values.', ['k']);
  for (const [k, v] of [['inf', Infinity], ['ninf', -Infinity], ['small', 1e-7], ['big', 1e21]] as const) g.set({ k }, v);
  const s = scrape(text(r));
  assert.equal(s.value('v', { k: 'inf' }), Infinity);
  assert.equal(s.value('v', { k: 'ninf' }), -Infinity);
  assert.equal(s.value('v', { k: 'small' }), 1e-7);
  assert.equal(s.value('v', { k: 'big' }), 1e21);
});

test('gauges go up, down, and lose series on remove and reset', () => {
  const r = new Registry();
  const g = r.gauge('q', 'Queue.', ['name']);
  g.inc({ name: 'a' }, 5);
  g.dec({ name: 'a' }, 2);
  g.set({ name: 'b' }, 1);
  g.remove({ name: 'b' });
  assert.equal(text(r), '# HELP q Queue.\n# TYPE q gauge\nq{name="a"} 3\n');
  g.reset();
  assert.equal(text(r), '');
});

test('collected families read their samples at every collect', () => {
  const r = new Registry();
  let rows: [Record<string, string>, number][] = [[{ peer: '192.0.2.1' }, 7]];
  r.collected('peer_msgs_total', 'Messages.', 'counter', ['peer'], () => rows);
  assert.equal(text(r), '# HELP peer_msgs_total Messages.\n# TYPE peer_msgs_total counter\npeer_msgs_total{peer="192.0.2.1"} 7\n');
  rows = [];
  assert.equal(text(r), '');
});

test('names and labels are validated', () => {
  const r = new Registry();
  for (const bad of ['', '1abc', 'a-b', 'a b', 'é']) assert.throws(() => r.counter(bad, 'x'), /invalid metric name/);
  assert.doesNotThrow(() => r.gauge('ns:sub_name', 'colons are allowed in metric names'));
  for (const [i, bad] of ['__reserved', 'a-b', '1a', 'a:b', ''].entries()) assert.throws(() => r.gauge(`g${i}`, 'x', [bad]), /invalid label name/);
  assert.throws(() => r.gauge('dup_labels', 'x', ['a', 'a']), /given twice/);
  assert.throws(() => r.histogram('h1', 'x', [1], ['le']), /reserved/);
  assert.doesNotThrow(() => r.gauge('le_ok', 'x', ['le']));

  r.counter('taken_total', 'x');
  assert.throws(() => r.gauge('taken_total', 'x'), /already registered/);
  r.histogram('lat', 'x', [1]);
  assert.throws(() => r.counter('lat_count', 'x'), /already registered/);
  r.gauge('other_sum', 'x');
  assert.throws(() => r.histogram('other', 'x', [1]), /already registered/);

  assert.throws(() => new Histogram('h2', 'x', []), /no buckets/);
  assert.throws(() => new Histogram('h3', 'x', [1, 1]), /must increase/);
  assert.throws(() => new Histogram('h4', 'x', [2, 1]), /must increase/);
  assert.throws(() => new Histogram('h5', 'x', [1, Infinity]), /not finite/);
  assert.throws(() => new Histogram('h6', 'x', [1]).observe({}, NaN), /NaN/);

  const c = new Counter('c_total', 'x', ['a']);
  assert.throws(() => c.inc({ a: 'x' }, -1), /cannot add -1/);
  assert.throws(() => c.inc({ a: 'x' }, NaN), /cannot add/);
  assert.throws(() => c.inc({}), /expected \{a\}/);
  assert.throws(() => c.inc({ a: 'x', b: 'y' }), /expected \{a\}/);
  assert.throws(() => c.inc({ b: 'x' }), /label "a" missing/);
  assert.throws(() => new Gauge('g', 'x').set({ a: 'x' }, 1), /expected \{\}/);
  assert.throws(() => c.inc({ a: 1 as unknown as string }), /not a string/);
  c.inc({ a: 'x' }, 0.5);
  assert.equal(c.get({ a: 'x' }), 0.5);
});

test('MetricsError has a stable code and name', () => {
  const e = (() => {
    try {
      new Registry().counter('bad name', 'x');
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(e instanceof MetricsError);
  assert.equal(e.code, 'ERR_METRICS');
  assert.equal(e.name, 'MetricsError');
});

test('a histogram counts values below the first bound, on a bound and above the last', () => {
  const h = new Histogram('t', 'x', [0.5, 1]);
  for (const v of [-1, 0, 0.5, 0.75, 1, 1.0000001, 100]) h.observe({}, v);
  assert.deepEqual(
    h.samples().map((s) => [s.name, s.labels, s.value]),
    [
      ['t_bucket', [['le', '0.5']], 3],
      ['t_bucket', [['le', '1']], 5],
      ['t_bucket', [['le', '+Inf']], 7],
      ['t_sum', [], -1 + 0 + 0.5 + 0.75 + 1 + 1.0000001 + 100],
      ['t_count', [], 7],
    ],
  );
});
