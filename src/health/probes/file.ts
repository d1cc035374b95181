// The maintenance switch: while the file exists the service is DISABLED.
// Kept apart from probes because "disabled" is neither healthy nor failed;
// the service feeds it to the state machine as its own input.

import { access } from 'node:fs/promises';
import type { FileSwitchSpec } from '../probe-spec.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { realClock } from '../../util/clock.js';
import { HEALTH_DEFAULTS } from '../defaults.js';

export interface DisableSwitch {
  /** Where the switch is, for logs: "file /etc/floatd/maintenance". */
  readonly source: string;
  /** True while the switch says "disabled". */
  read(): Promise<boolean>;
  /** Calls `onChange` with the first reading and then on every change. Returns a stop function. */
  watch(onChange: (disabled: boolean) => void): () => void;
}

export class FileSwitch implements DisableSwitch {
  readonly source: string;

  constructor(
    private readonly spec: FileSwitchSpec,
    private readonly clock: Clock = realClock,
  ) {
    this.source = `file ${spec.path}`;
  }

  async read(): Promise<boolean> {
    try {
      await access(this.spec.path);
      return true;
    } catch {
      return false;
    }
  }

  watch(onChange: (disabled: boolean) => void): () => void {
    let stopped = false;
    let last: boolean | undefined;
    let timer: TimerHandle | undefined;
    const pollMs = this.spec.pollMs ?? HEALTH_DEFAULTS.fileSwitchPollMs;
    const tick = async (): Promise<void> => {
      const now = await this.read();
      if (stopped) return;
      if (now !== last) {
        last = now;
        onChange(now);
      }
      timer = this.clock.setTimer(pollMs, () => void tick());
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) this.clock.clearTimer(timer);
    };
  }
}
