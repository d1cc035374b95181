// AddressWatch for one interface. A monitor process reports that something
// changed; the watch then re-reads the interface (debounced, so a burst of
// events costs one read) and tells listeners when the list differs. It also
// re-reads periodically, shortly after each monitor start (events between the
// spawn and the monitor's subscription would otherwise be missed), and when
// the monitor dies, which it restarts with growing back-off.
//
// Addresses still in IPv6 duplicate address detection, or refused by it, are
// left out: nothing can use them yet. So are the addresses of a link that is
// administratively down or has no carrier (linkStateOf in parse-addr-show.ts),
// as BIRD's `protocol direct` with `check link` leaves them out: the kernel
// keeps them, but no traffic reaches them. The monitor follows link events
// too, so `ip link set IFACE down` is seen as fast as an address change.

import type { AddressWatch, InterfaceAddress, LinkDownReason } from '../../net/address-port.js';
import { realClock, type Clock, type TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { AddressError, type AddressErrorReason } from './errors.js';
import { monitorLineInterface, type MonitorHandle, type StartMonitor } from './ip-monitor.js';
import { usableAddresses, type InterfaceScan, type KernelAddress, type LinkState } from './parse-addr-show.js';
import { ALL_INTERFACES } from '../../net/address-names.js';

export interface InterfaceWatchOptions {
  readonly iface: string;
  /** Reads the interface (its link and addresses); an AddressError with reason no-such-interface means "no addresses". */
  readonly scan: () => Promise<InterfaceScan>;
  readonly startMonitor: StartMonitor;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Events within this long cost one read; default 50 ms. */
  readonly debounceMs?: number;
  /** Periodic re-read; default 30 s. */
  readonly rescanMs?: number;
  /** A read this long after each monitor start; default 300 ms. */
  readonly settleMs?: number;
  /** Monitor restart delay: first, doubling up to max; back to first after the monitor ran `steadyMs`. */
  readonly restartFirstMs?: number;
  readonly restartMaxMs?: number;
  readonly steadyMs?: number;
}

type Timings = Required<Pick<InterfaceWatchOptions, 'debounceMs' | 'rescanMs' | 'settleMs' | 'restartFirstMs' | 'restartMaxMs' | 'steadyMs'>>;

export const WATCH_DEFAULTS: Readonly<Timings> = {
  debounceMs: 50,
  rescanMs: 30_000,
  settleMs: 300,
  restartFirstMs: 200,
  restartMaxMs: 10_000,
  steadyMs: 30_000,
};

const sameList = (a: readonly InterfaceAddress[], b: readonly InterfaceAddress[]): boolean =>
  a.length === b.length && a.every((x, i) => x.prefix === b[i]!.prefix && x.label === b[i]!.label);

export class InterfaceWatch implements AddressWatch {
  readonly iface: string;
  private readonly clock: Clock;
  private readonly s: Timings;
  private readonly listeners = new Set<(addresses: readonly InterfaceAddress[]) => void>();
  private readonly scanListeners = new Set<(addresses: readonly InterfaceAddress[]) => void>();
  private list: readonly KernelAddress[] = [];
  /** Link states of the last read, for the watched interface(s). */
  private links: ReadonlyMap<string, LinkState> = new Map();
  private error: string | undefined;
  private errorReason: AddressErrorReason | undefined;
  private started: Promise<void> | undefined;
  private stopped = false;
  private scanning = false;
  private again = false;
  private debounce: TimerHandle | undefined;
  private periodic: TimerHandle | undefined;
  private settle: TimerHandle | undefined;
  private restart: TimerHandle | undefined;
  private monitor: MonitorHandle | undefined;
  private monitorToken: object | undefined;
  private monitorSince = 0;
  private restartDelay: number;
  /** Monitor (re)starts, for status and tests. */
  monitorStarts = 0;

  constructor(private readonly opts: InterfaceWatchOptions) {
    this.iface = opts.iface;
    this.clock = opts.clock ?? realClock;
    this.s = {
      debounceMs: opts.debounceMs ?? WATCH_DEFAULTS.debounceMs,
      rescanMs: opts.rescanMs ?? WATCH_DEFAULTS.rescanMs,
      settleMs: opts.settleMs ?? WATCH_DEFAULTS.settleMs,
      restartFirstMs: opts.restartFirstMs ?? WATCH_DEFAULTS.restartFirstMs,
      restartMaxMs: opts.restartMaxMs ?? WATCH_DEFAULTS.restartMaxMs,
      steadyMs: opts.steadyMs ?? WATCH_DEFAULTS.steadyMs,
    };
    this.restartDelay = this.s.restartFirstMs;
  }

  current(): readonly InterfaceAddress[] {
    return this.list;
  }

  /** The last read's error, until a read succeeds (a missing interface included). */
  lastError(): string | undefined {
    return this.error;
  }

  linkDown(iface: string): LinkDownReason | undefined {
    const s = this.links.get(iface);
    return s === undefined || s === 'up' ? undefined : s;
  }

  /** The running monitor's PID, if one runs. */
  monitorPid(): number | undefined {
    return this.monitor?.pid;
  }

  onChange(listener: (addresses: readonly InterfaceAddress[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Called after every read that succeeded, changed or not: for checks that
   * must not miss an address that came and went between two reports.
   */
  onScan(listener: (addresses: readonly InterfaceAddress[]) => void): () => void {
    this.scanListeners.add(listener);
    return () => {
      this.scanListeners.delete(listener);
    };
  }

  /** Starts the monitor, then reads; resolves after that first read, rejects only when ip cannot run at all. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.startMonitor();
      await this.scanNow();
      if (this.error !== undefined && this.errorReason === 'not-run') throw new AddressError(this.error, 'not-run');
    })();
    return this.started;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of [this.debounce, this.periodic, this.settle, this.restart]) if (t) this.clock.clearTimer(t);
    this.debounce = this.periodic = this.settle = this.restart = undefined;
    this.monitorToken = undefined;
    this.monitor?.stop();
    this.monitor = undefined;
  }

  /** Asks for a read soon; bursts coalesce into one. */
  poke(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = this.clock.setTimer(this.s.debounceMs, () => {
      this.debounce = undefined;
      void this.scanNow();
    });
  }

  private startMonitor(): void {
    if (this.stopped) return;
    const token = {};
    this.monitorToken = token;
    this.monitorSince = this.clock.now();
    this.monitorStarts += 1;
    this.monitor = this.opts.startMonitor(
      (line) => {
        if (this.monitorToken !== token) return;
        const name = monitorLineInterface(line);
        if (name === undefined || name === this.iface || this.iface === ALL_INTERFACES) this.poke();
      },
      (why) => {
        if (this.monitorToken !== token) return;
        this.onMonitorExit(why);
      },
    );
    if (this.settle) this.clock.clearTimer(this.settle);
    this.settle = this.clock.setTimer(this.s.settleMs, () => {
      this.settle = undefined;
      this.poke();
    });
  }

  private onMonitorExit(why: string): void {
    this.monitor = undefined;
    this.monitorToken = undefined;
    if (this.clock.now() - this.monitorSince >= this.s.steadyMs) this.restartDelay = this.s.restartFirstMs;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, this.s.restartMaxMs);
    this.opts.log?.warn({ interface: this.iface, restartInMs: delay }, `${why}; reading ${this.iface} now and restarting the monitor in ${delay} ms`);
    this.poke();
    this.restart = this.clock.setTimer(delay, () => {
      this.restart = undefined;
      this.startMonitor();
    });
  }

  private schedulePeriodic(): void {
    if (this.stopped) return;
    if (this.periodic) this.clock.clearTimer(this.periodic);
    this.periodic = this.clock.setTimer(this.s.rescanMs, () => {
      this.periodic = undefined;
      void this.scanNow();
    });
  }

  /** One read at a time; a request during a read makes one more read after it. */
  private async scanNow(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.again = false;
        let next: readonly KernelAddress[] | undefined;
        let links = new Map<string, LinkState>();
        try {
          const scan = await this.opts.scan();
          const mine = (name: string): boolean => this.iface === ALL_INTERFACES || name === this.iface;
          next = usableAddresses(scan).filter((a) => mine(a.interface));
          links = new Map(scan.links.filter((l) => mine(l.name)).map((l) => [l.name, l.state]));
          this.setError(undefined, undefined);
        } catch (err) {
          const reason = err instanceof AddressError ? err.reason : 'failed';
          this.setError((err as Error).message, reason);
          if (reason === 'no-such-interface') next = [];
        }
        if (this.stopped) return;
        if (next !== undefined) {
          this.setLinks(links);
          this.apply(next);
        }
      } while (this.again && !this.stopped);
    } finally {
      this.scanning = false;
      this.schedulePeriodic();
    }
  }

  private setError(message: string | undefined, reason: AddressErrorReason | undefined): void {
    if (message !== this.error) {
      if (message !== undefined) this.opts.log?.warn({ interface: this.iface }, `cannot read the addresses of ${this.iface}: ${message}`);
      else if (this.error !== undefined) this.opts.log?.info({ interface: this.iface }, `reading the addresses of ${this.iface} works again`);
    }
    this.error = message;
    this.errorReason = reason;
  }

  /** Logs each link that changed state (a link first seen down counts), then keeps the new states. */
  private setLinks(next: ReadonlyMap<string, LinkState>): void {
    for (const [name, state] of next) {
      const before = this.links.get(name);
      if (state === (before ?? 'up')) continue;
      if (state === 'up') this.opts.log?.info({ interface: name, link: state }, `link ${name} is up again: its addresses count again`);
      else {
        const why = state === 'down' ? 'is administratively down' : 'has no carrier';
        this.opts.log?.warn({ interface: name, link: state }, `link ${name} ${why}: its addresses are left out until it is up with carrier`);
      }
    }
    this.links = next;
  }

  private apply(next: readonly KernelAddress[]): void {
    const sorted = [...next].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
    const changed = !sameList(sorted, this.list);
    if (changed) this.list = sorted;
    for (const l of [...(changed ? this.listeners : []), ...this.scanListeners]) {
      try {
        l(this.list);
      } catch (err) {
        this.opts.log?.error({ interface: this.iface, err }, `an address listener of ${this.iface} failed: ${(err as Error).message}`);
      }
    }
  }
}
