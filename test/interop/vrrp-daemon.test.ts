// `floatd run` with a `vrrp` entry and no BGP at all, against keepalived 2.2
// on a bridged LAN in namespaces (lab/vrrp-lan.ts): the tracked service is an
// HTTP check on the host's own web server. Killing that server makes floatd
// give up and keepalived take over; starting it again makes floatd preempt
// back; SIGTERM releases the address. The failover times are printed.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { now, Pending, requireLab, waitFor } from '../../lab/netns.js';
import { ask, holders, HOST_ADDR, startHttp, startKeepalived, VIP, vrrpLan, type VrrpLan } from '../../lab/vrrp-lan.js';

requireLab(['keepalived', 'curl']);

const FLOATD = fileURLToPath(new URL('../../../bin/floatd.js', import.meta.url));
const lans: VrrpLan[] = [];
after(async () => {
  for (const l of lans) await l.lab.cleanup();
});

/** Waits until `who` alone holds the address and the client gets its answer; returns how long that took. */
async function servedBy(lan: VrrpLan, who: 'fd' | 'ka', what: string, timeoutMs = 15_000): Promise<number> {
  const t0 = now();
  await waitFor(
    what,
    async () => {
      const h = await holders(lan);
      if (h.length !== 1 || h[0] !== who) return new Pending(`holders [${h.join(', ')}]`);
      const a = await ask(lan, 0.3);
      return a === who ? true : new Pending(`client got ${a}`);
    },
    { timeoutMs, intervalMs: 10 },
  );
  return now() - t0;
}

test('floatd run: an HTTP check drives VRRP against keepalived (give up, preempt back, release)', { timeout: 120_000 }, async () => {
  const lan = await vrrpLan('vrrpd');
  lans.push(lan);
  try {
    const ka = startKeepalived(lan, 'ka', { vrid: 63, priority: 100, advertInt: 0.1 });
    await servedBy(lan, 'ka', 'keepalived to become Active alone');

    const config = join(lan.lab.dir, 'floatd.yaml');
    writeFileSync(
      config,
      stringify({
        'router-id': HOST_ADDR.fd,
        'local-as': 65001,
        'control-socket': join(lan.lab.dir, 'floatd.sock'),
        services: [{ name: 'web', check: { http: { url: 'http://127.0.0.1:8080/' } }, rise: 2, fall: 1, interval: 0.1, 'fast-interval': 0.05, timeout: 0.1 }],
        vrrp: [{ name: 'web-vip', interface: 'eth0', vrid: 63, priority: 150, 'advert-interval': 0.1, addresses: [`${VIP}/24`], track: ['web'] }],
      }),
    );
    const fd = lan.lab.spawn(lan.ns.fd, 'floatd', process.execPath, [FLOATD, 'run', '--config', config], { env: { ...process.env, FLOATD_LOG_FORMAT: 'json' } });
    await servedBy(lan, 'fd', 'floatd (150) to preempt keepalived (100) once its service serves');

    // The web server dies: the check fails, floatd gives up, keepalived takes over.
    const t0 = now();
    await lan.http.fd.stop('SIGKILL');
    await servedBy(lan, 'ka', 'keepalived to take over when the web server on the floatd host dies');
    const failover = now() - t0;
    assert.match(fd.output(), /vrrp web-vip: Active -> Backup \(tracked service not serving: giving up mastership\)/);

    // Back again: once the check rises, floatd preempts keepalived.
    const t1 = now();
    lan.http.fd = startHttp(lan.lab, lan.ns.fd, 'fd');
    await servedBy(lan, 'fd', 'floatd to preempt back when the web server returns');
    const back = now() - t1;

    // SIGTERM: the address goes, priority 0, keepalived takes over within its skew time.
    const t2 = now();
    fd.signal('SIGTERM');
    await servedBy(lan, 'ka', 'keepalived to take over when floatd stops');
    const release = now() - t2;
    assert.equal(await fd.exited, 0);
    assert.match(fd.output(), /vrrp web-vip: Active -> Initialize \(floatd stopping\)/);
    await ka.stop();
    console.log(`# floatd run + keepalived, adverts 0.1 s, check every 0.1 s: server killed -> keepalived serves ${failover.toFixed(0)} ms; server back -> floatd serves ${back.toFixed(0)} ms; SIGTERM -> keepalived serves ${release.toFixed(0)} ms`);
  } catch (err) {
    console.log(lan.lab.logTails(40));
    throw err;
  }
});
