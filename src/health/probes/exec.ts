// Command probe: exit status 0 is healthy. The command runs in its own
// process group (see ../process-group.ts), killed whole at the timeout.

import type { ExecProbeSpec } from '../probe-spec.js';
import type { Probe, ProbeResult } from '../probe-result.js';
import { describeRun, runInGroup, shellCommand, spawnAddon, type CommandLine } from '../process-group.js';
import { HEALTH_DEFAULTS } from '../defaults.js';

export function commandLineOf(spec: ExecProbeSpec): CommandLine {
  const base = spec.shell === true ? shellCommand(spec.command) : { file: spec.command[0] ?? '', args: spec.command.slice(1) };
  return {
    ...base,
    ...(spec.env !== undefined ? { env: spec.env } : {}),
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
  };
}

export class ExecProbe implements Probe {
  readonly kind = 'exec';
  private readonly cmd: CommandLine;
  private readonly label: string;

  constructor(spec: ExecProbeSpec, private readonly tailBytes: number = HEALTH_DEFAULTS.outputTailBytes) {
    // A missing addon is an error when the check is set up (floatd's start), not a check failing forever.
    spawnAddon();
    this.cmd = commandLineOf(spec);
    this.label = `exec ${spec.shell === true ? spec.command : spec.command.join(' ')}`;
  }

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const run = await runInGroup(this.cmd, signal, this.tailBytes);
    return {
      ok: run.code === 0 && !run.aborted,
      detail: `${this.label}: ${describeRun(run)}`,
      durationMs: run.durationMs,
      output: run.output,
      ...(run.aborted ? { timedOut: true } : {}),
    };
  }
}
