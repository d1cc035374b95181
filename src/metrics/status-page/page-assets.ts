// The status page's style and script, inline in the page (no build step, no
// CDN, no fonts to fetch). Their SHA-256 hashes go into the page's
// Content-Security-Policy, so no other script or style can run even if some
// markup slipped through the escaping.

import { createHash } from 'node:crypto';

/** How often the page refreshes itself, ms. */
export const REFRESH_MS = 2000;

export const PAGE_STYLE = `
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111; background: #fafafa; }
header { background: #20364f; color: #fff; padding: 8px 14px; display: flex; flex-wrap: wrap; gap: 6px 24px; align-items: baseline; }
header h1 { font-size: 17px; margin: 0; }
header .meta { opacity: .85; }
header a { color: #cfe0ff; }
#refresh { margin-left: auto; font-size: 12px; }
body.stale #refresh { color: #ffd27a; font-weight: bold; }
main { padding: 6px 14px 20px; }
h2 { font-size: 14px; margin: 16px 0 4px; color: #20364f; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid #c8ccd2; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #e3e7ec; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name { font-weight: 600; word-break: break-all; }
td.reason { max-width: 28em; overflow-wrap: anywhere; }
td.state { font-weight: 600; white-space: nowrap; }
.ok { background: #c7f0c2; } .warn { background: #fbeaa0; } .bad { background: #f6b9b9; }
.maint { background: #c5d3f5; } .idle { background: #e6e6e6; }
.note { font-weight: normal; font-size: 11px; color: #444; overflow-wrap: anywhere; }
.probe { display: inline-block; width: 13px; text-align: center; margin-right: 1px; font-size: 11px; border-radius: 2px; }
.dur { color: #333; font-variant-numeric: tabular-nums; }
.detail { font-size: 11px; color: #555; max-width: 26em; overflow-wrap: anywhere; }
.pfx { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: nowrap; }
.held .pfx { color: #8a5a00; }
.kv { font-size: 11px; font-weight: normal; }
.empty { color: #666; font-style: italic; }
#summary { margin: 8px 0 0; }
#summary span { display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 3px; }
#token-box { margin: 8px 0; }
#action-result { margin-left: 8px; }
button { font: inherit; font-size: 12px; padding: 0 6px; }
`;

/** Refreshes #status from the page's own URL every REFRESH_MS; with actions, sends them with the bearer token. */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var INTERVAL = ${REFRESH_MS};
  var timer = null;
  var refreshEl = document.getElementById('refresh');
  function schedule(ms) { clearTimeout(timer); timer = setTimeout(refresh, ms); }
  function refresh() {
    fetch(location.pathname, { cache: 'no-store', headers: { Accept: 'text/html' } })
      .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.text(); })
      .then(function (text) {
        // DOMParser runs no script; the server escaped every value.
        var next = new DOMParser().parseFromString(text, 'text/html').getElementById('status');
        var cur = document.getElementById('status');
        if (next && cur) cur.replaceWith(document.adoptNode(next));
        document.body.classList.remove('stale');
        refreshEl.textContent = 'updated ' + new Date().toLocaleTimeString() + ', every ' + INTERVAL / 1000 + ' s';
      })
      .catch(function (e) {
        document.body.classList.add('stale');
        refreshEl.textContent = 'not updated since ' + new Date().toLocaleTimeString() + ': ' + e.message;
      })
      .then(function () { schedule(INTERVAL); });
  }
  schedule(INTERVAL);

  var tokenInput = document.getElementById('token');
  if (!tokenInput) return;
  var result = document.getElementById('action-result');
  tokenInput.value = sessionStorage.getItem('floatd-token') || '';
  tokenInput.addEventListener('change', function () { sessionStorage.setItem('floatd-token', tokenInput.value); });
  document.addEventListener('click', function (ev) {
    var b = ev.target instanceof Element ? ev.target.closest('button[data-action]') : null;
    if (!b) return;
    var action = b.getAttribute('data-action');
    var service = b.getAttribute('data-service');
    var body = { service: service };
    if (b.hasAttribute('data-on')) body.on = b.getAttribute('data-on') === 'true';
    var what = action === 'drain' ? 'Drain ' + service : (body.on ? 'Maintenance for ' : 'Back in service: ') + service;
    if (!window.confirm(what + '?')) return;
    result.textContent = what + ': sending';
    fetch('actions/' + action, {
      method: 'POST',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + tokenInput.value },
      body: JSON.stringify(body)
    })
      .then(function (res) { return res.json().then(function (j) { return { ok: res.ok, j: j }; }); })
      .then(function (r) { result.textContent = what + ': ' + (r.ok ? 'done' : 'refused: ' + r.j.error); schedule(0); })
      .catch(function (e) { result.textContent = what + ': failed: ' + e.message; });
  });
})();
`;

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** Only the page's own script and style run; it may fetch from its own origin and nothing else. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
