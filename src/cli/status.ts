import type { AnnouncerServiceStatus } from '../daemon/announcer.js';
import type { SpeakerStatus } from '../daemon/speaker.js';

/** What the control socket's `status` returns. */
export type DaemonStatus = SpeakerStatus & { readonly services?: readonly AnnouncerServiceStatus[] };

const duration = (s: number | undefined): string => {
  if (s === undefined) return 'never';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** A summary like `bgpctl show summary`: one line per neighbor, then one per service. */
export function formatStatus(s: DaemonStatus): string {
  const rows: string[][] = [['Neighbor', 'AS', 'State', 'Up', 'MsgIn', 'MsgOut', 'PfxRcvd', 'PfxSent', 'Last error']];
  for (const n of s.peers) {
    rows.push([
      n.address,
      String(n.peerAs),
      n.state,
      duration(n.uptimeSeconds),
      String(n.messages.in),
      String(n.messages.out),
      String(n.prefixesReceived),
      String(n.prefixesAnnounced),
      n.lastError ?? '',
    ]);
  }
  let out = `floatd router-id ${s.routerId}, local AS ${s.localAs}\n${table(rows)}\n`;
  if (s.services && s.services.length > 0) {
    const svc: string[][] = [['Service', 'State', 'Serving', 'Announced', 'Held', 'Last check']];
    for (const v of s.services) {
      const last = v.results.at(-1);
      svc.push([v.name, v.state + (v.disabledBy.length ? ` (${v.disabledBy.join(', ')})` : ''), v.serving ? 'yes' : 'no', v.announced.join(' ') || '-', v.held.map((h) => h.prefix).join(' ') || '-', last ? `${last.ok ? 'ok' : 'FAIL'}: ${last.detail}` : '-']);
    }
    out += `\n${table(svc)}\n`;
  }
  return out;
}
