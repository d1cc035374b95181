// One probe run bounded by a timeout on the injected clock. At the timeout
// the probe's signal aborts (so it destroys its socket or kills its process
// group); its own last words are awaited for a short grace, to keep e.g. a
// command's output, and the run counts as failed with timedOut set either way.

import type { Clock, TimerHandle } from '../util/clock.js';
import { errorText, type Probe, type ProbeResult } from './probe-result.js';

export const TIMEOUT_GRACE_MS = 100;

export interface TimedRunOptions {
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** How long an aborted probe may take to hand back its result. */
  readonly graceMs?: number;
  /** Cancels the run (service stopping); the result is then a failure saying so. */
  readonly signal?: AbortSignal;
}

export function runWithTimeout(probe: Probe, opts: TimedRunOptions): Promise<ProbeResult> {
  const { clock, timeoutMs } = opts;
  const started = clock.now();
  const ac = new AbortController();
  return new Promise((resolve) => {
    let phase: 'running' | 'grace' | 'done' = 'running';
    let timer: TimerHandle | undefined;
    const finish = (r: ProbeResult): void => {
      if (phase === 'done') return;
      phase = 'done';
      if (timer) clock.clearTimer(timer);
      opts.signal?.removeEventListener('abort', onCancel);
      resolve(r);
    };
    const timedOut = (late?: ProbeResult): ProbeResult => ({
      ok: false,
      timedOut: true,
      detail: `timed out after ${timeoutMs} ms${late ? `; ${late.detail}` : ''}`,
      durationMs: clock.now() - started,
      ...(late?.output !== undefined ? { output: late.output } : {}),
      ...(late?.parts !== undefined ? { parts: late.parts } : {}),
    });
    const onCancel = (): void => {
      ac.abort(opts.signal?.reason);
      finish({ ok: false, detail: 'cancelled', durationMs: clock.now() - started });
    };
    if (opts.signal?.aborted) return onCancel();
    opts.signal?.addEventListener('abort', onCancel, { once: true });

    timer = clock.setTimer(timeoutMs, () => {
      phase = 'grace';
      timer = clock.setTimer(opts.graceMs ?? TIMEOUT_GRACE_MS, () => finish(timedOut()));
      ac.abort(new Error(`timed out after ${timeoutMs} ms`));
    });

    let pending: Promise<ProbeResult>;
    try {
      pending = probe.run(ac.signal);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (r) => finish(phase === 'grace' ? timedOut(r) : r),
      (err: unknown) => {
        const failed = { ok: false, detail: `probe error: ${errorText(err)}`, durationMs: clock.now() - started };
        finish(phase === 'grace' ? timedOut(failed) : failed);
      },
    );
  });
}
