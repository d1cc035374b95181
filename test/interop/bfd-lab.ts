// Shared set-up of the BFD interop tests: a peer namespace and floatd's
// namespace on one veth (10.211.N.0/30, fd00:211:N::/64) or behind a switch,
// nftables drops of floatd's BFD packets, and polling of a peer's view with
// timestamps.

import type { Lab } from '../../lab/netns.js';
import { Pending, check, holdsFor, now, waitFor } from '../../lab/netns.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { FloatdBfd, PeerSession } from '../../lab/bfd/peers.js';
import { Floatd } from '../../lab/daemons/floatd.js';

export interface BfdPair {
  readonly nsPeer: string;
  readonly nsFloatd: string;
  readonly peer: { ipv4: string; ipv6: string };
  readonly floatd: { ipv4: string; ipv6: string };
}

export async function bfdPair(lab: Lab, n: number): Promise<BfdPair> {
  const nsPeer = await lab.namespace('peer');
  const nsFloatd = await lab.namespace('fd');
  const peer = { ipv4: `10.211.${n}.1`, ipv6: `fd00:211:${n}::1` };
  const floatd = { ipv4: `10.211.${n}.2`, ipv6: `fd00:211:${n}::2` };
  await lab.veth(nsPeer, nsFloatd, { ifA: `bf${n}p`, ifB: `bf${n}f`, addrA: [`${peer.ipv4}/30`, `${peer.ipv6}/64`], addrB: [`${floatd.ipv4}/30`, `${floatd.ipv6}/64`] });
  return { nsPeer, nsFloatd, peer, floatd };
}

/**
 * The peer and floatd each on a veth to a bridge in a third namespace (a
 * switch), 10.212.N.0/30 and fd00:212:N::/64: floatd's link going down
 * (`ip link set IFACE down` in its namespace, IFACE = `fdsw` + N) leaves the
 * peer's link up with carrier, so only BFD can tell the peer.
 */
export async function switchedPair(lab: Lab, n: number): Promise<BfdPair & { readonly iface: string }> {
  const nsPeer = await lab.namespace('peer');
  const nsFloatd = await lab.namespace('fd');
  const nsSwitch = await lab.namespace('sw');
  const peer = { ipv4: `10.212.${n}.1`, ipv6: `fd00:212:${n}::1` };
  const floatd = { ipv4: `10.212.${n}.2`, ipv6: `fd00:212:${n}::2` };
  const iface = `fdsw${n}`;
  await check('ip', ['-n', nsSwitch, 'link', 'add', 'name', 'br0', 'type', 'bridge']);
  await check('ip', ['-n', nsSwitch, 'link', 'set', 'dev', 'br0', 'up']);
  await lab.veth(nsPeer, nsSwitch, { ifA: `peersw${n}`, ifB: `swp${n}`, addrA: [`${peer.ipv4}/30`, `${peer.ipv6}/64`] });
  await lab.veth(nsFloatd, nsSwitch, { ifA: iface, ifB: `swf${n}`, addrA: [`${floatd.ipv4}/30`, `${floatd.ipv6}/64`] });
  for (const port of [`swp${n}`, `swf${n}`]) await check('ip', ['-n', nsSwitch, 'link', 'set', 'dev', port, 'master', 'br0']);
  return { nsPeer, nsFloatd, peer, floatd, iface };
}

/** Drops every BFD packet floatd's namespace sends (both ports); returns the undo. */
export async function dropFloatdBfd(lab: Lab, ns: string): Promise<() => Promise<void>> {
  const script = join(lab.dir, `nft-bfd-${ns}.conf`);
  writeFileSync(script, 'table inet fdbfddrop {\n  chain out { type filter hook output priority 0; udp dport { 3784, 4784 } drop; }\n}\n');
  await check('ip', ['netns', 'exec', ns, 'nft', '-f', script]);
  return async () => {
    await check('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', 'fdbfddrop']);
  };
}

export type PeerView = () => Promise<PeerSession | undefined>;

/** Waits until the peer shows `state` (polled every 20 ms); returns when it was first seen (ms, performance.now()). */
export async function peerReaches(view: PeerView, state: string, timeoutMs = 20_000): Promise<number> {
  return waitFor(`the peer's session ${state}`, async () => {
    const s = await view();
    return s?.state === state ? now() : new Pending(`state ${s?.state ?? 'none'}: ${JSON.stringify(s?.raw)}`);
  }, { timeoutMs, intervalMs: 20 });
}

/** The peer's session stays `state` for `ms`. */
export async function peerStays(view: PeerView, state: string, ms: number, what: string): Promise<void> {
  await holdsFor(what, async () => {
    const s = await view();
    return s?.state === state ? true : new Pending(`state ${s?.state ?? 'none'}: ${JSON.stringify(s?.raw)}`);
  }, ms, 100);
}

/** The timers of the BGP + BFD tests, on both sides: detection in 300 ms. */
export const BFD_100MS_X3 = { minRxMs: 100, minTxMs: 100, multiplier: 3 };

/** floatd's BFD session as `floatd peers --json` shows it. */
export interface BfdShown {
  readonly state?: string;
  readonly txIntervalMs?: number;
  readonly detectionTimeMs?: number;
  readonly downs?: number;
  readonly lastDown?: { readonly reason: string };
}

/**
 * floatd announcing `prefix` to the peer over BGP with `bfd: true`, at a hold
 * time long enough (`holdS`) that only BFD can take the route away soon;
 * `bfd()` reads its BFD session back, `up()` waits for it Up at 100 ms.
 */
export function floatdWithBfd(
  lab: Lab,
  pair: Pick<BfdPair, 'nsFloatd' | 'peer' | 'floatd'>,
  o: { readonly prefix: string; readonly holdS: number; readonly localAs: number; readonly peerAs: number },
): { readonly floatd: Floatd; bfd(): Promise<BfdShown | undefined>; up(timeoutMs: number): Promise<BfdShown> } {
  const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', {
    'router-id': pair.floatd.ipv4,
    'local-as': o.localAs,
    neighbors: [{ address: pair.peer.ipv4, 'peer-as': o.peerAs, 'local-address': pair.floatd.ipv4, 'hold-time': o.holdS, 'connect-retry': 1, bfd: true }],
    announce: [{ prefix: o.prefix }],
  });
  const bfd = async (): Promise<BfdShown | undefined> => ((await floatd.neighbor(pair.peer.ipv4)) as { bfd?: BfdShown } | undefined)?.bfd;
  const up = (timeoutMs: number): Promise<BfdShown> =>
    waitFor('BFD Up at 100 ms on floatd', async () => {
      const b = await bfd();
      return b?.state === 'Up' && b.txIntervalMs === 100 ? b : new Pending(JSON.stringify(b));
    }, { timeoutMs, intervalMs: 200 });
  return { floatd, bfd, up };
}

/**
 * The second half of both FRR bfdd tests: floatd's packets dropped -> FRR
 * Down on detection time and floatd Down too; the drop lifted -> both Up;
 * floatd stopped -> FRR hears AdminDown. `view` reads FRR's session.
 */
export async function frrSeesSilenceThenStop(lab: Lab, nsFloatd: string, fd: FloatdBfd, view: PeerView): Promise<void> {
  const from = fd.events.length;
  const undo = await dropFloatdBfd(lab, nsFloatd);
  const cut = now();
  const seen = await peerReaches(view, 'down', 5_000);
  console.log(`# FRR saw floatd down ${(seen - cut).toFixed(0)} ms after the drop began (detection 300 ms, vtysh polled every 20 ms)`);
  const dr = (await view())!.raw as Record<string, unknown>;
  assert.equal(dr['diagnostic'], 'control detection time expired');
  await fd.next('down', 5_000, from);
  await undo();
  await fd.next('up', 10_000, from);
  await peerReaches(view, 'up');

  const stopAt = now();
  fd.send('stop');
  const gone = await peerReaches(view, 'down', 5_000);
  await fd.next('stopped', 5_000);
  const sr = (await view())!.raw as Record<string, unknown>;
  console.log(`# FRR down ${(gone - stopAt).toFixed(0)} ms after floatd's stop: diagnostic "${String(sr['diagnostic'])}", remote diagnostic "${String(sr['remote-diagnostic'])}"`);
  assert.equal(sr['remote-diagnostic'], 'administratively down');
  assert.equal(sr['diagnostic'], 'neighbor signaled session down');
}
