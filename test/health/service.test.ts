import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock, realClock } from '../../src/util/clock.js';
import { HealthService, OPERATOR, type ServiceTransition } from '../../src/health/service.js';
import type { HookSpec } from '../../src/health/hooks.js';
import { HEALTH_DEFAULTS } from '../../src/health/defaults.js';
import { advance, fail, goneWithin, ManualProbe, ManualSwitch, pass, silent } from './helpers/fakes.js';
import { tempDir } from '../helpers/temp-dir.js';

function setup(opts: { watching?: boolean; hooks?: HookSpec[]; withSwitch?: boolean } = {}) {
  const clock = new FakeClock();
  const probe = new ManualProbe(clock, { watching: opts.watching ?? false });
  const sw = new ManualSwitch();
  const svc = new HealthService({
    name: 'web',
    probe,
    clock,
    log: silent,
    random: () => 0,
    prefixes: ['192.0.2.10/32', '2001:db8::10/128'],
    ...(opts.withSwitch ? { disableSwitch: sw } : {}),
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
  });
  const seen: ServiceTransition[] = [];
  svc.onTransition((e) => seen.push(e));
  return { clock, probe, sw, svc, seen, path: () => seen.map((e) => e.to) };
}

test('defaults: INIT, then UP after three passes at the fast interval, then the normal interval', async () => {
  const { intervalMs: slow, fastIntervalMs: fast } = HEALTH_DEFAULTS;
  const upAt = 2 * fast;
  const { clock, probe, svc, seen, path } = setup();
  probe.auto = () => pass('200 in 1 ms');
  svc.start();
  assert.equal(svc.state.name, 'INIT');
  // Past the third check, before the first one at the normal interval.
  await advance(clock, upAt + slow / 2);
  assert.deepEqual(path(), ['RISING', 'UP']);
  assert.deepEqual(probe.starts, [0, fast, upAt]);
  const { causedAtPerf, ...up } = seen[1]!;
  assert.deepEqual(up, { service: 'web', from: 'RISING', to: 'UP', reason: '3 checks passed in a row: 200 in 1 ms', at: upAt, wasServing: false, serving: true });
  assert.ok(Number.isFinite(causedAtPerf) && causedAtPerf <= performance.now(), 'when the result causing it arrived, on the real monotonic clock');
  await advance(clock, 2 * slow);
  assert.deepEqual(probe.starts, [0, fast, upAt, upAt + slow, upAt + 2 * slow]);
  svc.stop();
});

test('a failing service goes DOWN after two failures, the second at the fast interval', async () => {
  const { intervalMs: slow, fastIntervalMs: fast } = HEALTH_DEFAULTS;
  const upAt = 2 * fast;
  const { clock, probe, svc, path, seen } = setup();
  let healthy = true;
  probe.auto = () => (healthy ? pass() : fail('connection refused'));
  svc.start();
  await advance(clock, upAt + slow / 2);
  healthy = false;
  await advance(clock, slow + fast);
  assert.deepEqual(path(), ['RISING', 'UP', 'FALLING', 'DOWN']);
  assert.deepEqual(
    seen.slice(2).map((e) => e.at),
    [upAt + slow, upAt + slow + fast],
  );
  const st = svc.status();
  assert.equal(st.state, 'DOWN');
  assert.equal(st.serving, false);
  assert.equal(st.counters.failures, 2);
  assert.equal(st.counters.transitions, 4);
  svc.stop();
});

test('an event-driven failure goes DOWN at once, without waiting for a check', async () => {
  const { clock, probe, svc, path, seen } = setup({ watching: true });
  probe.auto = () => pass();
  svc.start();
  await advance(clock, 1100);
  assert.equal(svc.state.name, 'UP');
  await advance(clock, 700);
  probe.emit(fail('pid 4242 is gone'));
  assert.equal(svc.state.name, 'DOWN', 'synchronously');
  assert.deepEqual(path(), ['RISING', 'UP', 'DOWN']);
  assert.equal(seen[2]!.at, 1800);
  assert.equal(seen[2]!.reason, 'event: pid 4242 is gone');
  const st = svc.status();
  assert.equal(st.counters.events, 1);
  assert.equal(st.results.at(-1)!.source, 'event');
  svc.stop();
  assert.equal(probe.watcherCount, 0, 'watch stopped');
});

test('operator disable and enable: DISABLED at once, checks go on but are ignored, INIT then rise again', async () => {
  const { clock, probe, svc, path } = setup();
  probe.auto = () => pass();
  svc.start();
  await advance(clock, 1100);
  svc.setDisabled(true, 'kernel upgrade');
  assert.equal(svc.state.name, 'DISABLED');
  assert.deepEqual(svc.status().disabledBy, [OPERATOR]);
  const before = probe.calls.length;
  await advance(clock, 4000);
  assert.ok(probe.calls.length > before, 'still probing for status');
  assert.equal(svc.state.name, 'DISABLED');
  svc.setDisabled(false);
  assert.equal(svc.state.name, 'INIT');
  await advance(clock, 1600);
  assert.deepEqual(path(), ['RISING', 'UP', 'DISABLED', 'INIT', 'RISING', 'UP']);
  svc.stop();
});

test('the maintenance switch disables and re-enables, independently of the operator', async () => {
  const { clock, probe, sw, svc, path } = setup({ withSwitch: true });
  probe.auto = () => pass();
  svc.start();
  await advance(clock, 1100);
  sw.set(true);
  svc.setDisabled(true);
  assert.deepEqual(svc.status().disabledBy, ['file /test/maintenance', OPERATOR]);
  sw.set(false);
  assert.equal(svc.state.name, 'DISABLED', 'the operator still holds it');
  svc.setDisabled(false);
  assert.equal(svc.state.name, 'INIT');
  assert.deepEqual(path(), ['RISING', 'UP', 'DISABLED', 'INIT']);
  svc.stop();
});

test('stop: STOPPING reaches subscribers, probing and watching end', async () => {
  const { clock, probe, svc, seen } = setup({ watching: true });
  probe.auto = () => pass();
  svc.start();
  await advance(clock, 1100);
  svc.stop('shutdown');
  assert.equal(seen.at(-1)!.to, 'STOPPING');
  assert.equal(seen.at(-1)!.reason, 'stop: shutdown');
  assert.equal(seen.at(-1)!.wasServing, true);
  const calls = probe.calls.length;
  await advance(clock, 10_000, 100);
  assert.equal(probe.calls.length, calls);
  assert.equal(clock.pending, 0);
  probe.emit(fail());
  assert.equal(svc.state.name, 'STOPPING');
});

test('status keeps the last results with durations and details, and counts checks and timeouts', async () => {
  const clock = new FakeClock();
  const probe = new ManualProbe(clock);
  // Timings fixed here: the sequence below counts in them, not in the defaults.
  const svc = new HealthService({ name: 'dns', probe, clock, log: silent, random: () => 0, historySize: 3, intervalMs: 2000, fastIntervalMs: 500, timeoutMs: 200, graceMs: 10 });
  let n = 0;
  probe.auto = () => (++n === 2 ? fail('nxdomain') : pass(`answer ${n}`));
  svc.start();
  // 0 pass (RISING), 500 fail (DOWN), 2500 pass (RISING), 3000 hangs.
  await advance(clock, 2600);
  probe.auto = undefined;
  await advance(clock, 700);
  const st = svc.status();
  assert.equal(st.counters.checks, 4);
  assert.equal(st.counters.failures, 2);
  assert.equal(st.counters.timeouts, 1);
  assert.equal(st.results.length, 3);
  assert.deepEqual(
    st.results.map((r) => r.detail),
    ['nxdomain', 'answer 3', 'timed out after 200 ms'],
  );
  assert.deepEqual(
    st.results.map((r) => r.at),
    [500, 2500, 3210],
  );
  assert.equal(st.results.at(-1)!.durationMs, 210);
  assert.deepEqual(st.settings, { rise: 3, fall: 2, intervalMs: 2000, fastIntervalMs: 500, timeoutMs: 200 });
  svc.stop();
});

test('a throwing subscriber does not stop the others or the machine', async () => {
  const { clock, probe, svc, seen } = setup();
  svc.onTransition(() => {
    throw new Error('policy bug');
  });
  probe.auto = () => pass();
  svc.start();
  await advance(clock, 1100);
  assert.equal(svc.state.name, 'UP');
  assert.equal(seen.length, 2);
  svc.stop();
});

test('probe listeners get every result after the state machine has taken it; a throwing one harms nothing', async () => {
  const { clock, probe, svc } = setup();
  const got: { ok: boolean; at: number; state: string }[] = [];
  svc.onProbe(() => {
    throw new Error('listener broke');
  });
  const off = svc.onProbe((r) => got.push({ ok: r.ok, at: r.at, state: svc.state.name }));
  probe.auto = () => pass();
  svc.start();
  // Past the third check, before the first one at the normal interval.
  await advance(clock, 2 * HEALTH_DEFAULTS.fastIntervalMs + HEALTH_DEFAULTS.intervalMs / 2);
  assert.deepEqual(
    got.map((g) => g.state),
    ['RISING', 'RISING', 'UP'],
    'the third result is seen after it made the service UP',
  );
  assert.ok(got.every((g) => g.ok));
  off();
  await advance(clock, 4000);
  assert.equal(got.length, 3);
  svc.stop();
});

test('hooks run on transitions with SERVICE, STATE, PREVIOUS_STATE and PREFIXES, in order, without blocking', async () => {
  const dir = tempDir('floatd-hooks-');
  const log = join(dir, 'log');
  const { clock, probe, svc } = setup({
    hooks: [
      { on: 'any', shell: true, command: `sleep 0.05; echo "any $SERVICE $PREVIOUS_STATE>$STATE [$PREFIXES]" >> ${log}` },
      { on: 'up', command: ['sh', '-c', `echo "up hook $STATE" >> ${log}`] },
      { on: 'down', command: ['sh', '-c', `echo "down hook $STATE" >> ${log}`] },
    ],
  });
  probe.auto = () => pass();
  svc.start();
  await advance(clock, 1100);
  assert.equal(svc.state.name, 'UP', 'the machine did not wait for the hooks');
  svc.stop();
  await svc.idle();
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
    'any web INIT>RISING [192.0.2.10/32 2001:db8::10/128]',
    'any web RISING>UP [192.0.2.10/32 2001:db8::10/128]',
    'up hook UP',
    'any web UP>STOPPING [192.0.2.10/32 2001:db8::10/128]',
  ]);
  const hooks = svc.status().hooks;
  assert.equal(hooks.length, 4);
  assert.ok(hooks.every((h) => h.ok));
});

test('a hook past its time limit is killed with its process group, and the next hook still runs', async () => {
  const dir = tempDir('floatd-hooks-');
  const pidFile = join(dir, 'pids');
  const after = join(dir, 'after');
  const probe = new ManualProbe(new FakeClock());
  const svc = new HealthService({
    name: 'slow',
    probe,
    clock: realClock,
    log: silent,
    random: () => 0,
    hooks: [
      { on: 'disabled', shell: true, timeoutMs: 300, command: `echo $$ > ${pidFile}; sleep 100 & echo $! >> ${pidFile}; echo started; wait` },
      { on: 'any', command: ['touch', after] },
    ],
  });
  svc.setDisabled(true);
  await svc.idle();
  const [pgid, bg] = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number) as [number, number];
  assert.ok(await goneWithin(-pgid, 2000), 'process group gone');
  assert.ok(await goneWithin(bg, 2000), 'background child gone');
  const hooks = svc.status().hooks;
  const killed = hooks.find((h) => h.trigger === 'disabled')!;
  assert.equal(killed.ok, false);
  assert.match(killed.detail, /killed at the time limit/);
  assert.equal(killed.output.trim(), 'started');
  assert.ok(existsSync(after));
  svc.stop();
});

test('end to end: a real process dies and the service goes DOWN without waiting for the interval (latency printed)', async () => {
  const { spawn } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const { performance } = await import('node:perf_hooks');
  const { createProbe } = await import('../../src/health/create-probe.js');
  const child = spawn('sleep', ['100'], { stdio: 'ignore' });
  const pidFile = join(tempDir('floatd-svc-'), 'svc.pid');
  writeFileSync(pidFile, String(child.pid));
  const svc = new HealthService({
    name: 'proc',
    probe: createProbe({ kind: 'process', pidFile }),
    clock: realClock,
    log: silent,
    random: () => 0,
    rise: 1,
    intervalMs: 60_000,
    fastIntervalMs: 60_000,
  });
  let downAt = 0;
  svc.onTransition((e) => {
    if (e.to === 'DOWN') downAt = performance.now();
  });
  svc.start();
  const end = performance.now() + 3000;
  while (svc.state.name !== 'UP' && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.equal(svc.state.name, 'UP');
  await new Promise((r) => setTimeout(r, 100));
  const killedAt = performance.now();
  child.kill('SIGKILL');
  while (downAt === 0 && performance.now() < killedAt + 5000) await new Promise((r) => setTimeout(r, 2));
  svc.stop();
  assert.ok(downAt > 0, 'went DOWN');
  const latency = downAt - killedAt;
  console.log(`service: process death to DOWN transition in ${latency.toFixed(1)} ms (check interval 60 s)`);
  assert.ok(latency < 2000);
  assert.match(svc.status().transitions.find((t) => t.to === 'DOWN')!.reason, /^event: pid file .*: pid \d+ (is gone|has exited)/);
  assert.equal(svc.status().counters.checks, 1);
});
