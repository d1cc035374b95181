// The feeding side of the namespace benchmark (bench/ingest.ts), run as a
// process of its own in its own namespace:
//
//   node dist/bench/feeder.js --host A --local B --as N --router-id ID --hold S --table FILE --report FILE [--port P]
//
// Connects to the receiver at A (retrying while it is not listening yet),
// streams the table file (framed UPDATEs, see full-table.ts) and writes
// events as JSON lines on stdout: established, table-start, table-written,
// withdraw (the first UPDATE that withdraws something), closed. On SIGTERM it
// writes the report (arrival times of the receiver's KEEPALIVEs, UPDATEs and
// WITHDRAWs) to the report file and exits. Times are monoMs(): the same clock
// as the benchmark's.

import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { monoMs } from './mono.js';
import { streamTable, type TablePeerRun } from './table-peer.js';

export interface FeederReport {
  readonly tableStart: number;
  readonly tableWritten?: number;
  readonly keepalives: readonly number[];
  readonly updates: readonly number[];
  readonly withdrawals: readonly number[];
  readonly closed: { readonly at?: number; readonly notification?: string };
}

const opt = (name: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined) {
    process.stderr.write(`feeder: --${name} is required\n`);
    process.exit(2);
  }
  return v;
};
const emit = (event: string, extra: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, t: monoMs(), ...extra })}\n`);
};

/**
 * The table file, read 1 MiB at a time: one read() of 32 MiB into a fresh
 * buffer is one long kernel path (the copy, and the buffer's page faults),
 * and on a kernel without preemption it held a CPU for ~110 ms, delaying
 * even real-time threads of other processes on the host (floatd's BFD).
 */
function readTable(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.allocUnsafe(fstatSync(fd).size);
    for (let at = 0; at < out.length; ) {
      const n = readSync(fd, out, at, Math.min(1 << 20, out.length - at), at);
      if (n === 0) throw new Error(`${path}: short read`);
      at += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

const table = readTable(opt('table'));
const reportFile = opt('report');
const options = {
  host: opt('host'),
  port: process.argv.includes('--port') ? Number(opt('port')) : 179,
  localAddress: opt('local'),
  localAs: Number(opt('as')),
  routerId: opt('router-id'),
  holdTime: Number(opt('hold')),
  table,
};

let run: TablePeerRun | undefined;
let written: number | undefined;

process.once('SIGTERM', () => {
  if (run !== undefined) {
    const report: FeederReport = {
      tableStart: run.tableStart,
      ...(written === undefined ? {} : { tableWritten: written }),
      keepalives: run.keepalives,
      updates: run.updates,
      withdrawals: run.withdrawals,
      closed: run.closed,
    };
    writeFileSync(reportFile, JSON.stringify(report));
    run.close();
  }
  process.exit(0);
});

// The receiver may still be starting: retry for up to 60 s.
const deadline = monoMs() + 60_000;
for (;;) {
  try {
    run = await streamTable(options);
    break;
  } catch (e) {
    if (monoMs() > deadline) {
      emit('failed', { error: (e as Error).message });
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
emit('established');
emit('table-start', { t: run.tableStart, bytes: table.length });
const r = run;
void r.tableWritten().then((t) => {
  written = t;
  emit('table-written', { t });
});
// Events the benchmark waits for; the report carries the rest.
const reported = { withdraw: false, closed: false };
setInterval(() => {
  if (r.withdrawals.length > 0 && !reported.withdraw) {
    reported.withdraw = true;
    emit('withdraw', { t: r.withdrawals[0] });
  }
  if (r.closed.at !== undefined && !reported.closed) {
    reported.closed = true;
    emit('closed', { t: r.closed.at, ...(r.closed.notification ? { notification: r.closed.notification } : {}) });
  }
}, 20);
