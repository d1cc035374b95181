// Process probe: healthy while a process lives. Node cannot wait on an
// unrelated pid (no pidfd_open, and inotify does not work on /proc), so the
// watcher polls /proc/<pid>/stat on a short timer: at the 50 ms default a
// death is seen within about 50 ms plus event-loop delay. The reads are
// synchronous on purpose: procfs (and the pid file on /run's tmpfs) never
// waits on a disk, and the libuv thread pool may be busy with other work.
//
// The process start time (field 22 of /proc/<pid>/stat) pins the identity, so
// a pid reused by another process after a crash is not taken for the service.
// A zombie counts as dead. In unit mode, `systemctl is-active UNIT` is run at
// the poll interval instead (needs systemd).

import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { ProcessProbeSpec } from '../probe-spec.js';
import { abortedResult, errorText, stopwatch, type ProbeResult, type WatchingProbe } from '../probe-result.js';
import { runInGroup } from '../process-group.js';
import { realClock, type Clock, type TimerHandle } from '../../util/clock.js';
import { HEALTH_DEFAULTS } from '../defaults.js';

export interface ProcessProbeOptions {
  clock?: Clock;
  /** The systemctl binary; replaceable so the unit mode can be tested without systemd. */
  systemctl?: string;
}

/** State letter and start time (clock ticks since boot) from /proc/<pid>/stat text. */
export function parseProcStat(text: string): { state: string; startTime: string } | undefined {
  // comm (field 2) may hold spaces and parentheses; it ends at the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = f[0];
  const startTime = f[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, startTime };
}

interface Identity {
  readonly pid: number;
  readonly startTime: string;
  /** The pid file's mtime when this identity was taken: a rewritten file may name a new process. */
  readonly fileStamp?: number;
}

interface Look {
  readonly ok: boolean;
  readonly detail: string;
}

export class ProcessProbe implements WatchingProbe {
  readonly kind = 'process';
  private readonly label: string;
  private readonly clock: Clock;
  private readonly systemctl: string;
  private known: Identity | undefined;

  constructor(
    private readonly spec: ProcessProbeSpec,
    opts: ProcessProbeOptions = {},
  ) {
    this.label = 'unit' in spec ? `unit ${spec.unit}` : 'pidFile' in spec ? `pid file ${spec.pidFile}` : `pid ${spec.pid}`;
    this.clock = opts.clock ?? realClock;
    this.systemctl = opts.systemctl ?? 'systemctl';
  }

  private get pollMs(): number {
    return this.spec.pollMs ?? ('unit' in this.spec ? HEALTH_DEFAULTS.unitPollMs : HEALTH_DEFAULTS.processPollMs);
  }

  /** Pid and pid-file modes: one synchronous look. */
  private lookPid(): Look {
    let pid: number;
    let fileStamp: number | undefined;
    if ('pidFile' in this.spec) {
      let fd: number | undefined;
      try {
        fd = openSync(this.spec.pidFile, 'r');
        fileStamp = fstatSync(fd).mtimeMs;
        const text = readFileSync(fd, 'utf8').trim();
        if (!/^\d+$/.test(text)) return { ok: false, detail: `${this.label}: holds ${JSON.stringify(text.slice(0, 20))}, not a pid` };
        pid = Number(text);
      } catch (err) {
        return { ok: false, detail: `${this.label}: ${errorText(err)}` };
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    } else if ('pid' in this.spec) {
      pid = this.spec.pid;
    } else {
      return { ok: false, detail: `${this.label}: not a pid mode` };
    }
    let stat;
    try {
      stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { ok: false, detail: `${this.label}: pid ${pid} ${code === 'ENOENT' || code === 'ESRCH' ? 'is gone' : errorText(err)}` };
    }
    if (!stat) return { ok: false, detail: `${this.label}: pid ${pid}: unreadable /proc stat` };
    if (stat.state === 'Z' || stat.state === 'X') return { ok: false, detail: `${this.label}: pid ${pid} has exited (zombie)` };
    const k = this.known;
    if (k && k.pid === pid && k.startTime !== stat.startTime && k.fileStamp === fileStamp) {
      return { ok: false, detail: `${this.label}: pid ${pid} now belongs to another process` };
    }
    this.known = { pid, startTime: stat.startTime, ...(fileStamp !== undefined ? { fileStamp } : {}) };
    return { ok: true, detail: `${this.label}: pid ${pid} running` };
  }

  private async lookUnit(unit: string, signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    const run = await runInGroup({ file: this.systemctl, args: ['is-active', unit] }, signal, 256);
    const state = run.output.trim().split('\n')[0] ?? '';
    if (run.aborted) return abortedResult(this.label, elapsed(), run.output);
    if (run.spawnError !== undefined) return { ok: false, detail: `${this.label}: ${this.systemctl}: ${run.spawnError}`, durationMs: elapsed() };
    const ok = run.code === 0;
    return { ok, detail: `${this.label}: ${state || `exit ${run.code ?? run.signal ?? '?'}`}`, durationMs: elapsed() };
  }

  async run(signal: AbortSignal): Promise<ProbeResult> {
    if ('unit' in this.spec) return this.lookUnit(this.spec.unit, signal);
    const elapsed = stopwatch();
    if (signal.aborted) return abortedResult(this.label, elapsed());
    const look = this.lookPid();
    return { ...look, durationMs: elapsed() };
  }

  watch(onChange: (r: ProbeResult) => void): () => void {
    let stopped = false;
    let last: boolean | undefined;
    let timer: TimerHandle | undefined;
    let inFlight: AbortController | undefined;
    const report = (r: ProbeResult): void => {
      if (stopped) return;
      if (last !== undefined && r.ok !== last) onChange(r);
      last = r.ok;
    };
    const schedule = (): void => {
      if (!stopped) timer = this.clock.setTimer(this.pollMs, tick);
    };
    const tick = (): void => {
      if ('unit' in this.spec) {
        const ac = new AbortController();
        inFlight = ac;
        const limit = this.clock.setTimer(Math.max(1000, this.pollMs), () => ac.abort());
        void this.lookUnit(this.spec.unit, ac.signal).then((r) => {
          this.clock.clearTimer(limit);
          inFlight = undefined;
          if (!r.timedOut) report(r);
          schedule();
        });
        return;
      }
      const elapsed = stopwatch();
      report({ ...this.lookPid(), durationMs: elapsed() });
      schedule();
    };
    tick();
    return () => {
      stopped = true;
      if (timer) this.clock.clearTimer(timer);
      inFlight?.abort();
    };
  }
}
