// The Linode-like upstream (lab/upstreams/linode.ts): two route servers
// of data centre 10 (2600:3c0f:10:34::1 and ::2, AS 65000) over IPv6
// sessions carrying IPv4 and IPv6 routes, preferring community 65000:1 over
// 65000:2. The primary (a) also prepends twice, so only the community can
// make its longer AS path win: every route server must still pick a's
// routes, switch to b's when a's service fails and back when it recovers.

import assert from 'node:assert/strict';
import { Floatd } from '../../lab/daemons/floatd.js';
import { startHttpService } from '../../lab/failover/http-service-process.js';
import { Pending, waitFor } from '../../lab/netns.js';
import type { LabProcess } from '../../lab/netns.js';
import { buildLinodeLab, LINODE_AS, LINODE_CUSTOMER_AS, LINODE_HOLD_TIME, linodeFloatdConfig, PRIMARY_COMMUNITY, ROLE_LOCAL_PREF, SECONDARY_COMMUNITY } from '../../lab/upstreams/linode.js';
import { labTest, SHORT_HEALTH } from './upstream-lab.js';

const VIP = '192.0.2.10';
const PREFIXES = [`${VIP}/32`, '2001:db8:10::/64'];

labTest('Linode-like route servers: IPv4 and IPv6 over IPv6 sessions accepted, 65000:1 preferred over 65000:2 despite a longer AS path, failover and failback', 'linode', async (lab) => {
  const l = await buildLinodeLab(lab, { dcid: 10, routeServers: 2 });
  const servers = l.routeServers.map((r) => r.address);
  assert.deepEqual(servers, ['2600:3c0f:10:34::1', '2600:3c0f:10:34::2']);
  const services = new Map<string, LabProcess>();
  const daemons = new Map<string, Floatd>();
  for (const [name, role, extra] of [
    ['a', 'primary', { prepend: 2 }],
    ['b', 'secondary', {}],
  ] as const) {
    const i = l.instance(name);
    await lab.addAddress(i.ns, 'lo', `${VIP}/32`);
    services.set(name, await startHttpService(lab, i.ns, `http-${name}`, name, VIP));
    const config = linodeFloatdConfig({ instance: i, routeServers: servers, prefixes: PREFIXES, check: { http: { url: `http://${VIP}/` } }, role, service: { ...SHORT_HEALTH, ...extra } });
    daemons.set(name, Floatd.start(lab, i.ns, `floatd-${name}`, config));
  }
  for (const [name, f] of daemons) {
    for (const rs of servers) {
      const n = await f.waitEstablished(rs, 30_000);
      assert.equal(n.peerAs, LINODE_AS, `${name} -> ${rs}`);
      assert.equal(n.holdTime, LINODE_HOLD_TIME);
    }
  }

  /** On every route server and for both prefixes, the best route is `protocol`'s and routes come from exactly `from`. */
  const everywhere = (protocol: string, from: readonly string[]) => async () => {
    for (const { address, bird } of l.routeServers) {
      for (const p of PREFIXES) {
        const sources = await bird.routeSources(p);
        const best = sources.find((s) => s.best)?.protocol;
        const all = sources.map((s) => s.protocol).sort();
        if (best !== protocol || all.join() !== [...from].sort().join()) {
          return new Pending(`${address} ${p}: ${sources.map((s) => `${s.protocol}${s.best ? '*' : ''}`).join(', ') || 'no route'}`);
        }
      }
    }
    return true;
  };
  await waitFor('a\'s routes best on both route servers, b\'s held too', everywhere('cust_a', ['cust_a', 'cust_b']), { timeoutMs: 30_000 });

  const rs = l.routeServers[0]!.bird;
  for (const p of PREFIXES) {
    const a = await rs.route(p, 'cust_a');
    const b = await rs.route(p, 'cust_b');
    assert.deepEqual(a?.asPath, [LINODE_CUSTOMER_AS, LINODE_CUSTOMER_AS, LINODE_CUSTOMER_AS], `${p} from a: two prepends`);
    assert.deepEqual(a?.communities, [PRIMARY_COMMUNITY]);
    assert.deepEqual(b?.asPath, [LINODE_CUSTOMER_AS], `${p} from b: no prepend`);
    assert.deepEqual(b?.communities, [SECONDARY_COMMUNITY]);
    // Extended next hop: the IPv4 route's next hop is the instance's IPv6 address.
    assert.equal(a?.nextHop, l.instance('a').address, `${p} next hop from a`);
    assert.equal(b?.nextHop, l.instance('b').address, `${p} next hop from b`);
  }
  const text = (await rs.routeText(PREFIXES[0]!)) ?? '';
  assert.match(text, new RegExp(`BGP\\.local_pref: ${ROLE_LOCAL_PREF.primary}`), 'the filter set the primary\'s LOCAL_PREF');
  assert.match(text, new RegExp(`BGP\\.local_pref: ${ROLE_LOCAL_PREF.secondary}`), 'and the secondary\'s');
  assert.match(text, /unicast \[cust_a [^\]]*\] \*/, 'a\'s IPv4 route is usable (unicast via the IPv6 next hop) and the best');

  services.get('a')!.signal('SIGUSR1');
  await waitFor('a withdrawn everywhere, b best', everywhere('cust_b', ['cust_b']), { timeoutMs: 20_000 });
  services.get('a')!.signal('SIGUSR2');
  await waitFor('a back and best everywhere', everywhere('cust_a', ['cust_a', 'cust_b']), { timeoutMs: 20_000 });
  console.log(`[Linode-like] ${servers.length} route servers: ${PREFIXES.join(' and ')} from a (65000:1, AS path of 3) preferred over b (65000:2, AS path of 1); failover and failback on every route server`);
});
