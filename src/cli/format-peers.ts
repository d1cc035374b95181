// `floatd peers`: every neighbor in detail, like `birdc show protocols all`.

import { count, fields, hms } from './format-table.js';
import { listOf, type PeerView, type PeersView } from './format-views.js';
import type { BfdPeerStatus } from '../daemon/bfd-links.js';
import { quoteText } from '../util/terminal-text.js';

const ms = (v: number): string => `${Number(v.toFixed(1))} ms`;

/** `BFD  Up (single hop), tx 100 ms, rx 100 ms, detect 300 ms` and the last Down, when the neighbor has BFD. */
function bfdRows(b: Partial<BfdPeerStatus>): [string, string][] {
  const parts = [`${b.state ?? '?'} (${b.multihop ? 'multihop' : 'single hop'})`];
  if (b.state === 'Up') parts.push(`tx ${ms(b.txIntervalMs ?? 0)}`, `rx ${ms(b.rxIntervalMs ?? 0)}`, `detect ${ms(b.detectionTimeMs ?? 0)}`);
  else if (b.remoteState !== undefined) parts.push(`peer ${b.remoteState}`);
  const rows: [string, string][] = [['BFD', parts.join(', ')]];
  if (b.lastDown) rows.push(['BFD last down', `${b.lastDown.reason} (${b.lastDown.at}), ${count(b.downs ?? 0, 'time')}`]);
  return rows;
}

/**
 * `9 s negotiated (we proposed 9 s, the peer 240 s), keepalive every 3 s`, or
 * `proposing 3 s` before the OPENs are through; and the ladder when there is one.
 */
function holdRows(p: PeerView): [string, string][] {
  const ours = p.holdTimeProposed as number | undefined;
  const rows: [string, string][] = [];
  if (p.holdTime !== undefined) {
    const timers = p.holdTime === 0 ? '0 (no hold timer, no keepalives)' : `${p.holdTime} s, keepalive every ${p.keepaliveTime ?? '?'} s`;
    const offers = ours !== undefined && p.peerHoldTime !== undefined ? ` (we proposed ${ours} s, the peer ${p.peerHoldTime} s)` : '';
    rows.push(['Hold time', `${timers}${offers}`]);
  } else if (ours !== undefined) {
    rows.push(['Hold time', `proposing ${ours} s`]);
  }
  const l = p.holdLadder;
  if (l) {
    const where = `step ${l.step} of ${l.candidates.length}${l.exhausted ? ', the peer refused even this one' : ''}`;
    rows.push(['Hold ladder', `${l.candidates.join(', ')} s; proposing ${l.candidates[l.step - 1] ?? '?'} s (${where})`]);
  }
  return rows;
}

interface GracefulRestartView {
  readonly restartTime?: number;
  readonly restarting?: boolean;
  readonly notification?: boolean;
  readonly families?: readonly { readonly family: string; readonly forwarding: boolean }[];
}

function gracefulRestart(g: GracefulRestartView): string {
  const parts = [`restart time ${g.restartTime ?? '?'} s`];
  if (g.restarting) parts.push('restarting');
  if (g.notification) parts.push('notification');
  const fwd = (g.families ?? []).filter((f) => f.forwarding).map((f) => f.family);
  if (fwd.length > 0) parts.push(`forwarding ${fwd.join(' ')}`);
  return `graceful restart (${parts.join(', ')})`;
}

function addPath(a: Record<string, unknown>): string | undefined {
  const rx = [a.rxIpv4 === true ? 'ipv4' : '', a.rxIpv6 === true ? 'ipv6' : ''].filter((f) => f !== '');
  const tx = [a.txIpv4 === true ? 'ipv4' : '', a.txIpv6 === true ? 'ipv6' : ''].filter((f) => f !== '');
  if (rx.length + tx.length === 0) return undefined;
  return `add-path${rx.length > 0 ? ` receive ${rx.join(' ')}` : ''}${tx.length > 0 ? ` send ${tx.join(' ')}` : ''}`;
}

const FLAGS: Readonly<Record<string, string>> = {
  fourOctetAs: '4-octet AS',
  routeRefresh: 'route refresh',
  enhancedRouteRefresh: 'enhanced route refresh',
  extendedMessage: 'extended message',
  extendedNextHopIpv4: 'extended next hop (IPv4 routes over IPv6)',
};

/** One line per negotiated capability; capabilities the peer or we lack are left out. */
export function capabilityLines(caps: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(caps)) {
    if (v === false || v === null || v === undefined) continue;
    const flag = FLAGS[key];
    if (flag !== undefined) {
      if (v === true) out.push(flag);
      continue;
    }
    switch (key) {
      case 'families':
        if (Array.isArray(v)) out.push(`families ${v.join(' ')}`);
        break;
      case 'addPath': {
        const text = typeof v === 'object' ? addPath(v as Record<string, unknown>) : undefined;
        if (text) out.push(text);
        break;
      }
      case 'gracefulRestart':
        if (typeof v === 'object') out.push(gracefulRestart(v as GracefulRestartView));
        break;
      case 'hostname':
        // Peer-chosen text (FQDN capability): quoted and escaped as a shutdown communication is, so it cannot drive the terminal.
        out.push(`hostname ${quoteText(String(v))}`);
        break;
      default:
        out.push(v === true ? key : `${key} ${JSON.stringify(v)}`);
    }
  }
  return out;
}

export function formatPeer(p: PeerView): string {
  const title = `Neighbor ${p.address}, AS ${p.peerAs}${p.description ? ` (${p.description})` : ''}`;
  const state: string[] = [p.state];
  if (p.uptimeSeconds !== undefined) state.push(`up ${hms(p.uptimeSeconds)}`);
  if (p.direction) state.push(`${p.direction} connection`);
  const rows: [string, string][] = [['State', state.join(', ')]];
  if (p.peerRouterId) rows.push(['Router id', p.peerRouterId]);
  rows.push(...holdRows(p));
  rows.push(['Messages', `${p.messages.in} in, ${p.messages.out} out`]);
  rows.push(['Updates', `${p.updates.in} in, ${p.updates.out} out`]);
  if (p.routeRefreshesIn) rows.push(['Route refresh', `${p.routeRefreshesIn} received`]);
  const px = p.prefixes;
  rows.push([
    'Prefixes',
    `${px.received} received${p.importMode === 'all' ? ' (stored)' : ' (counted, not stored)'}, ${px.withdrawnReceived} withdrawn, ${px.looped} looped, ${px.announced} announced`,
  ]);
  rows.push(['Established', count(p.establishedTransitions, 'time')]);
  rows.push(['Last error', p.lastError ?? '-']);
  if (p.held) rows.push(['Held', `${p.held.reason}; restarting in ${p.held.restartInSeconds} s`]);
  if (p.receiveLimitEvents) rows.push(['Receive limits', `hit ${count(p.receiveLimitEvents, 'time')}`]);
  const bfd = (p as { bfd?: Partial<BfdPeerStatus> }).bfd;
  if (bfd) rows.push(...bfdRows(bfd));
  const caps = p.capabilities ? capabilityLines(p.capabilities) : [];
  const capText = caps.length > 0 ? `\n  Capabilities:\n${caps.map((c) => `    ${c}`).join('\n')}` : '';
  return `${title}\n${fields(rows)}${capText}\n`;
}

export function formatPeers(v: PeersView): string {
  const peers = listOf(v as readonly PeerView[] | { readonly peers: readonly PeerView[] }, 'peers');
  if (peers.length === 0) return 'no neighbors configured\n';
  return peers.map(formatPeer).join('\n');
}
