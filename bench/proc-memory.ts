import { readFileSync } from 'node:fs';

/** Resident memory of a process in KiB, from /proc/PID/status: now (VmRSS) and the peak so far (VmHWM). */
export interface ProcMemory {
  readonly rssKiB: number;
  readonly hwmKiB: number;
}

/** Undefined once the process is gone. */
export function procMemory(pid: number): ProcMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}
