// AddressGate: admits a service's prefix into the desired routes only once
// its local addresses are on the interface; withdraws pass at once and the
// addresses go only afterwards. A link that goes down (or loses carrier)
// withdraws its prefixes at once and holds them back until it is up again.
// It keeps its address state, not the entries: desired-routes.ts asks it
// what it admits. The rules are in gate-plan.ts; this file runs the port
// operations, the retry timers and the logging.

import type { Announcement } from '../../bgp/rib/announcement.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { AddressPort, AddressWatch, InterfaceAddress, LinkDownReason } from '../../net/address-port.js';
import { addressesToRemove, initialGateState, missingPrefixes, stepGate, type AddressNeed, type GateAction, type GateEvent, type GateState } from './gate-plan.js';

export interface AddressGateOptions {
  /** Told, synchronously, when what the gate admits may have changed (before any address is removed): the desired routes publish again. */
  readonly changed: () => void;
  readonly port: AddressPort;
  /** Prefix -> the addresses it needs. Entries for other prefixes pass straight through. */
  readonly needs: ReadonlyMap<string, AddressNeed>;
  readonly clock: Clock;
  readonly log: Logger;
  /** A failed add is tried again after this long while the prefix is wanted; default 5 s. */
  readonly retryMs?: number;
  /** Called for each completed port operation, for metrics and the event log; must not throw. */
  readonly observe?: (e: AddressGateObservation) => void;
}

export interface AddressGateObservation {
  readonly prefix: string;
  readonly op: 'add' | 'remove';
  readonly ok: boolean;
  readonly error?: string;
  /** Clock time (ms) the operation completed. */
  readonly atMs: number;
}

export interface AddressGateStatus {
  readonly prefix: string;
  readonly interface: string;
  readonly addresses: readonly string[];
  /** adding / removing while the port works; present / absent / unknown (after a failure) otherwise. */
  readonly addressState: 'adding' | 'removing' | 'present' | 'absent' | 'unknown';
  readonly wanted: boolean;
  readonly announced: boolean;
  /** Set while the interface's link is down or without carrier: the prefix is held back. */
  readonly link?: LinkDownReason;
  readonly error?: string;
}

export const DEFAULT_ADDRESS_RETRY_MS = 5000;

export class AddressGate {
  private state: GateState;
  private readonly retries = new Map<string, TimerHandle>();
  private readonly logged = new Map<string, string>();
  /** Interfaces whose link is down, and why. */
  private readonly linksDown = new Map<string, LinkDownReason>();
  private inflight = 0;
  private idlers: (() => void)[] = [];

  constructor(private readonly opts: AddressGateOptions) {
    this.state = initialGateState(opts.needs);
  }

  /** The prefixes wanted now are those of `entries`; others pass through untouched. */
  want(entries: readonly Pick<Announcement, 'prefix'>[]): void {
    if (this.state.closed) return;
    const wanted = new Set<string>();
    for (const e of entries) if (this.opts.needs.has(e.prefix)) wanted.add(e.prefix);
    this.dispatch({ kind: 'wanted', prefixes: wanted });
  }

  /** Puts every address that stays regardless of health (removeWhenWithdrawn off) in place; resolves when the port is idle. */
  prepare(): Promise<void> {
    this.dispatch({ kind: 'prepare' });
    return this.idle();
  }

  /**
   * Call after the speaker's final withdraw: nothing is handed on any more,
   * and every address the port added is removed. Resolves when done.
   */
  close(): Promise<void> {
    this.dispatch({ kind: 'close' });
    for (const t of this.retries.values()) this.opts.clock.clearTimer(t);
    this.retries.clear();
    return this.idle();
  }

  /**
   * What a watch of `iface` sees now: an address the gate put in place and
   * no longer sees is added again (the prefix stays announced unless that
   * add fails). With `linkDown` the link cannot carry traffic: its prefixes
   * are withdrawn and held back, and its addresses (which the watch leaves
   * out) are not taken for missing.
   */
  interfaceChanged(iface: string, addresses: readonly InterfaceAddress[], linkDown?: LinkDownReason): void {
    if (this.state.closed) return;
    if (linkDown !== undefined) {
      this.linksDown.set(iface, linkDown);
      this.dispatch({ kind: 'link', interface: iface, up: false });
      return;
    }
    // Repairs first, so a link coming back does not announce a prefix whose address went while it was down.
    const present = new Set(addresses.filter((a) => a.interface === iface).map((a) => a.prefix.replace(/\/\d+$/, '')));
    for (const prefix of missingPrefixes(this.state, this.opts.needs, iface, present)) {
      this.opts.log.warn({ prefix, interface: iface }, `an address of ${prefix} went missing from ${iface}; adding it again`);
      this.dispatch({ kind: 'missing', prefix });
    }
    this.dispatch({ kind: 'link', interface: iface, up: true });
    this.linksDown.delete(iface);
  }

  /**
   * Feeds interfaceChanged from a started watch of `iface`, after every read
   * when the watch offers onScan (an address deleted right after it was added
   * leaves the list unchanged), else on each change. Returns the unsubscribe.
   */
  follow(iface: string, watch: AddressWatch & { onScan?: AddressWatch['onChange'] }): () => void {
    const listener = (list: readonly InterfaceAddress[]): void => this.interfaceChanged(iface, list, watch.linkDown?.(iface));
    return watch.onScan ? watch.onScan(listener) : watch.onChange(listener);
  }

  /** Resolves when no port operation is running. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idlers.push(resolve));
  }

  /** True when `prefix` may be announced: it needs no address, or its addresses are in place. */
  admits(prefix: string): boolean {
    return !this.opts.needs.has(prefix) || this.state.slots.get(prefix)?.announced === true;
  }

  status(): AddressGateStatus[] {
    const out: AddressGateStatus[] = [];
    for (const [prefix, need] of this.opts.needs) {
      const s = this.state.slots.get(prefix);
      if (!s) continue;
      out.push({
        prefix,
        interface: need.interface,
        addresses: need.addresses,
        addressState: s.op === 'add' ? 'adding' : s.op === 'remove' ? 'removing' : s.known,
        wanted: s.wanted,
        announced: s.announced,
        ...(this.linksDown.has(need.interface) ? { link: this.linksDown.get(need.interface)! } : {}),
        ...(s.error !== undefined ? { error: s.error } : {}),
      });
    }
    return out;
  }

  private dispatch(event: GateEvent): void {
    const { state, actions } = stepGate(this.state, this.opts.needs, event);
    this.state = state;
    for (const a of actions) this.act(a);
  }

  private act(a: GateAction): void {
    const { log } = this.opts;
    switch (a.kind) {
      case 'forward':
        if (!this.state.closed) this.opts.changed();
        return;
      case 'add':
      case 'remove':
        this.start(a.kind, a.prefix);
        return;
      case 'retry-later': {
        const old = this.retries.get(a.prefix);
        if (old) this.opts.clock.clearTimer(old);
        this.retries.set(
          a.prefix,
          this.opts.clock.setTimer(this.opts.retryMs ?? DEFAULT_ADDRESS_RETRY_MS, () => {
            this.retries.delete(a.prefix);
            this.dispatch({ kind: 'retry', prefix: a.prefix });
          }),
        );
        return;
      }
      case 'failed': {
        const need = this.opts.needs.get(a.prefix);
        const where = need ? `${need.addresses.join(', ')} on ${need.interface}` : a.prefix;
        const message =
          a.op === 'add'
            ? `cannot put ${where} in place, so ${a.prefix} is not announced: ${a.error}`
            : `cannot remove ${where} after withdrawing ${a.prefix}: ${a.error}`;
        // A retry that fails the same way is not news.
        if (this.logged.get(a.prefix) === message) log.debug({ prefix: a.prefix, op: a.op }, message);
        else log.error({ prefix: a.prefix, op: a.op, error: a.error }, message);
        this.logged.set(a.prefix, message);
        return;
      }
      case 'announce': {
        const need = this.opts.needs.get(a.prefix);
        const why = a.link ? `link ${need?.interface} is up again and ` : '';
        log.info({ prefix: a.prefix, addresses: need?.addresses }, `${why}${need?.addresses.join(', ')} present on ${need?.interface}: announcing ${a.prefix}`);
        return;
      }
      case 'withdraw': {
        const need = this.opts.needs.get(a.prefix);
        if (a.link) {
          const why = this.linksDown.get(need?.interface ?? '') === 'no-carrier' ? 'has no carrier' : 'is down';
          log.warn({ prefix: a.prefix, interface: need?.interface }, `withdrawing ${a.prefix}: link ${need?.interface} ${why} (its addresses stay; announced again once it is up)`);
          return;
        }
        const then = this.state.closed || need?.removeWhenWithdrawn ? `, then removing ${need?.addresses.join(', ')} from ${need?.interface}` : '';
        log.info({ prefix: a.prefix }, `withdrawing ${a.prefix}${then}`);
        return;
      }
    }
  }

  private start(op: 'add' | 'remove', prefix: string): void {
    const need = this.opts.needs.get(prefix);
    if (!need) return;
    this.inflight += 1;
    let p: Promise<void>;
    try {
      p =
        op === 'add'
          ? this.opts.port.add(need.interface, need.addresses, need.label)
          : this.opts.port.remove(need.interface, addressesToRemove(this.state, this.opts.needs, prefix));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    ).then((error) => {
      this.inflight -= 1;
      if (error === undefined) {
        this.logged.delete(prefix);
        if (op === 'remove') this.opts.log.info({ prefix, addresses: need.addresses }, `released ${need.addresses.join(', ')} on ${need.interface} (removed where floatd had added them)`);
      }
      this.opts.observe?.({ prefix, op, ok: error === undefined, ...(error !== undefined ? { error } : {}), atMs: this.opts.clock.now() });
      this.dispatch({ kind: op === 'add' ? 'added' : 'removed', prefix, ...(error !== undefined ? { error } : {}) });
      if (this.inflight === 0) {
        const waiting = this.idlers;
        this.idlers = [];
        for (const r of waiting) r();
      }
    });
  }
}
