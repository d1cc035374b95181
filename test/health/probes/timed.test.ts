import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { CompositeProbe } from '../../../src/health/probes/composite.js';
import { TimedProbe } from '../../../src/health/probes/timed.js';
import { createProbe } from '../../../src/health/create-probe.js';
import { abortedResult, isWatching } from '../../../src/health/probe-result.js';
import { advance, ManualProbe, pass } from '../helpers/fakes.js';

function hanging(clock: FakeClock): ManualProbe {
  const p = new ManualProbe(clock);
  p.onAbort = () => abortedResult('slow', 0);
  return p;
}

test('a timed probe fails at its own limit and aborts the run', async () => {
  const clock = new FakeClock();
  const inner = hanging(clock);
  const timed = new TimedProbe(inner, 100, clock);
  assert.equal(timed.kind, 'manual');
  const pending = timed.run(new AbortController().signal);
  await advance(clock, 99);
  assert.equal(inner.calls[0]!.settled, false);
  await advance(clock, 2);
  const r = await pending;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.detail, /^timed out after 100 ms/);
  assert.equal(inner.calls[0]!.signal.aborted, true);
});

test('a timed probe passes a quick answer through and keeps watching', async () => {
  const clock = new FakeClock();
  const inner = new ManualProbe(clock, { watching: true });
  inner.auto = () => pass('quick');
  const timed = new TimedProbe(inner, 100, clock);
  assert.deepEqual(await timed.run(new AbortController().signal), pass('quick'));
  assert.ok(isWatching(timed));
  const seen: boolean[] = [];
  const stop = timed.watch!((r) => seen.push(r.ok));
  inner.emit(pass());
  stop();
  assert.deepEqual(seen, [true]);
  assert.equal(inner.watcherCount, 0);
});

test('any-of with a hanging part that has its own timeout: healthy as soon as that part gives up', async () => {
  const clock = new FakeClock();
  const slow = hanging(clock);
  const quick = new ManualProbe(clock);
  quick.auto = () => pass('200');
  const any = new CompositeProbe('any', [
    { name: 'slow', probe: new TimedProbe(slow, 150, clock) },
    { name: 'web', probe: quick },
  ]);
  const pending = any.run(new AbortController().signal);
  await advance(clock, 160);
  const r = await pending;
  assert.equal(r.ok, true);
  assert.equal(r.detail, 'any of 2: 1 ok; slow: timed out after 150 ms; slow: aborted after 0.0 ms');
});

test('a composite spec with member timeouts, built by createProbe on the real clock: the hung command is cut at its limit', async () => {
  const probe = createProbe({
    kind: 'composite',
    mode: 'all',
    probes: [
      { name: 'ok', probe: { kind: 'exec', command: ['true'] } },
      { name: 'hung', probe: { kind: 'exec', command: ['sleep', '5'] }, timeoutMs: 200 },
    ],
  });
  const t0 = performance.now();
  const r = await probe.run(new AbortController().signal);
  const ms = performance.now() - t0;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.detail, /^all of 2: 1 ok; hung: timed out after 200 ms/);
  assert.ok(ms < 2000, `took ${ms} ms`);
});
