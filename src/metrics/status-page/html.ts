// HTML text building for the status page. Every value that came from the
// daemon goes through `esc` (text and attribute values alike: the page
// quotes all attributes with "), so a peer's hostname or shutdown text, a
// probe's output or a service name can never become markup.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** `<td class="...">text</td>` with the text escaped; `cls` is always one of the page's own class names. */
export const td = (text: unknown, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${esc(text)}</td>`;

/** A duration for people: 850 ms, 42 s, 3 m 12 s, 5 h 03 m, 2 d 4 h. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${Math.floor(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A cell value of a generic table: scalars as text, lists joined, anything else as compact JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(', ');
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/** Service states to the page's classes; a state not listed gets none. */
export const SERVICE_STATE_CLASS: Readonly<Record<string, string>> = {
  UP: 'ok',
  RISING: 'warn',
  FALLING: 'warn',
  DOWN: 'bad',
  DISABLED: 'maint',
  INIT: 'idle',
  STOPPING: 'idle',
};

/** RFC 4271 8.2.2 states: Established is up, the steps towards it are on their way, Idle and Active are down. */
export const PEER_STATE_CLASS: Readonly<Record<string, string>> = {
  Established: 'ok',
  OpenConfirm: 'warn',
  OpenSent: 'warn',
  Connect: 'warn',
  Active: 'bad',
  Idle: 'bad',
};

/** A state word of a generic row (VRRP MASTER/BACKUP, DNS ok/failing, BFD Up/Down) to a class, when it is a known one. */
export function wordClass(v: unknown): string {
  if (typeof v !== 'string') return '';
  const w = v.toLowerCase();
  if (['up', 'ok', 'master', 'established', 'serving', 'synced', 'in-sync'].includes(w)) return 'ok';
  if (['down', 'failed', 'failing', 'error', 'fault'].includes(w)) return 'bad';
  if (['init', 'backup', 'pending', 'admindown', 'admin-down'].includes(w)) return 'idle';
  return '';
}
