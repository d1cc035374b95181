// `floatd vrrp` and the VRRP part of `floatd status`: each instance's state,
// the Active router it hears (or is) with its priority, and the last
// transition with its reason.

import { table } from './format-table.js';

/** One instance as the control socket's `vrrp` returns it (src/daemon/vrrp-links.ts). */
export interface VrrpView {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  readonly state: string;
  /** Advertised now; 0 while giving up for a tracked service. */
  readonly priority: number;
  readonly configuredPriority: number;
  readonly addresses: readonly string[];
  readonly track: readonly string[];
  readonly virtualMac?: { readonly interface: string; readonly mac: string };
  readonly active?: { readonly address: string; readonly priority: number };
  readonly last?: { readonly from: string; readonly to: string; readonly reason: string };
  readonly tracking?: { readonly tracked: boolean | number; readonly reason: string };
  readonly transitions?: number;
  readonly dropped?: Readonly<Record<string, number>>;
}

const activeOf = (v: VrrpView): string => (v.active ? `${v.active.address} (${v.active.priority})` : '-');
const lastOf = (v: VrrpView): string => (v.last ? `${v.last.from} -> ${v.last.to}: ${v.last.reason}` : '-');

/** The short table `floatd status` ends with. */
export function formatVrrpSummary(list: readonly VrrpView[]): string {
  const rows: string[][] = [['VRRP', 'Interface', 'VRID', 'State', 'Prio', 'Active (prio)', 'Last transition']];
  for (const v of list) rows.push([v.name, v.interface, String(v.vrid), v.state, String(v.priority), activeOf(v), lastOf(v)]);
  return table(rows);
}

/** `floatd vrrp`: the summary, then per instance its addresses, tracking and dropped packets. */
export function formatVrrp(list: readonly VrrpView[]): string {
  if (list.length === 0) return 'no VRRP instances configured\n';
  const blocks = list.map((v) => {
    const lines = [
      `${v.name}: ${v.state} on ${v.interface}, vrid ${v.vrid}, priority ${v.priority}${v.priority !== v.configuredPriority ? ` (configured ${v.configuredPriority})` : ''}`,
      `  addresses:  ${v.addresses.join(' ')}${v.virtualMac ? ` on ${v.virtualMac.interface}` : ''}`,
      ...(v.virtualMac ? [`  vmac:       ${v.virtualMac.mac}`] : []),
      `  active:     ${activeOf(v)}`,
      `  last:       ${lastOf(v)}`,
      `  tracking:   ${v.track.length > 0 ? `${v.track.join(', ')}: ${v.tracking?.reason ?? '-'}` : 'nothing tracked'}`,
    ];
    if (v.transitions !== undefined) lines.push(`  changes:    ${v.transitions}`);
    const dropped = Object.entries(v.dropped ?? {});
    if (dropped.length > 0) lines.push(`  dropped:    ${dropped.map(([code, n]) => `${code} ${n}`).join(', ')}`);
    return lines.join('\n');
  });
  return `${formatVrrpSummary(list)}\n\n${blocks.join('\n\n')}\n`;
}
