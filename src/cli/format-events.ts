// `floatd events`: recent service transitions, operator commands, DNS
// updates and the neighbors' BFD state changes, oldest first.

import { table } from './format-table.js';
import { listOf, type EventsView, type EventView } from './format-views.js';

/** The event's wall-clock time as ISO 8601 (UTC); "-" when the daemon gave none. */
export function eventTime(e: EventView): string {
  if (typeof e.at === 'string') return e.at;
  if (typeof e.at === 'number' && Number.isFinite(e.at)) return new Date(e.at).toISOString();
  return '-';
}

function source(e: EventView): string {
  return e.kind === 'bfd' && e.neighbor !== undefined ? `bfd ${e.neighbor}` : e.service;
}

function change(e: EventView): string {
  if (e.kind === 'command') return `command in ${e.to}`;
  if (e.kind === 'dns') return `DNS update in ${e.to}`;
  return `${e.kind === 'bfd' ? 'BFD ' : ''}${e.from} -> ${e.to}`;
}

/** A BFD change away from Up names its diagnostic's code too (diag 0 is "none" and says nothing). */
function reason(e: EventView): string {
  return e.kind === 'bfd' && e.diag !== undefined && e.diag !== 0 ? `${e.reason} [diag ${e.diag}]` : e.reason;
}

export function formatEvents(v: EventsView): string {
  const events = listOf(v, 'events');
  if (events.length === 0) return 'no events yet\n';
  const rows = [['Time', 'Service', 'Change', 'Reason'], ...events.map((e) => [eventTime(e), source(e), change(e), reason(e)])];
  return `${table(rows)}\n`;
}
