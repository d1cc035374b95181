// One benchmark run in the namespace lab: a receiver (lab-receivers.ts) on
// one end of a veth pair, the feeder process (feeder.ts) on the other.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError, sleep } from '../lab/netns.js';
import type { Lab, LabProcess } from '../lab/netns.js';
import type { FeederReport } from './feeder.js';
import { FEEDER_AS, makePair, startFloatd, type Pair, type Receiver } from './lab-receivers.js';
import { monoMs } from './mono.js';
import { processMemory as procMemory } from '../lab/netns.js';

const FEEDER_JS = fileURLToPath(new URL('./feeder.js', import.meta.url));
export const POLL_MS = 200;

export interface RunOptions {
  readonly tableFile: string;
  readonly prefixes: number;
  readonly holdTime: number;
  /** Give up on a receiver this long after the first table byte. */
  readonly capMs: number;
}

export interface IngestResult {
  readonly name: string;
  /** From the first table byte to the first status reply showing every prefix (or to the cap). */
  readonly seconds: number;
  /** Prefixes dealt with, and held (or, import none, counted) at the end. */
  readonly seen: number;
  readonly prefixes: number;
  readonly complete: boolean;
  /** VmRSS once the session was up, before the table; VmHWM at the end. */
  readonly rssBeforeKiB?: number;
  readonly hwmKiB?: number;
  /** Worst gap between the receiver's KEEPALIVEs seen by the feeder while the table arrived, s. */
  readonly keepaliveGapMax?: number;
  readonly keepalives: number;
  /** What went wrong, if the run ended early. */
  readonly note?: string;
}

export interface WithdrawResult {
  readonly name: string;
  /** From the trigger (SIGTERM, or the service's listener killed) to the WITHDRAW reaching the feeder, ms. */
  readonly withdrawMs?: number;
  /** Health trigger: from the failed check's verdict (floatd's log line) to the WITHDRAW reaching the feeder, ms. */
  readonly fromVerdictMs?: number;
  /** prefixesReceived just before the trigger. */
  readonly heldAtSignal?: number;
  readonly note?: string;
}

class Feeder {
  private readonly reportFile: string;
  readonly process: LabProcess;

  constructor(lab: Lab, pair: Pair, name: string, o: RunOptions) {
    this.reportFile = join(lab.dir, `${name}.report.json`);
    this.process = lab.spawn(pair.nsFeed, name, process.execPath, [
      FEEDER_JS,
      ...['--host', pair.recv, '--local', pair.feed, '--as', String(FEEDER_AS), '--router-id', pair.feed],
      ...['--hold', String(o.holdTime), '--table', o.tableFile, '--report', this.reportFile],
    ]);
  }

  /** The feeder's events so far (JSON lines on its stdout). */
  events(): { event: string; t: number; [k: string]: unknown }[] {
    return this.process
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; t: number });
  }

  event(name: string): { event: string; t: number; [k: string]: unknown } | undefined {
    return this.events().find((e) => e.event === name);
  }

  async waitEvent(name: string, timeoutMs: number): Promise<{ event: string; t: number } | undefined> {
    const deadline = monoMs() + timeoutMs;
    while (monoMs() < deadline) {
      const e = this.event(name);
      if (e) return e;
      const failed = this.event('failed');
      if (failed) throw new LabError(`the feeder failed: ${String(failed['error'])}`);
      if (!this.process.running) throw new LabError(`the feeder exited: ${this.process.output().trim().split('\n').slice(-5).join('\n')}`);
      await sleep(20);
    }
    return undefined;
  }

  /** Stops the feeder (SIGTERM) and returns its report. */
  async finish(): Promise<FeederReport | undefined> {
    await this.process.stop('SIGTERM', 5_000);
    return existsSync(this.reportFile) ? (JSON.parse(readFileSync(this.reportFile, 'utf8')) as FeederReport) : undefined;
  }
}

/** The worst gap between KEEPALIVEs within [from, to], counting the edges; and how many arrived. */
function keepaliveGaps(times: readonly number[], from: number, to: number): { max: number; count: number } {
  const inside = times.filter((t) => t >= from && t <= to);
  let max = 0;
  let prev = from;
  for (const t of inside) {
    max = Math.max(max, t - prev);
    prev = t;
  }
  return { max: Math.max(max, to - prev) / 1000, count: inside.length };
}

export type StartReceiver = (lab: Lab, pair: Pair, name: string) => Promise<Receiver>;

/**
 * Streams the table into one receiver and measures: seconds until its count
 * reaches every prefix (polled every POLL_MS), its peak RSS, and the worst
 * gap between its KEEPALIVEs while the table arrived.
 */
export async function ingestRun(lab: Lab, n: number, start: StartReceiver, o: RunOptions): Promise<IngestResult> {
  const pair = await makePair(lab, n);
  const receiver = await start(lab, pair, `recv${n}`);
  const feeder = new Feeder(lab, pair, `feeder${n}`, o);
  try {
    const started = await feeder.waitEvent('table-start', 60_000);
    if (!started) return { name: receiver.name, seconds: 0, seen: 0, prefixes: 0, complete: false, keepalives: 0, note: 'no session within 60 s' };
    const rssBeforeKiB = procMemory(receiver.process.pid)?.rssKiB;
    const t0 = started.t;
    let count = 0;
    let held = 0;
    let end = t0;
    let hwmKiB: number | undefined;
    let note: string | undefined;
    for (let next = monoMs(); ; next += POLL_MS) {
      await sleep(Math.max(0, next - monoMs()));
      const c = await receiver.count();
      const t = monoMs();
      if (process.env['BENCH_TRACE'] === '1') console.log(`    ${((t - t0) / 1000).toFixed(2)} s: ${c === undefined ? 'no answer' : `${c.seen} seen, ${c.held} held`}`);
      hwmKiB = procMemory(receiver.process.pid)?.hwmKiB ?? hwmKiB;
      if (c !== undefined) {
        held = c.held;
        if (c.seen !== count) {
          count = c.seen;
          end = t;
        }
      }
      if (count >= o.prefixes) break;
      if (!receiver.process.running) {
        note = `exited (${receiver.process.exitCode ?? receiver.process.exitSignal})`;
        break;
      }
      const closed = feeder.event('closed');
      if (closed) {
        note = `closed the session${closed['notification'] ? ` (NOTIFICATION ${String(closed['notification'])})` : ''}`;
        break;
      }
      if (t - t0 > o.capMs) {
        note = `stopped at the ${(o.capMs / 1000).toFixed(0)} s cap`;
        end = t;
        break;
      }
      next = Math.max(next, t - POLL_MS);
    }
    const report = await feeder.finish();
    const gaps = report ? keepaliveGaps(report.keepalives, t0, end) : undefined;
    return {
      name: receiver.name,
      seconds: (end - t0) / 1000,
      seen: count,
      prefixes: held,
      complete: count >= o.prefixes,
      ...(rssBeforeKiB === undefined ? {} : { rssBeforeKiB }),
      ...(hwmKiB === undefined ? {} : { hwmKiB }),
      ...(gaps ? { keepaliveGapMax: gaps.max } : {}),
      keepalives: gaps?.count ?? 0,
      ...(note ? { note } : {}),
    };
  } finally {
    await feeder.process.stop('SIGTERM', 5_000);
    await receiver.stop();
  }
}

/**
 * A stopping floatd withdraws everything before it says goodbye: SIGTERM it
 * `afterMs` into the table, and time the WITHDRAW from the signal to its
 * arrival at the feeder. The signal is handled between two slices of
 * received-UPDATE work, as a health check's result is.
 */
export async function withdrawRun(lab: Lab, n: number, start: StartReceiver, o: RunOptions, afterMs: number): Promise<WithdrawResult> {
  const pair = await makePair(lab, n);
  const receiver = await start(lab, pair, `recv${n}`);
  const feeder = new Feeder(lab, pair, `feeder${n}`, o);
  try {
    const started = await feeder.waitEvent('table-start', 60_000);
    if (!started) return { name: receiver.name, note: 'no session within 60 s' };
    await sleep(Math.max(0, started.t + afterMs - monoMs()));
    const heldAtSignal = (await receiver.count())?.seen;
    const signalled = monoMs();
    receiver.process.signal('SIGTERM');
    const seen = await feeder.waitEvent('withdraw', 10_000);
    const report = await feeder.finish();
    const arrived = report?.withdrawals.find((t) => t >= signalled);
    return {
      name: receiver.name,
      ...(arrived === undefined ? {} : { withdrawMs: arrived - signalled }),
      ...(heldAtSignal === undefined ? {} : { heldAtSignal }),
      ...(seen === undefined ? { note: 'no WITHDRAW within 10 s of the signal' } : {}),
    };
  } finally {
    await feeder.process.stop('SIGTERM', 5_000);
    await receiver.stop();
  }
}

interface ServiceStatus {
  results?: { ok: boolean; at: number }[];
}

const resultsOf = (status: unknown): { ok: boolean; at: number }[] => (status as { services?: ServiceStatus[] }).services?.[0]?.results ?? [];

/**
 * floatd's clock (performance.now(), which starts with its process) minus
 * monoMs(), from checks made while both sides are idle: the listener logs on
 * monoMs() when it accepts each check's connection, and floatd's status has
 * when each result arrived. Paired from the end (the last check may be in
 * flight), the median difference is good to a fraction of a ms.
 */
function clockOffset(status: unknown, accepts: readonly number[]): number | undefined {
  const ok = resultsOf(status).filter((r) => r.ok);
  const d: number[] = [];
  for (let k = 2; k <= Math.min(ok.length, accepts.length); k++) d.push(ok[ok.length - k]!.at - accepts[accepts.length - k]!);
  d.sort((a, b) => a - b);
  return d.length === 0 ? undefined : d[d.length >> 1];
}

const acceptsOf = (listener: LabProcess): number[] =>
  listener
    .output()
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);

/** The service floatd checks: accepts, logs when (monoMs), closes. */
const LISTENER = (port: number): string =>
  `require('node:net').createServer((s) => { process.stdout.write(Number(process.hrtime.bigint()) / 1e6 + '\\n'); s.destroy(); }).listen(${port}, '127.0.0.1')`;

/**
 * The real trigger: floatd announces its prefix as a service whose health
 * check connects to a listener in floatd's namespace every 100 ms (fall 1).
 * `afterMs` into the table the listener is killed; the next check fails and
 * floatd withdraws. Timed from the kill (so including the wait for the next
 * check, up to 100 ms), and from floatd's failed check result (see
 * clockOffset) to the WITHDRAW's arrival at the feeder: the path that
 * matters most for failover.
 */
export async function healthWithdrawRun(lab: Lab, n: number, mode: 'none' | 'all', o: RunOptions, afterMs: number): Promise<WithdrawResult> {
  const port = 8080;
  const pair = await makePair(lab, n);
  const listener = lab.spawn(pair.nsRecv, `service${n}`, process.execPath, ['-e', LISTENER(port)]);
  const receiver = await startFloatd(lab, pair, `recv${n}`, mode, o.holdTime, { servicePort: port });
  // Half a second of idle checks to tie the clocks.
  await sleep(500);
  const idle = await receiver.status?.();
  const offset = idle === undefined ? undefined : clockOffset(idle, acceptsOf(listener));
  const feeder = new Feeder(lab, pair, `feeder${n}`, o);
  try {
    const started = await feeder.waitEvent('table-start', 60_000);
    if (!started) return { name: receiver.name, note: 'no session within 60 s' };
    await sleep(Math.max(0, started.t + afterMs - monoMs()));
    const heldAtSignal = (await receiver.count())?.seen;
    const killed = monoMs();
    listener.signal('SIGKILL');
    const seen = await feeder.waitEvent('withdraw', 10_000);
    const status = await receiver.status?.();
    const report = await feeder.finish();
    const arrived = report?.withdrawals.find((t) => t >= killed);
    const failed = status === undefined ? undefined : resultsOf(status).find((r) => !r.ok);
    const verdict = failed === undefined || offset === undefined ? undefined : failed.at - offset;
    return {
      name: receiver.name,
      ...(arrived === undefined ? {} : { withdrawMs: arrived - killed }),
      ...(arrived === undefined || verdict === undefined ? {} : { fromVerdictMs: arrived - verdict }),
      ...(heldAtSignal === undefined ? {} : { heldAtSignal }),
      ...(seen === undefined ? { note: 'no WITHDRAW within 10 s of the failure' } : verdict === undefined ? { note: 'the failed check is not in the status' } : {}),
    };
  } finally {
    await feeder.process.stop('SIGTERM', 5_000);
    await receiver.stop();
    await listener.stop('SIGKILL', 2_000);
  }
}
