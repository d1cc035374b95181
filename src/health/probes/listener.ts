// Listener probe: healthy while a TCP socket is in LISTEN state on the port,
// read from /proc/net/tcp and tcp6 (see ../proc-net-tcp.ts). A wildcard
// listener (0.0.0.0 or ::) counts for any address; "::" counts for IPv4 too
// (Linux's default bindv6only=0 makes it dual-stack).
//
// Reading /proc/net/tcp costs milliseconds of kernel time whatever the number
// of sockets (it walks the whole listening hash), too much every 100 ms. So
// the watcher finds a process descriptor holding the listening socket and,
// between full reads every `confirmMs`, only checks that the descriptor still
// refers to it: a closed socket or a dead process is seen at the next poll.
// Without permission to read the holder's fd table it falls back to full reads.

import { isIPv4 } from 'node:net';
import type { ListenerProbeSpec } from '../probe-spec.js';
import { abortedResult, errorText, stopwatch, type ProbeResult, type WatchingProbe } from '../probe-result.js';
import { findListener, PROC_NET_TCP, type TcpSocketRow } from '../proc-net-tcp.js';
import { findSocketHolder, stillHolds, type SocketHolder } from '../socket-holder.js';
import { formatIpv6, parseIpv6 } from '../../bgp/codec/ip.js';
import { realClock, type Clock, type TimerHandle } from '../../util/clock.js';
import { HEALTH_DEFAULTS } from '../defaults.js';
import { hostPort, unbracket } from './tcp.js';

export interface ListenerProbeOptions {
  clock?: Clock;
  /** Files to read; replaceable in tests. */
  paths?: readonly string[];
  /** Full /proc/net/tcp reads while watching a held socket; default 1000 ms. */
  confirmMs?: number;
  /** Set false to always read /proc/net/tcp (no descriptor watching). */
  watchDescriptor?: boolean;
}

const canonical = (addr: string): string => (addr.includes(':') ? formatIpv6(parseIpv6(addr)) : addr);

/** Does this LISTEN row accept connections to `address` (canonical text), or to any address when undefined? */
export function listenerServes(row: TcpSocketRow, port: number, address: string | undefined): boolean {
  if (row.localPort !== port) return false;
  if (address === undefined) return true;
  const a = row.localAddress;
  if (a === address || a === '::') return true;
  if (a === '0.0.0.0') return isIPv4(address);
  // An IPv4-mapped listener serves the plain IPv4 address.
  return a === `::ffff:${address}`;
}

export class ListenerProbe implements WatchingProbe {
  readonly kind = 'listener';
  private readonly label: string;
  private readonly address: string | undefined;
  private readonly clock: Clock;
  private readonly paths: readonly string[];

  constructor(
    private readonly spec: ListenerProbeSpec,
    private readonly opts: ListenerProbeOptions = {},
  ) {
    this.address = spec.address !== undefined ? canonical(unbracket(spec.address)) : undefined;
    this.label = `listener ${this.address !== undefined ? hostPort(this.address, spec.port) : `port ${spec.port}`}`;
    this.clock = opts.clock ?? realClock;
    this.paths = opts.paths ?? PROC_NET_TCP;
  }

  private async look(): Promise<{ result: ProbeResult; row?: TcpSocketRow }> {
    const elapsed = stopwatch();
    try {
      const hit = await findListener((r) => listenerServes(r, this.spec.port, this.address), this.paths);
      const detail = hit
        ? `${this.label}: listening on ${hostPort(hit.localAddress, hit.localPort)}`
        : `${this.label}: nothing listening`;
      return { result: { ok: hit !== undefined, detail, durationMs: elapsed() }, ...(hit ? { row: hit } : {}) };
    } catch (err) {
      return { result: { ok: false, detail: `${this.label}: ${errorText(err)}`, durationMs: elapsed() } };
    }
  }

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    if (signal.aborted) return abortedResult(this.label, elapsed());
    const { result } = await this.look();
    return signal.aborted ? abortedResult(this.label, elapsed()) : result;
  }

  watch(onChange: (r: ProbeResult) => void): () => void {
    const pollMs = this.spec.pollMs ?? HEALTH_DEFAULTS.listenerPollMs;
    const confirmMs = this.opts.confirmMs ?? 1000;
    const useHolder = this.opts.watchDescriptor !== false;
    let stopped = false;
    let last: boolean | undefined;
    let timer: TimerHandle | undefined;
    let holder: SocketHolder | undefined;
    /** Inode last searched for, so a socket without a readable holder is not searched for again. */
    let searched: number | undefined;
    let lastFull = -Infinity;

    const tick = async (): Promise<void> => {
      if (holder && this.clock.now() - lastFull < confirmMs && stillHolds(holder)) {
        last = true;
      } else {
        const { result, row } = await this.look();
        if (stopped) return;
        lastFull = this.clock.now();
        if (!row || row.inode === undefined || `socket:[${row.inode}]` !== holder?.link) holder = undefined;
        if (useHolder && row?.inode !== undefined && !holder && searched !== row.inode) {
          searched = row.inode;
          holder = await findSocketHolder(row.inode);
          if (stopped) return;
        }
        if (last !== undefined && result.ok !== last) onChange(result);
        last = result.ok;
      }
      timer = this.clock.setTimer(pollMs, () => void tick());
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) this.clock.clearTimer(timer);
    };
  }
}
