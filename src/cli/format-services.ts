// `floatd services`: every service's state, why it is in it, its last probe
// results and what happens to each of its prefixes.

import { serviceState } from './status.js';
import { count, fields, ms } from './format-table.js';
import { listOf, type DnsRecordView, type ProbeView, type ServicesView, type ServiceView } from './format-views.js';

/** Probe results shown per service; --json has every one the daemon keeps. */
export const PROBES_SHOWN = 5;

/** "Last change:", the longest label, so every service lines up the same. */
const LABEL_WIDTH = 12;

function prefixText(v: ServiceView, prefix: string): string {
  if (v.announced.includes(prefix)) return `${prefix} announced`;
  if (v.held.some((h) => h.prefix === prefix)) return `${prefix} held back by the flap guard`;
  return `${prefix} not announced`;
}

/** `www.example.com A 192.0.2.10 ttl 30: present (add ok 4.1 ms)`. */
function dnsText(r: DnsRecordView): string {
  const l = r.last;
  const answer = l === null ? 'no answer yet' : `${l.op} ${l.ok ? 'ok' : `failed: ${l.code ?? 'error'}`} ${ms(l.ms)}${r.attempts > 1 ? `, try ${r.attempts}` : ''}`;
  return `${r.name} ${r.type} ${r.address} ttl ${r.ttl}: ${r.state} (${answer})`;
}

function probeLine(p: ProbeView): string {
  const verdict = p.ok ? 'ok' : p.timedOut ? 'TIMEOUT' : 'FAIL';
  return `${verdict.padEnd(7)}  ${ms(p.durationMs).padStart(10)}  ${p.detail}`;
}

export function formatService(v: ServiceView): string {
  const rows: [string, string][] = [];
  const last = v.transitions.at(-1);
  if (last) rows.push(['Last change', `${last.from} -> ${last.to}: ${last.reason}`]);
  rows.push(['Draining', typeof v.draining === 'number' ? 'yes' : 'no']);
  if (v.loadMed) rows.push(['Load MED', `load ${v.loadMed.load ?? '-'}, MED ${v.loadMed.med ?? '-'}`]);
  if (v.demoted) rows.push(['Demoted', 'yes (failback is off and it has gone down since it was up)']);
  const st = v.settings;
  rows.push([
    'Checks',
    `rise ${st.rise}, fall ${st.fall}, every ${st.intervalMs} ms (${st.fastIntervalMs} ms while rising or falling), timeout ${st.timeoutMs} ms`,
  ]);
  const c = v.counters;
  rows.push([
    'Counters',
    [count(c.checks, 'check'), count(c.events, 'event'), count(c.failures, 'failure'), count(c.timeouts, 'timeout'), count(c.transitions, 'transition')].join(', '),
  ]);
  const extraHeld = v.held.filter((h) => !v.prefixes.includes(h.prefix)).map((h) => h.prefix);
  const prefixes = [...v.prefixes, ...extraHeld].map((p) => prefixText(v, p));
  prefixes.forEach((p, i) => rows.push([i === 0 ? 'Prefixes' : '', p]));
  if (prefixes.length === 0 && !v.dns?.length) rows.push(['Prefixes', '-']);
  v.dns?.forEach((r, i) => rows.push([i === 0 ? 'DNS' : '', dnsText(r)]));

  const probes = (v.lastProbes ?? v.results).slice(-PROBES_SHOWN);
  const probeText = probes.length > 0 ? `\n  Last probes (oldest first):\n${probes.map((p) => `    ${probeLine(p)}`).join('\n')}` : '\n  Last probes: none yet';
  return `Service ${v.name}: ${serviceState(v)}, ${v.serving ? 'serving' : 'not serving'}\n${fields(rows, '  ', LABEL_WIDTH)}${probeText}\n`;
}

export function formatServices(v: ServicesView): string {
  const list = listOf(v, 'services');
  if (list.length === 0) return 'no services configured\n';
  return list.map(formatService).join('\n');
}
