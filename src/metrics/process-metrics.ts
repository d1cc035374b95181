// What the process itself reports about its memory, CPU and event loop, read
// at scrape time. The one stateful part is the event-loop lag: a timer ticks
// every `resolutionMs` and records how late it ran; each sample covers the
// ticks since the previous one. (perf_hooks' monitorEventLoopDelay would do
// the same, but resetting it also drops its last tick time, so a stall that
// starts just after a scrape would go unseen.)

import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

export interface EventLoopLag {
  /** Seconds a timer tick was late, over the window since the previous sample. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ProcessSample {
  readonly residentMemoryBytes: number;
  /** User plus system CPU time since the process started. */
  readonly cpuSeconds: number;
  /** Unix time the process started, in seconds. */
  readonly startTimeSeconds: number;
  /** V8 heap in use. */
  readonly heapBytes: number;
  /** Absent when no tick was measured since the previous sample. */
  readonly eventLoopLag?: EventLoopLag;
}

const DEFAULT_RESOLUTION_MS = 10;

export class ProcessSampler {
  private readonly delay: RecordableHistogram = createHistogram();
  private readonly ticker: NodeJS.Timeout;
  private readonly startTimeSeconds = Math.round(performance.timeOrigin) / 1000;

  constructor(resolutionMs = DEFAULT_RESOLUTION_MS) {
    let last = performance.now();
    this.ticker = setInterval(() => {
      const now = performance.now();
      // In nanoseconds; the histogram takes integers of at least 1.
      this.delay.record(Math.max(1, Math.round((now - last - resolutionMs) * 1e6)));
      last = now;
    }, resolutionMs);
    this.ticker.unref();
  }

  sample(): ProcessSample {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const h = this.delay;
    const lag = (ns: number): number => (ns <= 1 ? 0 : ns / 1e9);
    const eventLoopLag = h.count > 0 ? { p50: lag(h.percentile(50)), p99: lag(h.percentile(99)), max: lag(h.max) } : undefined;
    h.reset();
    return {
      residentMemoryBytes: mem.rss,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      startTimeSeconds: this.startTimeSeconds,
      heapBytes: mem.heapUsed,
      ...(eventLoopLag ? { eventLoopLag } : {}),
    };
  }

  close(): void {
    clearInterval(this.ticker);
  }
}
