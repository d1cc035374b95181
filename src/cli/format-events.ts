// `floatd events`: recent service transitions and operator commands, oldest first.

import { table } from './format-table.js';
import { listOf, type EventsView, type EventView } from './format-views.js';

/** The event's wall-clock time as ISO 8601 (UTC); "-" when the daemon gave none. */
export function eventTime(e: EventView): string {
  if (typeof e.at === 'string') return e.at;
  if (typeof e.at === 'number' && Number.isFinite(e.at)) return new Date(e.at).toISOString();
  return '-';
}

export function formatEvents(v: EventsView): string {
  const events = listOf(v, 'events');
  if (events.length === 0) return 'no events yet\n';
  const rows = [['Time', 'Service', 'Change', 'Reason'], ...events.map((e) => [eventTime(e), e.service, e.kind === 'command' ? `command in ${e.to}` : `${e.from} -> ${e.to}`, e.reason])];
  return `${table(rows)}\n`;
}
