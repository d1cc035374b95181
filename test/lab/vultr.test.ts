// The Vultr-like upstream (lab/upstreams/vultr.ts): BIRD at
// 169.254.169.254, AS 64515, two hops away, TCP MD5. Two instances run
// floatd as seed 000's BIRD would be set up (source address, multihop 2,
// password file), a as primary and b as backup by AS-path prepends. The
// router accepts both routes with the expected attributes, prefers a's,
// switches to b's when a's service fails and back when it recovers.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Floatd } from '../../lab/daemons/floatd.js';
import { startHttpService } from '../../lab/failover/http-service-process.js';
import { Pending, waitFor } from '../../lab/netns.js';
import { buildVultrLab, VULTR_AS, VULTR_CUSTOMER_AS, VULTR_HOLD_TIME, VULTR_ROUTER, vultrFloatdConfig } from '../../lab/upstreams/vultr.js';
import { labTest, SHORT_HEALTH } from './upstream-lab.js';

const KEY = 'vultr-bgp-password';
const VIP = '192.0.2.10';
const PREFIX = `${VIP}/32`;

labTest('Vultr-like upstream: routes accepted over multihop 2 + MD5, the backup\'s prepend honoured, failover and failback', 'vultr', async (lab) => {
  const v = await buildVultrLab(lab, KEY);
  const keyFile = join(lab.dir, 'vultr.md5');
  writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
  const services = new Map<string, Awaited<ReturnType<typeof startHttpService>>>();
  const daemons = new Map<string, Floatd>();
  for (const [name, role] of [
    ['a', 'primary'],
    ['b', 'secondary'],
  ] as const) {
    const i = v.instance(name);
    await lab.addAddress(i.ns, 'lo', PREFIX);
    services.set(name, await startHttpService(lab, i.ns, `http-${name}`, name, VIP));
    daemons.set(name, Floatd.start(lab, i.ns, `floatd-${name}`, vultrFloatdConfig({ instance: i, passwordFile: keyFile, prefix: PREFIX, check: { http: { url: `http://${VIP}/` } }, role, health: SHORT_HEALTH })));
  }
  const best = async () => (await v.router.routeSources(PREFIX)).find((s) => s.best)?.protocol;
  /** The router's best route is `protocol`'s, and it holds routes from exactly `from`. */
  const bestIs = (protocol: string, from: readonly string[]) => async () => {
    const sources = await v.router.routeSources(PREFIX);
    const b = sources.find((s) => s.best)?.protocol;
    const all = sources.map((s) => s.protocol).sort();
    return b === protocol && all.join() === [...from].sort().join() ? true : new Pending(`routes from ${sources.map((s) => `${s.protocol}${s.best ? '*' : ''}`).join(', ') || 'nobody'}`);
  };

  for (const name of ['a', 'b']) {
    const i = v.instance(name);
    const n = await daemons.get(name)!.waitEstablished(VULTR_ROUTER, 30_000);
    assert.equal(n.peerAs, VULTR_AS);
    assert.equal(n.holdTime, 90, `hold time: floatd's 90 s under the router's ${VULTR_HOLD_TIME} s`);
    assert.ok(await v.router.established(i.protocol), `BIRD's session ${i.protocol}`);
    const caps = await v.router.protocolDetails(i.protocol);
    assert.match(caps, /Local capabilities[\s\S]*Graceful restart[\s\S]*Neighbor capabilities/, 'the router offers graceful restart (restart-able, as in the seed)');
    assert.match(caps, /Neighbor capabilities[\s\S]*4-octet AS numbers/, 'floatd offers 4-octet AS numbers');
    assert.match(caps, /Session:\s+external multihop AS4/, 'a multihop eBGP session');
  }
  await waitFor('both routes at the router, a\'s the best', bestIs('cust_a', ['cust_a', 'cust_b']), { timeoutMs: 20_000 });
  const ra = await v.router.route(PREFIX, 'cust_a');
  const rb = await v.router.route(PREFIX, 'cust_b');
  assert.deepEqual(ra?.asPath, [VULTR_CUSTOMER_AS], 'primary: no prepend');
  assert.equal(ra?.nextHop, v.instance('a').address, 'next hop: a\'s public address');
  assert.deepEqual(rb?.asPath, [VULTR_CUSTOMER_AS, VULTR_CUSTOMER_AS], 'backup: one prepend');
  assert.equal(rb?.nextHop, v.instance('b').address);

  services.get('a')!.signal('SIGUSR1');
  await waitFor('a\'s route gone and b\'s the best', bestIs('cust_b', ['cust_b']), { timeoutMs: 20_000 });
  services.get('a')!.signal('SIGUSR2');
  await waitFor('a\'s route back and the best again', bestIs('cust_a', ['cust_a', 'cust_b']), { timeoutMs: 20_000 });
  console.log(`[Vultr-like] best route ${String(await best())}; a ${JSON.stringify(ra?.asPath)}, b ${JSON.stringify(rb?.asPath)}`);
});
