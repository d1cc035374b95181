// What `floatd maintenance`, `drain` and `reload` print.

import type { MaintenanceResult, ReloadResult } from '../control/daemon-control.js';

const names = (r: MaintenanceResult): string => (r.services.length > 0 ? r.services.join(', ') : 'no services');

export function formatMaintenance(on: boolean, r: MaintenanceResult): string {
  return on ? `in maintenance: ${names(r)}\n` : `back in service: ${names(r)}\n`;
}

export function formatDrain(r: MaintenanceResult): string {
  return `drained and withdrawn: ${names(r)}\n`;
}

/** The text for a reload; `ok` false means the daemon refused the new config and kept the running one. */
export function formatReload(r: ReloadResult): { ok: boolean; text: string } {
  if (!r.ok) {
    const why = (r.error ?? 'no reason given').trimEnd();
    const text = why.includes('\n') ? `\n${why.split('\n').map((l) => `  ${l}`).join('\n')}` : ` ${why}`;
    return { ok: false, text: `reload refused, the running config stays:${text}\n` };
  }
  if (r.changes.length === 0) return { ok: true, text: 'reloaded: nothing changed\n' };
  return { ok: true, text: `reloaded:\n${r.changes.map((c) => `  ${c}`).join('\n')}\n` };
}
