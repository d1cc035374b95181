// floatd's VRRP against keepalived 2.2 (VRRP v3, 0.1 s adverts) on a bridged
// LAN in namespaces: who becomes Active by priority, preemption, giving up
// when the tracked service stops serving, release by priority 0, and a
// client in a third namespace served by whoever holds the address. Both
// hosts' addresses are sampled throughout: never both holding it.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { now, requireLab, sleep, waitFor, Pending, type LabProcess } from '../../lab/netns.js';
import { ask, bothHold, holders, HOST_ADDR, startFloatd, startKeepalived, vrrpLan, type VrrpLan } from '../../lab/vrrp-lan.js';

requireLab(['keepalived', 'curl']);

const lans: VrrpLan[] = [];
after(async () => {
  for (const l of lans) await l.lab.cleanup();
});

/**
 * Samples both hosts until stopped, counting the instants both held the
 * address. One kind is inherent to VRRP: a preempting router adds the address
 * as it becomes Active, and the one it displaces removes its own only when
 * that router's first advert arrives; floatd's removal by iproute2 takes
 * milliseconds. Those (within 250 ms of floatd leaving Active for a higher
 * priority) are counted apart; any other one fails the test.
 */
class Watch {
  samples = 0;
  both = 0;
  /** Wall-clock times of the samples where both held it, to set beside the logs. */
  readonly bothAt: number[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly lan: VrrpLan) {
    this.loop = (async () => {
      for (let i = 0; i < 2000 && !this.stopped; i++) {
        const both = await bothHold(lan);
        this.samples += 1;
        if (both) {
          this.both += 1;
          this.bothAt.push(Date.now());
        }
        await sleep(20);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** Waits until `who` alone holds the address and the client gets its answer; returns how long that took. */
async function servedBy(lan: VrrpLan, who: 'fd' | 'ka', what: string, timeoutMs = 10_000): Promise<number> {
  const t0 = now();
  await waitFor(
    what,
    async () => {
      const h = await holders(lan);
      if (h.length !== 1 || h[0] !== who) return new Pending(`holders [${h.join(', ')}]`);
      const a = await ask(lan, 0.3);
      return a === who ? true : new Pending(`client got ${a}`);
    },
    { timeoutMs, intervalMs: 20 },
  );
  return now() - t0;
}

/** The client keeps getting `who` for `ms`. */
async function staysWith(lan: VrrpLan, who: 'fd' | 'ka', ms: number): Promise<void> {
  const end = now() + ms;
  while (now() < end) {
    assert.equal(await ask(lan), who);
    await sleep(50);
  }
}

async function scenario(tag: string, unicast: boolean): Promise<void> {
  const lan = await vrrpLan(tag);
  lans.push(lan);
  const watch = new Watch(lan);
  let fd: LabProcess | undefined;
  try {
    const peers = unicast ? { ka: HOST_ADDR.fd, fd: [HOST_ADDR.ka] } : undefined;
    let ka = startKeepalived(lan, 'ka1', { vrid: 61, priority: 100, advertInt: 0.1, ...(peers ? { unicastPeer: peers.ka } : {}) });
    await servedBy(lan, 'ka', 'keepalived to become Active alone');

    // Higher priority with preempt: floatd takes the address.
    fd = startFloatd(lan, 'fd1', { vrid: 61, priority: 150, advertIntervalMs: 100, ...(peers ? { unicastPeers: peers.fd } : {}) });
    await servedBy(lan, 'fd', 'floatd (150) to preempt keepalived (100)');
    await staysWith(lan, 'fd', 1000);

    // The tracked service stops serving: priority 0, keepalived takes over after its skew time.
    fd.signal('SIGUSR1');
    const giveUp = await servedBy(lan, 'ka', 'keepalived to take over when floatd gives up');
    // Serving again: floatd preempts once keepalived's lower-priority adverts are discarded.
    fd.signal('SIGUSR2');
    await servedBy(lan, 'fd', 'floatd to take the address back when serving again');

    // Release: priority 0 advert before the address goes.
    const t0 = now();
    fd.signal('SIGTERM');
    await servedBy(lan, 'ka', 'keepalived to take over after floatd released');
    const release = now() - t0;
    assert.equal(await fd.exited, 0);
    assert.match(fd.output(), /"to":"Initialize","reason":"released"/);

    // Roles reversed: keepalived higher (200), floatd the backup.
    await ka.stop();
    await waitFor('keepalived to be gone and the address with it', async () => ((await holders(lan)).length === 0 ? true : new Pending('address still held')));
    fd = startFloatd(lan, 'fd2', { vrid: 61, priority: 150, advertIntervalMs: 100, ...(peers ? { unicastPeers: peers.fd } : {}) });
    await servedBy(lan, 'fd', 'floatd to become Active alone');
    ka = startKeepalived(lan, 'ka2', { vrid: 61, priority: 200, advertInt: 0.1, ...(peers ? { unicastPeer: peers.ka } : {}) });
    await servedBy(lan, 'ka', 'keepalived (200) to preempt floatd (150)');
    await staysWith(lan, 'ka', 1000);
    // keepalived stops (it sends priority 0): floatd takes over.
    const t1 = now();
    await ka.stop();
    await servedBy(lan, 'fd', 'floatd to take over when keepalived stops');
    const takeover = now() - t1;
    assert.match(fd.output(), /"from":"Active","to":"Backup","reason":"advert from 10\.52\.0\.2 with higher priority 200"/);
    assert.match(fd.output(), /"from":"Backup","to":"Active","reason":"10\.52\.0\.2 left \(priority 0\)"/);
    console.log(`# ${tag}: give-up -> served by keepalived ${giveUp.toFixed(0)} ms, release ${release.toFixed(0)} ms, keepalived stop -> floatd ${takeover.toFixed(0)} ms`);
  } catch (err) {
    console.log(lan.lab.logTails(30));
    throw err;
  } finally {
    await watch.stop();
    if (fd) await fd.stop();
  }
  // floatd's moves to Backup on a higher priority advert, from its JSON lines.
  const preempted = lan.lab
    .logTails(1000)
    .split('\n')
    .filter((l) => l.includes('"from":"Active","to":"Backup","reason":"advert from'))
    .map((l) => Number(/"t":([\d.]+)/.exec(l)?.[1] ?? NaN));
  const inherent = watch.bothAt.filter((at) => preempted.some((p) => at >= p - 50 && at <= p + 250));
  console.log(`# ${tag}: ${watch.samples} samples of both hosts' addresses, ${watch.both} with both holding it (${inherent.length} while being preempted)`);
  assert.ok(watch.samples > 50);
  assert.equal(watch.both - inherent.length, 0, `both held the address at ${watch.bothAt.join(', ')}, preempted at ${preempted.join(', ')}; logs:\n${lan.lab.logTails(60)}`);
}

test('floatd and keepalived over multicast: priority, preempt, give-up, release, both roles', { timeout: 120_000 }, async () => {
  await scenario('vrm', false);
});

test('floatd and keepalived over unicast peers: the same, adverts sent to each other only', { timeout: 120_000 }, async () => {
  await scenario('vru', true);
});
