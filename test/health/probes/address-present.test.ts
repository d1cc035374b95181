import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IprouteAddressSystem } from '../../../src/daemon/addresses/iproute.js';
import type { ProbeResult } from '../../../src/health/probe-result.js';
import { AddressPresentProbe } from '../../../src/health/probes/address-present.js';
import { CompositeProbe } from '../../../src/health/probes/composite.js';
import { check, Lab, requireLab } from '../../../lab/netns.js';
import { FakeWatch } from '../../daemon/addresses/fakes.js';

const spec = { kind: 'address-present' as const, interface: 'lo', addresses: ['192.0.2.10', '2001:DB8::10/128'] };

test('healthy iff every address is on the interface; the length is not compared; the detail names what is missing', async () => {
  const watch = new FakeWatch('lo');
  const probe = new AddressPresentProbe(spec, watch);
  assert.equal(probe.kind, 'address-present');
  let r = await probe.run(new AbortController().signal);
  assert.deepEqual([r.ok, r.detail], [false, 'address 192.0.2.10, 2001:DB8::10/128 on lo: 192.0.2.10, 2001:db8::10 missing']);
  watch.set(['192.0.2.10/24', '2001:db8::10/128']);
  r = await probe.run(new AbortController().signal);
  assert.deepEqual([r.ok, r.detail], [true, 'address 192.0.2.10, 2001:DB8::10/128 on lo: present']);
  watch.set(['2001:db8::10/128', '192.0.2.11/32']);
  r = await probe.run(new AbortController().signal);
  assert.deepEqual([r.ok, r.detail], [false, 'address 192.0.2.10, 2001:DB8::10/128 on lo: 192.0.2.10 missing']);
});

test('addresses on another interface do not count', async () => {
  const watch = new FakeWatch('eth0');
  watch.set(['192.0.2.10/32', '2001:db8::10/128']);
  const r = await new AddressPresentProbe(spec, watch).run(new AbortController().signal);
  assert.equal(r.ok, false);
});

test('watch reports each change of health, not the first observation nor unchanged lists; stop unsubscribes', () => {
  const watch = new FakeWatch('lo');
  watch.set(['192.0.2.10/32', '2001:db8::10/128']);
  const probe = new AddressPresentProbe(spec, watch);
  const seen: ProbeResult[] = [];
  const stop = probe.watch((r) => seen.push(r));
  watch.set(['192.0.2.10/32', '2001:db8::10/128', '192.0.2.99/32']);
  assert.equal(seen.length, 0);
  watch.set(['192.0.2.10/32']);
  watch.set([]);
  watch.set(['192.0.2.10/32', '2001:db8::10/128']);
  assert.deepEqual(seen.map((r) => r.ok), [false, true]);
  stop();
  assert.equal(watch.listenerCount(), 0);
});

test('an address on a link that is down or without carrier is missing, and the detail says why', async () => {
  const watch = new FakeWatch('lo');
  watch.set(['192.0.2.10/32', '2001:db8::10/128']);
  const probe = new AddressPresentProbe(spec, watch);
  const seen: ProbeResult[] = [];
  probe.watch((r) => seen.push(r));
  watch.setLink('down');
  let r = await probe.run(new AbortController().signal);
  assert.deepEqual([r.ok, r.detail], [false, 'address 192.0.2.10, 2001:DB8::10/128 on lo: 192.0.2.10, 2001:db8::10 missing (link lo is down)']);
  watch.setLink('no-carrier');
  r = await probe.run(new AbortController().signal);
  assert.equal(r.detail, 'address 192.0.2.10, 2001:DB8::10/128 on lo: 192.0.2.10, 2001:db8::10 missing (link lo has no carrier)');
  watch.setLink(undefined);
  assert.deepEqual(seen.map((x) => [x.ok, x.detail]), [
    [false, 'address 192.0.2.10, 2001:DB8::10/128 on lo: 192.0.2.10, 2001:db8::10 missing (link lo is down)'],
    [true, 'address 192.0.2.10, 2001:DB8::10/128 on lo: present'],
  ]);
});

test('an aborted run reports the abort', async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await new AddressPresentProbe(spec, new FakeWatch()).run(ac.signal);
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
});

test('a malformed address is a construction error', () => {
  assert.throws(() => new AddressPresentProbe({ kind: 'address-present', interface: 'lo', addresses: ['nope'] }, new FakeWatch()), /"nope" is not an IP address/);
});

test('composed all-of with a service check: a missing address forces the service down', async () => {
  const watch = new FakeWatch('lo');
  watch.set(['192.0.2.10/32', '2001:db8::10/128']);
  const healthy = { kind: 'manual', run: async (): Promise<ProbeResult> => ({ ok: true, detail: 'HTTP 200', durationMs: 1 }) };
  const composite = new CompositeProbe('all', [
    { name: 'check', probe: healthy },
    { name: 'address', probe: new AddressPresentProbe(spec, watch) },
  ]);
  assert.equal((await composite.run(new AbortController().signal)).ok, true);
  const changes: ProbeResult[] = [];
  const stop = composite.watch!((r) => changes.push(r));
  watch.set(['2001:db8::10/128']);
  assert.equal(changes.at(-1)?.ok, false);
  assert.match(changes.at(-1)?.detail ?? '', /address: .*192\.0\.2\.10 missing/);
  stop();
});

test('against the kernel: an address removed in the namespace fails the probe within a second', async (t) => {
  requireLab([]);
  const lab = new Lab('present');
  t.after(() => lab.cleanup());
  const ns = await lab.namespace('a');
  await check('ip', ['-n', ns, 'addr', 'add', '192.0.2.10/32', 'dev', 'lo']);
  await check('ip', ['-n', ns, '-6', 'addr', 'add', '2001:db8::10/128', 'dev', 'lo', 'nodad']);
  const watch = new IprouteAddressSystem({ netns: ns }).watch('lo');
  t.after(() => watch.stop());
  await watch.start();
  const probe = new AddressPresentProbe(spec, watch);
  assert.equal((await probe.run(new AbortController().signal)).ok, true);
  const failed = new Promise<{ r: ProbeResult; at: number }>((resolve) => {
    const stop = probe.watch((r) => {
      stop();
      resolve({ r, at: performance.now() });
    });
  });
  const t0 = performance.now();
  await check('ip', ['-n', ns, 'addr', 'del', '192.0.2.10/32', 'dev', 'lo']);
  const { r, at } = await failed;
  assert.equal(r.ok, false);
  assert.match(r.detail, /192\.0\.2\.10 missing/);
  assert.ok(at - t0 < 1000, `seen after ${(at - t0).toFixed(0)} ms`);
});
