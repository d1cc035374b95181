import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { CompositeProbe } from '../../../src/health/probes/composite.js';
import type { ProbeResult } from '../../../src/health/probe-result.js';
import { fail, ManualProbe, pass } from '../helpers/fakes.js';

function parts(watching = false) {
  const clock = new FakeClock();
  const a = new ManualProbe(clock, { watching });
  const b = new ManualProbe(clock);
  return { a, b, named: [{ name: 'web', probe: a }, { name: 'db', probe: b }] };
}

const run = (p: CompositeProbe) => p.run(new AbortController().signal);

test('all-of: healthy only when every part is', async () => {
  const { a, b, named } = parts();
  const all = new CompositeProbe('all', named);
  a.auto = () => pass('200');
  b.auto = () => pass('select 1');
  const ok = await run(all);
  assert.equal(ok.ok, true);
  assert.equal(ok.detail, 'all of 2: 2 ok');
  assert.deepEqual(ok.parts?.map((p) => [p.name, p.result.detail]), [['web', '200'], ['db', 'select 1']]);
  b.auto = () => fail('refused');
  const bad = await run(all);
  assert.equal(bad.ok, false);
  assert.equal(bad.detail, 'all of 2: 1 ok; db: refused');
});

test('any-of: healthy when one part is', async () => {
  const { a, b, named } = parts();
  const any = new CompositeProbe('any', named);
  a.auto = () => fail('refused');
  b.auto = () => pass();
  assert.equal((await run(any)).ok, true);
  b.auto = () => fail('timeout');
  const r = await run(any);
  assert.equal(r.ok, false);
  assert.equal(r.detail, 'any of 2: 0 ok; web: refused; db: timeout');
});

test('parts run in parallel under one signal; a timed-out part marks the failure as a timeout', async () => {
  const { a, b, named } = parts();
  const all = new CompositeProbe('all', named);
  const ac = new AbortController();
  a.onAbort = () => ({ ok: false, timedOut: true, detail: 'aborted', durationMs: 5 });
  b.onAbort = () => ({ ok: false, timedOut: true, detail: 'aborted', durationMs: 5 });
  const pending = all.run(ac.signal);
  assert.equal(a.inFlight + b.inFlight, 2, 'both started at once');
  ac.abort();
  const r = await pending;
  assert.equal(r.timedOut, true);
  assert.equal(r.ok, false);
});

test('a composite watches only when a part does', () => {
  assert.equal(new CompositeProbe('all', parts(false).named).watch, undefined);
  assert.equal(typeof new CompositeProbe('all', parts(true).named).watch, 'function');
});

test('all-of watch: a watched part failing fails the whole at once; recovery needs the others known good', async () => {
  const { a, b, named } = parts(true);
  const all = new CompositeProbe('all', named);
  const seen: ProbeResult[] = [];
  const stop = all.watch!((r) => seen.push(r));
  a.emit(fail('pid gone'));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.ok, false);
  assert.match(seen[0]!.detail, /web: pid gone/);
  a.auto = () => fail('pid gone');
  b.auto = () => fail('refused');
  await run(all);
  a.emit(pass('pid back'));
  assert.equal(seen.length, 1, 'db is still known bad');
  stop();
  a.emit(fail());
  assert.equal(seen.length, 1, 'stopped');
});

test('any-of watch: a watched part failing matters only when the others are known bad', async () => {
  const { a, b, named } = parts(true);
  const any = new CompositeProbe('any', named);
  const seen: ProbeResult[] = [];
  any.watch!((r) => seen.push(r));
  a.auto = () => pass();
  b.auto = () => pass();
  await run(any);
  a.emit(fail('pid gone'));
  assert.equal(seen.length, 0, 'db still serves');
  a.emit(pass());
  b.auto = () => fail('refused');
  await run(any);
  a.emit(fail('pid gone'));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.ok, false);
  a.emit(pass('pid back'));
  assert.equal(seen.length, 2);
  assert.equal(seen[1]!.ok, true);
});
