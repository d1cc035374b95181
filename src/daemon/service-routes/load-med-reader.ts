// The load-driven MED of one service, its I/O side: a load reading every
// `interval`, handed to the pure step (announce/load-med.ts), and a call to
// `onChange` only when the MED value changes, which is when ServiceRoutes
// re-announces. A reading that fails keeps the MED where it was.

import { INITIAL_LOAD_MED, nextLoadMed, type LoadMedState } from '../../route-policy/load-med.js';
import type { ServiceConfig } from '../../config/config-schema.js';
import { measureLoad, type LoadSources } from '../../health/index.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';

export type MedFromLoad = NonNullable<ServiceConfig['medFromLoad']>;

export interface LoadMedReaderOptions {
  readonly settings: MedFromLoad;
  readonly clock: Clock;
  readonly log: Logger;
  /** Default: the system's figures. */
  readonly sources?: LoadSources | undefined;
  /** The MED changed; `reason` says from what to what. */
  readonly onChange: (reason: string) => void;
}

export class LoadMedReader {
  private state: LoadMedState = INITIAL_LOAD_MED;
  private timer: TimerHandle | undefined;
  private failing = false;
  private stopped = false;
  private lastLoad: number | undefined;
  private lastMed: number | undefined;

  constructor(private readonly o: LoadMedReaderOptions) {}

  /** The last reading; undefined before the first. */
  get load(): number | undefined {
    return this.lastLoad;
  }

  /** The MED the last readings gave; undefined before the first. */
  get med(): number | undefined {
    return this.lastMed;
  }

  /** Reads now, then `interval` after each reading, until stop. */
  start(): void {
    this.read();
  }

  /** No more readings; one under way finds the reader stopped and neither updates nor reschedules. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private read(): void {
    const { settings: m, clock, log } = this.o;
    const next = (): void => {
      if (!this.stopped) this.timer = clock.setTimer(m.intervalMs, () => this.read());
    };
    measureLoad(m.measure, this.o.sources).then(
      ({ value, what }) => {
        if (this.stopped) return;
        if (this.failing) log.info(`load readable again: ${what} ${value}`);
        this.failing = false;
        this.lastLoad = value;
        const step = nextLoadMed(this.state, value, clock.now(), m);
        this.state = step.state;
        if (step.changed) {
          this.lastMed = step.med;
          log.info({ load: value, med: step.med }, `MED from load: ${step.reason}`);
          this.o.onChange(step.reason);
        } else {
          log.debug({ load: value, med: step.med }, step.reason);
        }
        next();
      },
      (err: unknown) => {
        // The MED stays where it was; one warning per run of failures.
        if (!this.failing) log.warn({ err }, `cannot read load for the MED; keeping MED ${this.lastMed ?? m.maxMed}`);
        this.failing = true;
        next();
      },
    );
  }
}
