// The virtual MAC (RFC 9568 7.3) on a bridged LAN in namespaces: two floatd
// instances with `virtual-mac` on. The client's neighbour table maps the
// address to 00:00:5e:00:01:VRID before and after a failover (no ARP change
// for the hosts), the new Active's adverts leave from that MAC, and the
// macvlan is gone after the stop. Then floatd with the virtual MAC against
// keepalived with use_vmac.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { check, Pending, requireLab, run, waitFor } from '../../lab/netns.js';
import { ask, holders, startFloatd, startKeepalived, VIP, vrrpLan, type VrrpLan } from '../../lab/vrrp-lan.js';

requireLab(['curl', 'tcpdump', 'keepalived']);

const lans: VrrpLan[] = [];
after(async () => {
  for (const l of lans) await l.lab.cleanup();
});

const VRID = 7;
const VMAC = '00:00:5e:00:01:07';

async function neighbourMac(lan: VrrpLan): Promise<string | undefined> {
  const j = JSON.parse(await check('ip', ['-n', lan.ns.cl, '-j', 'neigh', 'show', VIP])) as { lladdr?: string }[];
  return j[0]?.lladdr;
}

async function servedBy(lan: VrrpLan, who: 'fd' | 'ka', what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const h = await holders(lan);
      if (h.join() !== who) return new Pending(`holders [${h.join(', ')}]`);
      const a = await ask(lan, 0.3);
      return a === who ? true : new Pending(`client got ${a}`);
    },
    { timeoutMs: 15_000, intervalMs: 20 },
  );
}

/** The Ethernet source of the next adverts seen on the bridge port of `host`. */
async function advertSources(lan: VrrpLan, host: 'fd' | 'ka'): Promise<string[]> {
  const brNs = lan.ns.fd.replace(/-fd$/, '-br');
  const r = await run('ip', ['netns', 'exec', brNs, 'timeout', '3', 'tcpdump', '-l', '-e', '-n', '-c', '3', '-i', `p-${host}`, 'ip proto 112'], { timeoutMs: 6_000 });
  return [...r.stdout.matchAll(/^\S+ ([0-9a-f:]{17}) > /gm)].map((m) => m[1]!);
}

test('virtual MAC: the client keeps the same neighbour entry across a failover between two floatd', { timeout: 90_000 }, async () => {
  const lan = await vrrpLan('vmac');
  lans.push(lan);
  try {
    const a = startFloatd(lan, 'A', { vrid: VRID, priority: 150, advertIntervalMs: 100, virtualMac: true });
    await servedBy(lan, 'fd', 'A to become Active with the virtual MAC');
    const b = startFloatd(lan, 'B', { host: 'ka', vrid: VRID, priority: 100, advertIntervalMs: 100, virtualMac: true });
    await waitFor('B to be a Backup', () => (/"to":"Backup"/.test(b.output()) ? true : new Pending('not yet')), { timeoutMs: 10_000 });

    // The address lives on vrrp.7, whose MAC is the virtual one; the parent keeps its own.
    const link = JSON.parse(await check('ip', ['-n', lan.ns.fd, '-j', '-d', 'addr', 'show', 'dev', `vrrp.${VRID}`])) as { address: string; addr_info: { local: string }[]; linkinfo: { info_kind: string } }[];
    assert.equal(link[0]?.address, VMAC);
    assert.equal(link[0]?.linkinfo.info_kind, 'macvlan');
    assert.ok(link[0]?.addr_info.some((x) => x.local === VIP), 'the address is on vrrp.7');
    assert.equal(await neighbourMac(lan), VMAC, 'the client resolved the address to the virtual MAC');
    assert.deepEqual([...new Set(await advertSources(lan, 'fd'))], [VMAC], "A's adverts come from the virtual MAC");

    // A gives up: B takes over, and the client's entry does not change.
    a.signal('SIGUSR1');
    await servedBy(lan, 'ka', 'B to take over');
    assert.equal(await neighbourMac(lan), VMAC, 'the client still maps the address to the virtual MAC');
    assert.deepEqual([...new Set(await advertSources(lan, 'ka'))], [VMAC], "B's adverts come from the virtual MAC");
    for (let i = 0; i < 5; i++) assert.equal(await ask(lan, 0.5), 'ka');

    // Stop: the macvlans go.
    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
    for (const ns of [lan.ns.fd, lan.ns.ka]) {
      const r = await run('ip', ['-n', ns, 'link', 'show', 'dev', `vrrp.${VRID}`]);
      assert.notEqual(r.code, 0, `vrrp.${VRID} is gone from ${ns}`);
    }
  } catch (err) {
    console.log(lan.lab.logTails(30));
    throw err;
  }
});

test('virtual MAC: floatd and keepalived with use_vmac hand the address over under the same MAC', { timeout: 90_000 }, async () => {
  const lan = await vrrpLan('vmacka');
  lans.push(lan);
  try {
    // keepalived leaves the parent's ARP sysctls to the operator (its documentation's note on VMACs); floatd sets them itself.
    await lan.lab.sysctl(lan.ns.ka, 'net.ipv4.conf.eth0.arp_ignore', '1');
    await lan.lab.sysctl(lan.ns.ka, 'net.ipv4.conf.eth0.arp_announce', '2');
    const ka = startKeepalived(lan, 'ka', { vrid: VRID, priority: 100, advertInt: 0.1, useVmac: true });
    await servedBy(lan, 'ka', 'keepalived to become Active');
    assert.equal(await neighbourMac(lan), VMAC, 'keepalived answers from the virtual MAC');
    const fd = startFloatd(lan, 'A', { vrid: VRID, priority: 150, advertIntervalMs: 100, virtualMac: true });
    await servedBy(lan, 'fd', 'floatd (150) to preempt keepalived (100)');
    assert.equal(await neighbourMac(lan), VMAC, 'the client still maps the address to the virtual MAC');
    fd.signal('SIGUSR1');
    await servedBy(lan, 'ka', 'keepalived to take over when floatd gives up');
    assert.equal(await neighbourMac(lan), VMAC);
    assert.equal(await fd.stop(), 0);
    await ka.stop();
  } catch (err) {
    console.log(lan.lab.logTails(30));
    throw err;
  }
});
