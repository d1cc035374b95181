import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DnsClient } from '../../src/dns/index.js';
import { dnsReloadProblem, type DnsRecordView } from '../../src/daemon/dns-links.js';
import { parseConfigText } from '../../src/config/index.js';
import { KEY, OTHER, startServer, ZONE } from '../../lab/dns/servers.js';
import { Cleanup, FLOATD_AS, now, sleep, tcpService, tcpServiceEntry, tempDir, TestDaemon, waitFor } from './helpers/harness.js';

// A real Daemon in-process with no BGP neighbors, keeping records at a real
// BIND 9 on loopback (lab/dns/servers.ts). The zone already holds
// www A 192.0.2.200: another instance's address in the same RRset.

const T = { timeout: 90_000 };
const WWW = `www.${ZONE}`;
const API = `api.${ZONE}`;
const OURS = '192.0.2.11';
const API_ADDR = '192.0.2.12';

function records(d: TestDaemon, service: string): DnsRecordView[] {
  return ((d.service(service) as { dns?: DnsRecordView[] } | undefined)?.dns ?? []);
}

async function setup(c: Cleanup) {
  const dir = tempDir(c);
  const bind = await startServer('bind');
  c.add(() => bind.stop());
  const keyFile = join(dir, 'dns.key');
  // As tsig-keygen writes it.
  writeFileSync(keyFile, `key "${KEY.name}" {\n\talgorithm ${KEY.algorithm};\n\tsecret "${KEY.secret}";\n};\n`);
  const web = await tcpService(c);
  const api = await tcpService(c);
  const config = {
    'router-id': '127.0.0.1',
    'local-as': FLOATD_AS,
    dns: { server: `${bind.host}:${bind.port}`, zone: ZONE, tsig: { 'key-file': keyFile }, 'reconcile-interval': 60 },
    services: [
      tcpServiceEntry('web', [], web.port, { dns: [{ name: 'www', address: OURS, ttl: 30 }] }),
      tcpServiceEntry('api', [], api.port, { dns: [{ name: `${API}.`, address: API_ADDR, ttl: 30 }] }),
    ],
  };
  const d = await TestDaemon.start(c, dir, config);
  const probe = new DnsClient({ host: bind.host, port: bind.port, timeoutMs: 500, tries: 2 });
  const at = (name: string): Promise<string[]> => probe.queryAddresses(name, 1);
  return { bind, web, d, at, config };
}

test('a failed check deletes our record at BIND and leaves the other instance\'s; stop deletes the rest', T, async () => {
  const c = new Cleanup();
  try {
    const { web, d, at } = await setup(c);
    let www: string[] = [];
    let api: string[] = [];
    const until = Date.now() + 15_000;
    while (!(www.includes(OURS) && api.includes(API_ADDR)) && Date.now() < until) {
      [www, api] = [await at(WWW), await at(API)];
      await sleep(20);
    }
    assert.deepEqual(www.sort(), [OURS, OTHER].sort(), 'our address is added beside the other instance\'s');
    assert.deepEqual(api, [API_ADDR]);
    await waitFor('status to show the record present', () => records(d, 'web')[0]?.state === 'present');
    const shown = records(d, 'web')[0]!;
    assert.equal(shown.name, WWW);
    assert.equal(shown.type, 'A');
    assert.equal(shown.last?.op, 'add');
    assert.equal(shown.last?.ok, true);
    assert.ok(d.events().some((e) => e.service === 'web' && e.kind === 'dns' && e.reason === `dns: ${WWW} A ${OURS} added at the primary`), 'the event log has the add');

    // The check fails: the service goes DOWN after `fall` failures, and the record goes.
    const failedAt = now();
    await web.close();
    let goneAt: number | undefined;
    const limit = Date.now() + 15_000;
    while (goneAt === undefined && Date.now() < limit) {
      www = await at(WWW);
      if (!www.includes(OURS)) goneAt = now();
      else await sleep(2);
    }
    assert.ok(goneAt !== undefined, 'our record was deleted');
    assert.deepEqual(www, [OTHER], 'the other instance\'s record is untouched');
    const downAt = d.events().find((e) => e.service === 'web' && e.to === 'DOWN')?.atMs;
    assert.ok(downAt !== undefined && downAt <= goneAt);
    console.log(
      `check failing -> record gone at BIND: ${(goneAt - failedAt).toFixed(1)} ms (fall 2 at 0.1 s fast-interval); ` +
        `DOWN -> record gone: ${(goneAt - downAt).toFixed(1)} ms (BIND polled every ~2 ms)`,
    );
    await waitFor('status to show it absent', () => records(d, 'web')[0]?.state === 'absent');
    assert.equal(records(d, 'web')[0]?.last?.op, 'delete');
    assert.equal(records(d, 'api')[0]?.state, 'present');

    // Stop: the healthy service's record is deleted before stop() resolves.
    const t0 = now();
    await d.daemon.stop();
    const stopMs = now() - t0;
    assert.deepEqual(await at(API), [], 'stop deleted the record of the service still serving');
    assert.deepEqual(await at(WWW), [OTHER]);
    console.log(`stop with one record to delete: ${stopMs.toFixed(1)} ms`);
  } finally {
    await c.run();
  }
});

test('a dead DNS server neither delays the checks nor holds up stop for more than its bound', T, async () => {
  const c = new Cleanup();
  try {
    const { bind, d, at } = await setup(c);
    await waitFor('both records present', () => records(d, 'web')[0]?.state === 'present' && records(d, 'api')[0]?.state === 'present');
    assert.ok((await at(WWW)).includes(OURS));
    await bind.down();
    // Maintenance withdraws at once even though the delete cannot reach anyone.
    const t0 = now();
    d.daemon.control().maintenance(true, 'web');
    assert.equal(d.state('web'), 'DISABLED');
    assert.ok(now() - t0 < 100, 'maintenance returned without waiting for DNS');
    await waitFor('the delete to be retrying', () => records(d, 'web')[0]?.state === 'retrying', 20_000);
    assert.equal(records(d, 'web')[0]?.last?.ok, false);
    assert.equal(records(d, 'web')[0]?.last?.code, 'ERR_DNS_TIMEOUT');
    const t1 = now();
    await d.daemon.stop();
    const stopMs = now() - t1;
    console.log(`stop with a dead DNS server: ${stopMs.toFixed(0)} ms (bound 2000 ms)`);
    assert.ok(stopMs < 10_000, `stop took ${stopMs} ms`);
  } finally {
    await c.run();
  }
});

test('a reload that changes dns or a service\'s records is refused; other changes are not', () => {
  const opts = { env: {}, hostname: 'h', readFile: (p: string): string => (p.endsWith('b.key') ? `key "k" { algorithm hmac-sha256; secret "${KEY.secret.replace('Z', 'Y')}"; };` : `key "k" { algorithm hmac-sha256; secret "${KEY.secret}"; };`) };
  const text = (record: string, keyFile = '/a.key', rise = 2): string =>
    [
      'router-id: 192.0.2.1',
      'local-as: 65001',
      'dns: { server: 192.0.2.53, zone: example.test, tsig: { key-file: ' + keyFile + ' } }',
      'services:',
      `  - { name: web, rise: ${rise}, check: { tcp: { host: 127.0.0.1, port: 80 } }, dns: [${record}] }`,
      '',
    ].join('\n');
  const cfg = (...a: Parameters<typeof text>) => parseConfigText(text(...a), 'f.yaml', opts);
  const base = cfg('{ name: www, address: 192.0.2.11 }');
  assert.equal(dnsReloadProblem(base, cfg('{ name: www, address: 192.0.2.11 }', '/a.key', 3)), undefined);
  assert.match(dnsReloadProblem(base, cfg('{ name: www, address: 192.0.2.12 }')) ?? '', /restart floatd/);
  assert.match(dnsReloadProblem(base, cfg('{ name: www, address: 192.0.2.11, ttl: 30 }')) ?? '', /restart floatd/);
  assert.match(dnsReloadProblem(base, cfg('{ name: www, address: 192.0.2.11 }', '/b.key')) ?? '', /restart floatd/, 'a new secret in another file');
});
