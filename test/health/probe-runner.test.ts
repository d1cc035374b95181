import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/util/clock.js';
import { ProbeRunner } from '../../src/health/probe-runner.js';
import { runWithTimeout } from '../../src/health/run-with-timeout.js';
import type { ProbeResult } from '../../src/health/probe-result.js';
import { advance, fail, flush, ManualProbe, pass } from './helpers/fakes.js';

function setup(opts: { random?: number; timeoutMs?: number; graceMs?: number } = {}) {
  const clock = new FakeClock();
  const probe = new ManualProbe(clock);
  const results: { r: ProbeResult; at: number }[] = [];
  const runner = new ProbeRunner({
    probe,
    clock,
    intervalMs: 2000,
    fastIntervalMs: 500,
    timeoutMs: opts.timeoutMs ?? 1000,
    random: () => opts.random ?? 0,
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
    onResult: (r, at) => results.push({ r, at }),
  });
  return { clock, probe, runner, results };
}

test('splay: the first run waits random() x interval, then runs follow the interval', async () => {
  const { clock, probe, runner, results } = setup({ random: 0.25 });
  probe.auto = () => pass();
  runner.start();
  assert.equal(runner.nextRunAt, 500);
  await advance(clock, 6600);
  assert.deepEqual(probe.starts, [500, 2500, 4500, 6500]);
  assert.deepEqual(
    results.map((x) => x.at),
    [500, 2500, 4500, 6500],
  );
  runner.stop();
});

test('splay spreads the first runs of services over the interval', async () => {
  const firsts: number[] = [];
  for (const random of [0, 0.1, 0.5, 0.9]) {
    const { clock, probe, runner } = setup({ random });
    probe.auto = () => pass();
    runner.start();
    await advance(clock, 2000, 50);
    firsts.push(probe.starts[0]!);
    runner.stop();
  }
  assert.deepEqual(firsts, [0, 200, 1000, 1800]);
});

test('the fast interval applies from the last start as soon as it is asked for, and the normal one again after', async () => {
  const { clock, probe, runner } = setup();
  probe.auto = () => pass();
  runner.start();
  await advance(clock, 100);
  runner.setFast(true);
  assert.equal(runner.nextRunAt, 500);
  await advance(clock, 1600);
  assert.deepEqual(probe.starts, [0, 500, 1000, 1500]);
  runner.setFast(false);
  assert.equal(runner.nextRunAt, 3500);
  await advance(clock, 2000);
  assert.deepEqual(probe.starts, [0, 500, 1000, 1500, 3500]);
  runner.stop();
});

test('asking for the fast interval from inside onResult (as the service does) schedules from that run', async () => {
  const clock = new FakeClock();
  const probe = new ManualProbe(clock);
  probe.auto = () => fail();
  const runner: ProbeRunner = new ProbeRunner({
    probe,
    clock,
    intervalMs: 2000,
    fastIntervalMs: 500,
    timeoutMs: 1000,
    random: () => 0,
    onResult: () => runner.setFast(true),
  });
  runner.start();
  await advance(clock, 1100);
  assert.deepEqual(probe.starts, [0, 500, 1000]);
  runner.stop();
});

test('no overlap: a run longer than the interval delays the next one until it ends', async () => {
  const { clock, probe, runner, results } = setup({ timeoutMs: 10_000 });
  probe.auto = () => pass();
  probe.delayMs = 3000;
  runner.start();
  await advance(clock, 9500, 50);
  assert.equal(probe.maxInFlight, 1);
  assert.deepEqual(probe.starts, [0, 3000, 6000, 9000]);
  assert.deepEqual(
    results.map((x) => x.at),
    [3000, 6000, 9000],
  );
  runner.stop();
});

test('a stuck probe is aborted at its timeout, counted as a timed-out failure, and the schedule goes on', async () => {
  const { clock, probe, runner, results } = setup({ timeoutMs: 1000, graceMs: 100 });
  runner.start();
  await advance(clock, 990);
  assert.equal(probe.calls[0]!.signal.aborted, false);
  assert.equal(runner.busy, true);
  await advance(clock, 20);
  assert.equal(probe.calls[0]!.signal.aborted, true, 'aborted at the timeout');
  await advance(clock, 100);
  assert.equal(results.length, 1);
  const r = results[0]!.r;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.detail, /^timed out after 1000 ms$/);
  assert.equal(results[0]!.at, 1100);
  // The probe never answered; it is not run twice at once, and the next run comes on time.
  await advance(clock, 1000);
  assert.deepEqual(probe.starts, [0, 2000]);
  assert.equal(runner.busy, true);
  runner.stop();
});

test('a probe that answers its abort keeps its detail and output, still as a timeout', async () => {
  const { clock, probe, runner, results } = setup({ timeoutMs: 300 });
  probe.onAbort = () => ({ ok: true, detail: 'killed sleep', durationMs: 300, output: 'last words' });
  runner.start();
  await advance(clock, 400);
  assert.equal(results.length, 1);
  assert.deepEqual(
    { ...results[0]!.r },
    { ok: false, timedOut: true, detail: 'timed out after 300 ms; killed sleep', durationMs: 300, output: 'last words' },
  );
});

test('a late answer after a timeout is ignored', async () => {
  const { clock, probe, runner, results } = setup({ timeoutMs: 300, graceMs: 50 });
  runner.start();
  await advance(clock, 400);
  probe.answer(pass('too late'));
  await flush();
  assert.equal(results.length, 1);
  assert.equal(results[0]!.r.timedOut, true);
  runner.stop();
});

test('stop cancels the run in progress, drops its result and schedules nothing', async () => {
  const { clock, probe, runner, results } = setup();
  runner.start();
  await advance(clock, 100);
  runner.stop();
  assert.equal(probe.calls[0]!.signal.aborted, true);
  probe.answer(pass());
  await advance(clock, 10_000, 100);
  assert.equal(results.length, 0);
  assert.equal(probe.calls.length, 1);
  assert.equal(clock.pending, 0);
});

test('a probe that throws or rejects counts as a failure', async () => {
  const clock = new FakeClock();
  const thrower = { kind: 'x', run: (): Promise<ProbeResult> => { throw new Error('boom'); } };
  const rejecter = { kind: 'y', run: (): Promise<ProbeResult> => Promise.reject(new Error('bang')) };
  const a = runWithTimeout(thrower, { clock, timeoutMs: 100 });
  const b = runWithTimeout(rejecter, { clock, timeoutMs: 100 });
  assert.match((await a).detail, /probe error: boom/);
  assert.equal((await b).ok, false);
  assert.equal(clock.pending, 0, 'timeout timers cleared');
});

test('runWithTimeout: an already cancelled run does not start the probe', async () => {
  const clock = new FakeClock();
  const probe = new ManualProbe(clock);
  const ac = new AbortController();
  ac.abort();
  const r = await runWithTimeout(probe, { clock, timeoutMs: 100, signal: ac.signal });
  assert.equal(r.ok, false);
  assert.equal(r.detail, 'cancelled');
  assert.equal(probe.calls.length, 0);
});
