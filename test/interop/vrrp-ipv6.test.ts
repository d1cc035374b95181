// floatd's VRRP against keepalived over IPv6 (ff02::12, link-local sources,
// unsolicited neighbour advertisements): preemption by priority and release
// by priority 0, with a client reaching the address throughout.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { requireLab, waitFor, Pending } from '../../lab/netns.js';
import { ask, bothHold, holders, startFloatd, startKeepalived, vrrpLan, VIP6, type VrrpLan } from '../../lab/vrrp-lan.js';

requireLab(['keepalived', 'curl']);

let lan: VrrpLan | undefined;
after(async () => {
  await lan?.lab.cleanup();
});

async function servedBy(l: VrrpLan, who: 'fd' | 'ka', what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const h = await holders(l, VIP6);
      if (h.length !== 1 || h[0] !== who) return new Pending(`holders [${h.join(', ')}]`);
      const a = await ask(l, 0.3, VIP6);
      return a === who ? true : new Pending(`client got ${a}`);
    },
    { timeoutMs: 10_000, intervalMs: 20 },
  );
}

test('IPv6: floatd preempts keepalived, releases to it, and never shares the address', { timeout: 90_000 }, async () => {
  lan = await vrrpLan('vr6');
  const l = lan;
  try {
    const ka = startKeepalived(l, 'ka6', { vrid: 62, priority: 100, advertInt: 0.1, vip: VIP6 });
    await servedBy(l, 'ka', 'keepalived to hold the IPv6 address');
    const fd = startFloatd(l, 'fd6', { vrid: 62, priority: 150, advertIntervalMs: 100, vip: VIP6 });
    await servedBy(l, 'fd', 'floatd (150) to preempt keepalived (100) over IPv6');
    // keepalived logs the sender: floatd's link-local address (RFC 9568 5.1.2.1).
    await waitFor('keepalived to log floatd as the higher priority', () => (/advert from fe80::[0-9a-f:]+ with higher priority 150/.test(ka.output()) ? true : new Pending(ka.output().slice(-300))));
    let both = 0;
    for (let i = 0; i < 10; i++) if (await bothHold(l, VIP6)) both += 1;
    fd.signal('SIGTERM');
    await servedBy(l, 'ka', 'keepalived to take the IPv6 address after floatd released');
    for (let i = 0; i < 10; i++) if (await bothHold(l, VIP6)) both += 1;
    assert.equal(both, 0);
    assert.equal(await fd.exited, 0);
    assert.match(ka.output(), /Backup received priority 0 advertisement/);
  } catch (err) {
    console.log(l.lab.logTails(30));
    throw err;
  }
});
