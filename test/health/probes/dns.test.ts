import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DnsProbe } from '../../../src/health/probes/dns.js';
import { runWithTimeout } from '../../../src/health/run-with-timeout.js';
import { realClock } from '../../../src/util/clock.js';
import type { DnsProbeSpec } from '../../../src/health/probe-spec.js';
import { dnsResponder } from '../helpers/servers.js';

let dns: Awaited<ReturnType<typeof dnsResponder>>;

before(async () => {
  dns = await dnsResponder(
    {
      'svc.test': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:0db8:0000:0000:0000:0000:0000:0010'] },
      'empty.test': {},
    },
    ['hang.test'],
  );
});
after(() => dns.close());

const probe = (spec: Partial<DnsProbeSpec>) =>
  new DnsProbe({ kind: 'dns', name: 'svc.test', server: '127.0.0.1', port: dns.port, ...spec }).run(new AbortController().signal);

test('dns: an A answer from the given resolver passes', async () => {
  const r = await probe({});
  assert.equal(r.ok, true);
  assert.match(r.detail, new RegExp(`^dns A svc\\.test @127\\.0\\.0\\.1:${dns.port}: 192\\.0\\.2\\.10,192\\.0\\.2\\.11 in `));
  assert.ok(dns.queries.includes('svc.test/1'));
});

test('dns: AAAA, with the expected address in any spelling', async () => {
  const r = await probe({ type: 'AAAA', expect: ['2001:DB8::10'] });
  assert.equal(r.ok, true, r.detail);
  assert.ok(dns.queries.includes('svc.test/28'));
});

test('dns: every expected address must be in the answer', async () => {
  assert.equal((await probe({ expect: ['192.0.2.11'] })).ok, true);
  const r = await probe({ expect: ['192.0.2.10', '192.0.2.99'] });
  assert.equal(r.ok, false);
  assert.match(r.detail, /lacks 192\.0\.2\.99$/);
});

test('dns: NXDOMAIN and an empty answer fail', async () => {
  const nx = await probe({ name: 'nope.test' });
  assert.equal(nx.ok, false);
  assert.match(nx.detail, /ENOTFOUND/);
  const empty = await probe({ name: 'empty.test' });
  assert.equal(empty.ok, false);
  assert.match(empty.detail, /ENODATA|empty answer/);
});

test('dns: a resolver that never answers is cancelled at the timeout', async () => {
  const t0 = Date.now();
  const r = await runWithTimeout(new DnsProbe({ kind: 'dns', name: 'hang.test', server: '127.0.0.1', port: dns.port }), {
    clock: realClock,
    timeoutMs: 300,
  });
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.detail, /^timed out after 300 ms; dns A hang\.test/);
  assert.ok(Date.now() - t0 < 3000);
});
