import type { SpeakerStatus } from '../daemon/speaker.js';

const duration = (s: number | undefined): string => {
  if (s === undefined) return 'never';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** A summary like `bgpctl show summary`: one line per neighbor. */
export function formatStatus(s: SpeakerStatus): string {
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
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  return `floatd router-id ${s.routerId}, local AS ${s.localAs}\n${lines.join('\n')}\n`;
}
