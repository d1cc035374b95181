// `floatd status`: a summary like `bgpctl show summary`, one line per
// neighbor and one per service.

import { hms, table } from './format-table.js';
import type { DaemonStatus, ServiceView } from './format-views.js';
import { formatVrrpSummary } from './format-vrrp.js';

export type { DaemonStatus } from './format-views.js';

export function serviceState(v: ServiceView): string {
  const notes = [...(v.disabledBy.length > 0 ? [v.disabledBy.join(', ')] : []), ...(typeof v.draining === 'number' ? ['draining'] : [])];
  return notes.length > 0 ? `${v.state} (${notes.join('; ')})` : v.state;
}

export function formatStatus(s: DaemonStatus): string {
  const rows: string[][] = [['Neighbor', 'AS', 'State', 'Up', 'MsgIn', 'MsgOut', 'PfxRcvd', 'PfxSent', 'Last error']];
  for (const n of s.peers) {
    rows.push([
      n.address,
      String(n.peerAs),
      n.state,
      hms(n.uptimeSeconds),
      String(n.messages.in),
      String(n.messages.out),
      String(n.prefixesReceived),
      String(n.prefixesAnnounced),
      n.lastError ?? '',
    ]);
  }
  let out = s.routerId === undefined || s.localAs === undefined ? 'floatd without BGP\n' : `floatd router-id ${s.routerId}, local AS ${s.localAs}\n${table(rows)}\n`;
  if (s.services && s.services.length > 0) {
    const svc: string[][] = [['Service', 'State', 'Serving', 'Announced', 'Held', 'Last check']];
    for (const v of s.services) {
      const last = (v.lastProbes ?? v.results).at(-1);
      svc.push([
        v.name,
        serviceState(v),
        v.serving ? 'yes' : 'no',
        v.announced.join(' ') || '-',
        v.held.map((h) => h.prefix).join(' ') || '-',
        last ? `${last.ok ? 'ok' : 'FAIL'}: ${last.detail}` : '-',
      ]);
    }
    out += `\n${table(svc)}\n`;
  }
  if (s.vrrp && s.vrrp.length > 0) out += `\n${formatVrrpSummary(s.vrrp)}\n`;
  return out;
}
