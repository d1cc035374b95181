// The whole status page: a header, the #status part (summary and tables)
// that the page's script swaps for a fresh copy every REFRESH_MS, and, when
// actions are enabled, the token field. Pure.

import { esc } from './html.js';
import { PAGE_SCRIPT, PAGE_STYLE, REFRESH_MS } from './page-assets.js';
import { eventsTable, extraSection, peersTable, servicesTable } from './render-tables.js';
import type { StatusDocument } from './status-document.js';

function summary(doc: StatusDocument): string {
  const up = doc.services.filter((s) => s.serving).length;
  const est = doc.peers.filter((p) => p.established).length;
  const cls = (n: number, of: number): string => (n === of ? 'ok' : n === 0 ? 'bad' : 'warn');
  const parts = [
    doc.services.length > 0 ? `<span class="${cls(up, doc.services.length)}">services serving: ${up} of ${doc.services.length}</span>` : '',
    `<span class="${cls(est, doc.peers.length)}">peers established: ${est} of ${doc.peers.length}</span>`,
  ];
  return `<p id="summary">${parts.join('')}</p>`;
}

const identity = (doc: StatusDocument): string =>
  doc.routerId === undefined || doc.localAs === undefined ? 'no BGP' : `router id ${esc(doc.routerId)}, AS ${esc(doc.localAs)}`;

/** The part the page refreshes. */
export function renderStatus(doc: StatusDocument): string {
  return (
    '<div id="status">' +
    `<p class="meta" id="identity">${identity(doc)}, floatd ${esc(doc.version)}; generated ${esc(doc.generatedAt)}</p>` +
    summary(doc) +
    servicesTable(doc) +
    peersTable(doc) +
    doc.sections.map(extraSection).join('') +
    eventsTable(doc) +
    '</div>'
  );
}

const TOKEN_BOX =
  '<div id="token-box"><label>Action token <input id="token" type="password" autocomplete="off" size="32"></label>' +
  '<span id="action-result" role="status"></span></div>';

export function renderPage(doc: StatusDocument): string {
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">' +
    // Without script the page still refreshes, the whole page at a time.
    `<noscript><meta http-equiv="refresh" content="${Math.round(REFRESH_MS / 1000) + 3}"></noscript>` +
    `<title>floatd ${esc(doc.routerId ?? '')}</title><style>${PAGE_STYLE}</style></head><body>` +
    `<header><h1>floatd status</h1><span class="meta">${esc(doc.routerId ?? '')}</span>` +
    '<span class="meta"><a href="metrics">metrics</a> &middot; <a href="status.json">status.json</a></span>' +
    `<span id="refresh">every ${REFRESH_MS / 1000} s</span></header>` +
    '<main>' +
    (doc.actions ? TOKEN_BOX : '') +
    renderStatus(doc) +
    '</main>' +
    `<script>${PAGE_SCRIPT}</script>` +
    '</body></html>\n'
  );
}
