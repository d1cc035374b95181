// A probe with a time limit of its own: a composite's part that hangs fails
// at its own limit, so the parts that answered still decide the result
// before the service's timeout cuts the whole check.

import type { Clock } from '../../util/clock.js';
import type { Probe, ProbeResult } from '../probe-result.js';
import { runWithTimeout } from '../run-with-timeout.js';

export class TimedProbe implements Probe {
  readonly kind: string;
  readonly watch?: (onChange: (r: ProbeResult) => void) => () => void;

  constructor(
    private readonly inner: Probe,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {
    this.kind = inner.kind;
    if (inner.watch) this.watch = (onChange) => inner.watch!(onChange);
  }

  run(signal: AbortSignal): Promise<ProbeResult> {
    return runWithTimeout(this.inner, { timeoutMs: this.timeoutMs, clock: this.clock, signal });
  }
}
