// The status page's tables, HAProxy-stats style: one row per service, per
// peer, per row of a further section and per event. Pure: a StatusDocument
// in, HTML text out; every value escaped (html.ts).

import { cellText, esc, formatMs, formatSeconds, PEER_STATE_CLASS, SERVICE_STATE_CLASS, td, wordClass } from './html.js';
import type { EventRow, PeerRow, ProbeRow, ServiceRow, StatusDocument } from './status-document.js';
import type { ExtraSection } from './views.js';

const list = (items: readonly string[]): string => items.map((i) => `<span class="pfx">${esc(i)}</span>`).join(' ');

function probes(ps: readonly ProbeRow[]): string {
  const marks = ps
    .map((p) => {
      const what = p.ok ? 'passed' : p.timedOut ? 'timed out' : 'failed';
      const title = `${what} ${formatSeconds(p.agoSeconds)} ago in ${formatMs(p.durationMs)}: ${p.detail}`;
      return `<span class="probe ${p.ok ? 'ok' : 'bad'}" title="${esc(title)}">${p.ok ? '&#10003;' : '&#10007;'}</span>`;
    })
    .join('');
  const last = ps[ps.length - 1];
  const tail = last ? ` <span class="dur">${esc(formatMs(last.durationMs))}</span><div class="detail">${esc(last.detail)}</div>` : '';
  return `<td class="probes">${marks}${tail}</td>`;
}

function serviceState(s: ServiceRow): string {
  const notes: string[] = [];
  if (s.draining) notes.push('draining');
  if (s.disabledBy.length > 0) notes.push(`disabled by ${s.disabledBy.join(', ')}`);
  const note = notes.length > 0 ? `<div class="note">${esc(notes.join('; '))}</div>` : '';
  return `<td class="state ${SERVICE_STATE_CLASS[s.state] ?? ''}">${esc(s.state)}${note}</td>`;
}

function serviceActions(s: ServiceRow): string {
  const b = (action: string, label: string, on?: boolean): string =>
    `<button type="button" data-action="${action}" data-service="${esc(s.name)}"${on === undefined ? '' : ` data-on="${on}"`}>${label}</button>`;
  const maint = s.state === 'DISABLED' ? b('maintenance', 'ready', false) : b('maintenance', 'maint', true);
  return `<td class="actions">${maint} ${s.draining || s.announced.length === 0 ? '' : b('drain', 'drain')}</td>`;
}

function serviceRowHtml(s: ServiceRow, actions: boolean): string {
  const role = s.role === null ? '' : s.demoted ? `${s.role} (demoted)` : s.role;
  const held = s.held.map((h) => `${h.prefix} (${formatSeconds(h.forSeconds)})`);
  return (
    `<tr class="service" data-service="${esc(s.name)}">` +
    td(s.name, 'name') +
    serviceState(s) +
    td(formatSeconds(s.sinceSeconds), 'num') +
    td(s.reason, 'reason') +
    td(role) +
    probes(s.lastProbes) +
    `<td class="prefixes">${list(s.announced)}</td>` +
    `<td class="prefixes held">${list(held)}</td>` +
    (actions ? serviceActions(s) : '') +
    '</tr>'
  );
}

export function servicesTable(doc: StatusDocument): string {
  if (doc.services.length === 0) return '<section id="services"><h2>Services</h2><p class="empty">No services configured.</p></section>';
  const head = ['Service', 'State', 'Since', 'Reason', 'Role', 'Last checks', 'Announced', 'Held back'];
  if (doc.actions) head.push('Actions');
  return (
    '<section id="services"><h2>Services</h2><table><thead><tr>' +
    head.map((h) => `<th>${h}</th>`).join('') +
    '</tr></thead><tbody>' +
    doc.services.map((s) => serviceRowHtml(s, doc.actions)).join('') +
    '</tbody></table></section>'
  );
}

/** Optional peer columns: shown only when some peer reports the key. Another liveness source is one more line here. */
export const OPTIONAL_PEER_COLUMNS: readonly { readonly key: 'bfd'; readonly title: string }[] = [{ key: 'bfd', title: 'BFD' }];

/** A record of scalars as one cell: its `state` first and coloured, then the other fields. */
function recordCell(r: Readonly<Record<string, unknown>> | undefined): string {
  if (!r) return '<td class="opt"></td>';
  const state = r['state'];
  const rest = Object.entries(r)
    .filter(([k]) => k !== 'state')
    .map(([k, v]) => `<div class="kv">${esc(k)}: ${esc(cellText(v))}</div>`)
    .join('');
  return `<td class="opt ${wordClass(state)}">${state === undefined ? '' : `<span class="state-word">${esc(cellText(state))}</span>`}${rest}</td>`;
}

function peerRowHtml(p: PeerRow, optional: typeof OPTIONAL_PEER_COLUMNS): string {
  const who =
    `<td class="name">${esc(p.address)}` +
    (p.description ? `<div class="note">${esc(p.description)}</div>` : '') +
    (p.hostname ? `<div class="note host">${esc(p.hostname)}</div>` : '') +
    '</td>';
  const timers = p.holdTime === null ? '' : `hold ${p.holdTime} s, keepalive ${p.keepaliveTime ?? '?'} s`;
  return (
    `<tr class="peer" data-peer="${esc(p.address)}">` +
    who +
    `<td class="state ${PEER_STATE_CLASS[p.state] ?? ''}">${esc(p.state)}</td>` +
    td(p.uptimeSeconds === null ? '' : formatSeconds(p.uptimeSeconds), 'num') +
    td(p.peerAs, 'num') +
    td(p.peerRouterId ?? '') +
    td(timers) +
    td(p.prefixesReceived, 'num') +
    td(p.prefixesAnnounced, 'num') +
    td(p.establishedTransitions, 'num') +
    td(p.lastError ?? '', 'reason') +
    optional.map((c) => recordCell(p[c.key])).join('') +
    '</tr>'
  );
}

export function peersTable(doc: StatusDocument): string {
  const optional = OPTIONAL_PEER_COLUMNS.filter((c) => doc.peers.some((p) => p[c.key] !== undefined));
  const head = ['Peer', 'State', 'Uptime', 'AS', 'Router ID', 'Timers', 'Prefixes in', 'Prefixes out', 'Established', 'Last error', ...optional.map((c) => c.title)];
  return (
    '<section id="peers"><h2>BGP peers</h2><table><thead><tr>' +
    head.map((h) => `<th>${esc(h)}</th>`).join('') +
    '</tr></thead><tbody>' +
    doc.peers.map((p) => peerRowHtml(p, optional)).join('') +
    '</tbody></table></section>'
  );
}

/** A further section (VRRP, DNS, ...): columns are the union of its rows' keys, in first-seen order. */
export function extraSection(s: ExtraSection, index: number): string {
  const columns: string[] = [];
  for (const r of s.rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const row = (r: Readonly<Record<string, unknown>>): string =>
    '<tr>' + columns.map((c) => td(cellText(r[c]), c === 'state' ? `state ${wordClass(r[c])}` : '')).join('') + '</tr>';
  return (
    `<section class="extra" id="section-${index}"><h2>${esc(s.title)}</h2><table><thead><tr>` +
    columns.map((c) => `<th>${esc(c)}</th>`).join('') +
    '</tr></thead><tbody>' +
    s.rows.map(row).join('') +
    '</tbody></table></section>'
  );
}

function eventRowHtml(e: EventRow): string {
  const change = e.kind === 'command' ? 'command' : e.kind === 'dns' ? 'DNS update' : `${e.kind === 'bfd' ? 'BFD ' : ''}${e.from} \u2192 ${e.to}`;
  return `<tr class="event">${td(e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), 'num')}${td(e.service, 'name')}<td class="state ${SERVICE_STATE_CLASS[e.to] ?? ''}">${esc(change)}</td>${td(e.reason, 'reason')}</tr>`;
}

export function eventsTable(doc: StatusDocument): string {
  if (doc.events.length === 0) return '<section id="events"><h2>Last transitions</h2><p class="empty">None yet.</p></section>';
  return (
    '<section id="events"><h2>Last transitions</h2><table><thead><tr><th>Time (UTC)</th><th>Service</th><th>Change</th><th>Reason</th></tr></thead><tbody>' +
    doc.events.map(eventRowHtml).join('') +
    '</tbody></table></section>'
  );
}
