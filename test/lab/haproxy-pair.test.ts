// The HAProxy pair recipe (docs/recipes/haproxy-pair.md) with real HAProxy
// and BIRD: two balancer namespaces, each a web server on 127.0.0.1:8080,
// HAProxy in front of it on the floating address and floatd checking
// HAProxy's `monitor-uri` frontend and announcing the /32 to BIRD, which
// spreads over both (ECMP). A client behind the router sends requests to the
// floating address throughout; HAProxy on balancer a is killed, floatd
// there withdraws, and b serves everything. Prints the failed requests and
// the failover time; asserts outcomes, with generous bounds on the times.

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Floatd } from '../../lab/daemons/floatd.js';
import { startHttpService } from '../../lab/failover/http-service-process.js';
import { settledAfter, summarize } from '../../lab/failover/measure.js';
import { epochNow, parseRecords } from '../../lab/failover/records.js';
import { FailoverLab, HTTP_PORT, INSTANCE_AS, ROUTER_AS, VIP, VIP_PREFIX } from '../../lab/failover/topology.js';
import { HEALTH_PATH, startHaproxy } from '../../lab/haproxy.js';
import { requireLab, sleep, waitFor } from '../../lab/netns.js';
import { SHORT_HEALTH, labTest } from './upstream-lab.js';

const CLIENT_JS = fileURLToPath(new URL('../../lab/failover/client.js', import.meta.url));
const HEALTH = '127.0.0.1:8404';
const RATE = 100;
const REQUEST_TIMEOUT_MS = 500;

labTest('HAProxy pair: HAProxy killed on one balancer, floatd withdraws and the other serves every request', 'hapair', async (lab) => {
  requireLab(['haproxy', 'curl']);
  const fl = await FailoverLab.build(lab, { router: 'bird', instances: 2 });
  const haproxy = new Map<string, Awaited<ReturnType<typeof startHaproxy>>>();
  const floatd = new Map<string, Floatd>();
  for (const site of fl.sites) {
    await startHttpService(lab, site.ns, `web-${site.name}`, site.name, '127.0.0.1', 8080);
    haproxy.set(site.name, await startHaproxy(lab, site.ns, `haproxy-${site.name}`, { bind: `${VIP}:${HTTP_PORT}`, server: '127.0.0.1:8080', health: HEALTH }));
    floatd.set(
      site.name,
      Floatd.start(lab, site.ns, `floatd-${site.name}`, {
        'router-id': site.address,
        'local-as': INSTANCE_AS,
        neighbors: [{ address: site.routerAddress, 'peer-as': ROUTER_AS }],
        services: [{ name: 'haproxy', prefixes: [VIP_PREFIX], check: { http: { url: `http://${HEALTH}${HEALTH_PATH}` } }, ...SHORT_HEALTH }],
      }),
    );
  }
  await waitFor('the router to send the floating address to both balancers', async () => (await fl.fib()).join(' ') === 'a b', { timeoutMs: 30_000, intervalMs: 200 });

  const client = lab.spawn(fl.clientNs, 'client', process.execPath, [CLIENT_JS, '--url', `http://${VIP}:${HTTP_PORT}/`, '--rate', String(RATE), '--timeout', String(REQUEST_TIMEOUT_MS)]);
  const started = epochNow();
  await sleep(2_000);
  const before = summarize(parseRecords(client.output()), started, epochNow() - REQUEST_TIMEOUT_MS);
  assert.equal(before.failed, 0, `no failed request while both serve: ${JSON.stringify(before.failures)}`);
  assert.ok((before.servedBy['a'] ?? 0) > 0 && (before.servedBy['b'] ?? 0) > 0, `both balancers serve: ${JSON.stringify(before.servedBy)}`);

  const event = epochNow();
  haproxy.get('a')!.signal('SIGKILL');
  await waitFor('the router to send the floating address to b alone', async () => (await fl.fib()).join(' ') === 'b', { timeoutMs: 15_000, intervalMs: 50 });
  const withdrawnMs = epochNow() - event;
  // A second of traffic after the FIB change, to see that it is all on b.
  await sleep(1_000 + REQUEST_TIMEOUT_MS);
  await client.stop('SIGTERM', REQUEST_TIMEOUT_MS + 2_000);
  const records = parseRecords(client.output());
  const end = records.at(-1)?.t ?? epochNow();
  const after = summarize(records, event, end);
  const failoverMs = settledAfter(records, event, end, ['b']);
  console.log(
    `[haproxy-pair] HAProxy a killed: ${after.failed} of ${after.requests} requests failed ${JSON.stringify(after.failures)}; ` +
      `every request served by b after ${failoverMs === undefined ? 'never' : `${Math.round(failoverMs)} ms`}; router FIB without a after <= ${Math.round(withdrawnMs)} ms`,
  );

  assert.notEqual(failoverMs, undefined, 'traffic settled on b');
  assert.ok(failoverMs! < 10_000, `failover within 10 s (took ${failoverMs} ms)`);
  assert.ok(after.failed < RATE * 10, `failed requests bounded: ${after.failed}`);
  assert.ok((after.servedBy['b'] ?? 0) > RATE / 2, `b served the rest: ${JSON.stringify(after.servedBy)}`);
  assert.deepEqual(await fl.bgpSources(), ['b'], 'BIRD holds the route from b alone');
  assert.ok(floatd.get('a')!.process.running && floatd.get('b')!.process.running, 'both floatd still run');
  const announced = async (name: string) => (await floatd.get(name)!.routes()).flatMap((n) => n.announced.map((r) => r.prefix));
  assert.deepEqual(await announced('a'), [], 'floatd a announces nothing while its HAProxy is down');
  assert.deepEqual(await announced('b'), [VIP_PREFIX], 'floatd b still announces the floating address');
  for (const f of floatd.values()) assert.equal(await f.process.stop('SIGTERM', 10_000), 0, 'floatd stops cleanly');
});
