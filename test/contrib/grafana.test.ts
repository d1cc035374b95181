import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exportedMetricNames } from './exported-metrics.js';
import { promqlMetricNames } from './promql-names.js';

const DASHBOARD = fileURLToPath(new URL('../../../contrib/grafana/floatd.json', import.meta.url));

interface Target {
  expr: string;
  refId: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
  annotations: { list: { name: string; expr?: string }[] };
}

const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const allPanels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** Every PromQL expression in the dashboard, with where it is. */
function expressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of allPanels(d)) for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const a of d.annotations.list) if (a.expr !== undefined) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query.query;
    // label_values(SELECTOR, label): only the selector is PromQL.
    const m = /^label_values\((.*),\s*(\w+)\)$/.exec(q);
    assert.ok(m, `variable ${v.name}: ${q} is label_values(selector, label)`);
    out.push({ where: `variable ${v.name}`, expr: m[1]! });
  }
  return out;
}

test('every PromQL expression of the Grafana dashboard names only metrics floatd exports', () => {
  const exported = exportedMetricNames();
  const exprs = expressions(dashboard());
  assert.ok(exprs.length >= 20, `${exprs.length} expressions`);
  const used = new Set<string>();
  for (const { where, expr } of exprs) {
    const names = promqlMetricNames(expr);
    assert.ok(names.length > 0, `${where}: no metric in ${expr}`);
    for (const name of names) {
      assert.ok(exported.has(name), `${where}: ${name} is not a metric floatd exports (${expr})`);
      used.add(name);
    }
  }
  // Services, peers and withdraw latency are what the dashboard is for.
  for (const name of ['floatd_service_serving', 'floatd_service_state', 'floatd_peer_up', 'floatd_peer_state', 'floatd_withdraw_latency_seconds_bucket']) {
    assert.ok(used.has(name), `no panel shows ${name}`);
  }
});

test('the dashboard is importable: unique panel ids, a grid position each, every query on the datasource variable', () => {
  const d = dashboard();
  assert.equal(d.uid, 'floatd');
  const panels = allPanels(d);
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  assert.deepEqual(
    d.panels.filter((p) => p.type === 'row').map((p) => p.title),
    ['Services', 'Peers', 'Withdraw latency'],
  );
  for (const p of panels) {
    const g = p.gridPos;
    assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0, `panel "${p.title}" fits the 24-column grid`);
    if (p.type === 'row') continue;
    assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
    assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has a query`);
    const refs = (p.targets ?? []).map((t) => t.refId);
    assert.equal(new Set(refs).size, refs.length, `panel "${p.title}" refIds are unique`);
  }
  assert.deepEqual(
    d.templating.list.map((v) => v.name),
    ['datasource', 'job', 'instance', 'service'],
  );
  // Panels in one band of rows must not overlap.
  const cells = new Set<string>();
  for (const p of panels) {
    for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
      for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
        assert.ok(!cells.has(`${x},${y}`), `panel "${p.title}" overlaps another at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
  }
});
