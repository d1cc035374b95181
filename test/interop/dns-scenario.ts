import assert from 'node:assert/strict';
import { DnsClient } from '../../src/dns/client.js';
import type { DnsError } from '../../src/dns/errors.js';
import { RecordKeeper } from '../../src/dns/record-keeper.js';
import type { KeeperReport } from '../../src/dns/record-keeper.js';
import { addRecord, deleteRecord } from '../../src/dns/update.js';
import { KEY, OTHER, startServer, ZONE } from '../../lab/dns/servers.js';
import type { DnsServer } from '../../lab/dns/servers.js';
import { realClock } from '../../src/util/clock.js';

const key = { name: KEY.name, algorithm: KEY.algorithm, secret: Buffer.from(KEY.secret, 'base64') };
const WWW = `www.${ZONE}`;
const OURS = { name: WWW, address: '192.0.2.7', ttl: 60 };

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The interop scenario, the same against each server. */
export async function dnsScenario(kind: DnsServer['kind']): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('DNS interop tests need root (the servers run as root here)');
  const srv = await startServer(kind);
  try {
    const client = new DnsClient({ host: srv.host, port: srv.port, key, timeoutMs: 500, tries: 2 });
    const www = (): Promise<string[]> => client.queryAddresses(WWW, 1).then((a) => a.sort());
    assert.deepEqual(await www(), [OTHER]);

    // Add ours beside the other instance's record, then delete only ours.
    await client.update(addRecord(0, ZONE, OURS));
    assert.deepEqual(await www(), ['192.0.2.200', '192.0.2.7']);
    await client.update(deleteRecord(0, ZONE, OURS));
    assert.deepEqual(await www(), [OTHER]);

    // A wrong secret: BIND and Knot say BADSIG (header NOTAUTH); PowerDNS an unsigned REFUSED.
    const wrong = new DnsClient({ host: srv.host, port: srv.port, key: { ...key, secret: Buffer.from('wrong secret') }, timeoutMs: 500 });
    await assert.rejects(wrong.update(addRecord(0, ZONE, OURS)), (e: DnsError) => e.code === (kind === 'pdns' ? 'REFUSED' : 'BADSIG'));
    const unknown = new DnsClient({ host: srv.host, port: srv.port, key: { ...key, name: 'nobody' }, timeoutMs: 500 });
    await assert.rejects(unknown.update(addRecord(0, ZONE, OURS)), (e: DnsError) => e.code === (kind === 'pdns' ? 'REFUSED' : 'BADKEY'));
    // Our clock an hour behind: BADTIME, and the skew comes from the server's time.
    const late = new DnsClient({ host: srv.host, port: srv.port, key, timeoutMs: 500, wallSeconds: () => Date.now() / 1000 - 3600 });
    // PowerDNS 4.7 answers it with an unsigned REFUSED, without its time (its log: "Invalid TSIG time delta").
    await assert.rejects(late.update(addRecord(0, ZONE, OURS)), (e: DnsError) => (kind === 'pdns' ? e.code === 'REFUSED' : e.code === 'BADTIME' && Math.abs((e.skewSeconds ?? 0) - 3600) <= 5));
    assert.deepEqual(await www(), [OTHER]);
    // Keep-last guard: the value-dependent prerequisite fails when the RRset differs.
    await assert.rejects(client.update(deleteRecord(0, ZONE, OURS, [OURS.address, OTHER])), (e: DnsError) => e.code === 'NXRRSET');

    // The keeper: add, then the server goes down, our record leaves the desired set, the server comes back.
    const reports: KeeperReport[] = [];
    const keeper = new RecordKeeper({ client, zone: ZONE, clock: realClock, desired: [OURS], config: { retryBaseMs: 200, retryMaxMs: 1000 }, onReport: (r) => reports.push(r) });
    keeper.start();
    try {
      await until('our record added', async () => ((await www()).includes(OURS.address) ? true : undefined));
      await srv.down();
      keeper.setDesired([]);
      await until('a failed delete', async () => (reports.some((r) => r.op === 'delete' && !r.ok) ? true : undefined));
      await srv.up();
      await until('our record deleted after the server came back', async () => ((await www()).join() === OTHER ? true : undefined));
      await until('the keeper saw it done', async () => (keeper.snapshot().length === 0 ? true : undefined));
      const failed = reports.filter((r) => r.op === 'delete' && !r.ok).map((r) => r.code);
      console.log(`${kind}: failed deletes while down: ${failed.join(', ')}; then ok`);
      assert.ok(failed.every((c) => c === 'ERR_DNS_TIMEOUT' || c === 'ERR_DNS_NETWORK'));
    } finally {
      keeper.stop();
    }

    // Keep-last mode with the other record gone: ours stays as the last one.
    await client.update(deleteRecord(0, ZONE, { ...OURS, address: OTHER }));
    const kept: KeeperReport[] = [];
    const k2 = new RecordKeeper({ client, zone: ZONE, clock: realClock, desired: [OURS], keepLast: true, onReport: (r) => kept.push(r) });
    k2.start();
    try {
      await until('our record added', async () => ((await www()).join() === OURS.address ? true : undefined));
      k2.setDesired([]);
      await until('keep-last decision', async () => (kept.some((r) => r.op === 'delete') ? true : undefined));
      assert.ok(kept.some((r) => r.op === 'delete' && r.ok && r.keptLast));
      assert.deepEqual(await www(), [OURS.address]);
    } finally {
      k2.stop();
    }
  } catch (e) {
    console.log(`--- ${kind} log ---\n${srv.log().slice(-3000)}`);
    throw e;
  } finally {
    await srv.stop();
  }
}
