// One VRRP virtual router: the thin shell around the pure state machine
// (instance-state.ts). It runs the actions: adverts and the master-down timer
// through the native thread (native-io.ts), addresses through iproute2 (the
// same port floatd uses for its other addresses), GARP/NA through the thread.
// Received adverts and timer expiries come back as events.

import type { AddressPort } from '../net/address-port.js';
import type { Logger } from '../util/log.js';
import { realClock, type Clock } from '../util/clock.js';
import { initialVrrpState, step, effectivePriority, type Tracking, type Transition, type VrrpAction, type VrrpEvent, type VrrpState, type VrrpStateName } from './instance-state.js';
import { loadVrrpAddon, type NativeEvent, type NativeHandle, type VrrpAddon } from './native-io.js';
import { decodeAdvert, encodeAdvert, groupOf, msToCs, type ChecksumMode, type Family } from './packet.js';
import { virtualMac, vmacInterfaceName, type VirtualMacPort } from './vmac.js';

export interface VrrpInstanceConfig {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  /** 1..254; 255 only for the owner of the addresses. */
  readonly priority: number;
  readonly advertIntervalMs: number;
  /** Addresses of one family, with or without a length (10.0.0.10 or 10.0.0.10/24). */
  readonly addresses: readonly string[];
  /** Send to these instead of the multicast group. */
  readonly unicastPeers?: readonly string[];
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  /** Must be true: floatd serves at the address, so the Active router accepts traffic to it. */
  readonly accept: boolean;
  /** Checksum without the pseudo-header, for peers that compute it the VRRP v2 way. */
  readonly checksumAsV2?: boolean;
  /** This router's address for the tie-break and as the source; default the interface's first (IPv4) or its link-local (IPv6). */
  readonly sourceAddress?: string;
  readonly announceCount?: number;
  readonly announceIntervalMs?: number;
  /** Hold the addresses on a macvlan with the virtual MAC (RFC 9568 7.3), named vrrp.VRID; IPv4 only. */
  readonly virtualMac?: boolean;
}

export interface VrrpStatus {
  readonly name: string;
  readonly state: VrrpStateName;
  readonly priority: number;
  readonly active?: { readonly address: string; readonly priority: number };
  readonly last?: Transition;
  /** Received packets dropped, by reason code. */
  readonly dropped: Readonly<Record<string, number>>;
}

export class VrrpConfigError extends Error {
  readonly code = 'ERR_VRRP_CONFIG';
  override readonly name = 'VrrpConfigError';
}

/** An address on the interface as the port reads it: enough to pick the advert's source. */
export interface ScannedAddress {
  readonly family: 'ipv4' | 'ipv6';
  /** Canonical text, without length. */
  readonly address: string;
  readonly scope: string;
}

/**
 * Address changes, plus a look at the interface to find the source address.
 * The daemon hands in its iproute2 port; VRRP itself holds no I/O of its own
 * beyond the addon.
 */
export interface VrrpAddressPort extends AddressPort {
  scan(iface: string): Promise<readonly ScannedAddress[]>;
}

export interface VrrpInstanceDeps {
  readonly clock?: Clock;
  readonly addresses: VrrpAddressPort;
  readonly addon?: VrrpAddon;
  /** Needed with virtualMac. */
  readonly vmac?: VirtualMacPort;
  readonly log?: Logger;
  /** Told of each transition, after its actions were started. */
  readonly onTransition?: (t: Transition) => void;
}

const bare = (a: string): string => a.split('/')[0]!;

export class VrrpInstance {
  private state: VrrpState;
  private handle: NativeHandle | undefined;
  private readonly family: Family;
  private readonly clock: Clock;
  private readonly ports: VrrpAddressPort;
  private readonly addon: VrrpAddon;
  private source = '';
  private gen = 0;
  private readonly dropped: Record<string, number> = {};
  /** Address changes run one after another, in the order the machine asked for them. */
  private addrQueue: Promise<void> = Promise.resolve();

  constructor(
    readonly config: VrrpInstanceConfig,
    private readonly deps: VrrpInstanceDeps,
  ) {
    const problems: string[] = [];
    if (!Number.isInteger(config.vrid) || config.vrid < 1 || config.vrid > 255) problems.push(`vrid ${config.vrid} is out of range (expected 1..255)`);
    if (!Number.isInteger(config.priority) || config.priority < 1 || config.priority > 255) problems.push(`priority ${config.priority} is out of range (expected 1..254, or 255 for the address owner)`);
    if (!(config.advertIntervalMs >= 10 && config.advertIntervalMs <= 40_950)) problems.push(`advert interval ${config.advertIntervalMs} ms is out of range (expected 10 ms .. 40.95 s)`);
    if (!config.accept) problems.push('accept must be on: floatd serves at the address, so the Active router has to accept traffic to it');
    const fams = new Set(config.addresses.map((a) => (a.includes(':') ? 'ipv6' : 'ipv4')));
    if (config.addresses.length === 0 || fams.size !== 1) problems.push('addresses must be one or more of a single family (a VRRP instance is IPv4 or IPv6, RFC 9568 1)');
    if (config.virtualMac === true && fams.has('ipv6')) problems.push('virtual-mac is supported for IPv4 instances only');
    if (config.virtualMac === true && !deps.vmac) problems.push('virtual-mac needs a virtual MAC port');
    if (problems.length > 0) throw new VrrpConfigError(`vrrp ${config.name}: ${problems.join('; ')}`);
    this.family = fams.has('ipv6') ? 'ipv6' : 'ipv4';
    this.clock = deps.clock ?? realClock;
    this.ports = deps.addresses;
    this.addon = deps.addon ?? loadVrrpAddon();
    this.state = initialVrrpState(this.params(''));
  }

  /** Opens the socket and starts listening (Backup), or takes over at once when the owner. */
  async start(): Promise<void> {
    this.source = this.config.sourceAddress ?? (await this.findSource());
    this.state = initialVrrpState(this.params(this.source));
    const vmac = this.vmacName();
    if (vmac !== undefined) await this.deps.vmac!.create(this.config.interface, vmac, virtualMac(this.config.vrid, this.family));
    try {
      this.handle = this.addon.open(
        {
          family: this.family === 'ipv4' ? 4 : 6,
          ifname: this.config.interface,
          source: this.source,
          group: (this.config.unicastPeers ?? []).length === 0,
          peers: this.config.unicastPeers ?? [],
          vrid: this.config.vrid,
          ...(vmac !== undefined ? { vmac } : {}),
        },
        (e) => this.onNative(e),
      );
    } catch (e) {
      if (vmac !== undefined) await this.deps.vmac!.remove(vmac).catch(() => undefined);
      throw e;
    }
    this.apply({ kind: 'startup' });
  }

  /** What the tracked services say: serving (or not), or the sum of the weights of those failing. */
  setTracked(t: boolean | number): void {
    const tracking: Tracking = typeof t === 'boolean' ? { kind: 'serving', serving: t } : { kind: 'weight', weight: t };
    this.apply({ kind: 'track', tracking });
  }

  /** Gives up the role: the addresses go, then a priority 0 advert (a Backup takes over after its skew time). */
  async release(reason = 'released'): Promise<void> {
    this.apply({ kind: 'shutdown', reason });
    await this.addrQueue;
    if (this.handle) this.addon.close(this.handle);
    this.handle = undefined;
    const vmac = this.vmacName();
    if (vmac !== undefined) await this.deps.vmac!.remove(vmac);
  }

  /** The macvlan holding the virtual MAC and the addresses, when there is one. */
  private vmacName(): string | undefined {
    return this.config.virtualMac === true ? vmacInterfaceName(this.config.vrid) : undefined;
  }

  status(): VrrpStatus {
    const s = this.state;
    return {
      name: this.config.name,
      state: s.name,
      priority: effectivePriority(s),
      ...(s.activeAddress !== undefined && s.activePriority !== undefined ? { active: { address: s.activeAddress, priority: s.activePriority } } : {}),
      ...(s.last ? { last: s.last } : {}),
      dropped: { ...this.dropped },
    };
  }

  /** Resolves once the address changes asked for so far are done. */
  settled(): Promise<void> {
    return this.addrQueue;
  }

  private params(primary: string): VrrpState['params'] {
    const c = this.config;
    return {
      vrid: c.vrid,
      priority: c.priority,
      advertIntervalMs: msToCs(c.advertIntervalMs) * 10,
      preempt: c.preempt,
      preemptDelayMs: c.preemptDelayMs,
      primaryAddress: primary,
      addresses: c.addresses.map(bare),
      announceCount: c.announceCount ?? 3,
      announceIntervalMs: c.announceIntervalMs ?? 250,
    };
  }

  private async findSource(): Promise<string> {
    const found = (await this.ports.scan(this.config.interface)).filter((a) => a.family === this.family && !this.state.params.addresses.includes(a.address));
    // RFC 9568 5.1.2.1: IPv6 adverts come from the link-local address.
    const pick = this.family === 'ipv6' ? found.find((a) => a.scope === 'link') : found.find((a) => a.scope === 'global');
    if (!pick) throw new VrrpConfigError(`vrrp ${this.config.name}: ${this.config.interface} has no ${this.family === 'ipv6' ? 'IPv6 link-local' : 'IPv4'} address to send adverts from`);
    return pick.address;
  }

  private onNative(e: NativeEvent): void {
    if (e.kind === 'timer') {
      if (e.gen === this.gen) this.apply({ kind: 'master-down-timer' });
      return;
    }
    if (e.kind === 'error') {
      this.deps.log?.warn({ vrrp: this.config.name }, e.message);
      return;
    }
    const peers = this.config.unicastPeers ?? [];
    if (peers.length > 0 && !peers.includes(e.source)) return this.drop('ERR_VRRP_PEER');
    const d = decodeAdvert(e.data, { family: this.family, source: e.source, destination: e.destination }, this.config.checksumAsV2 === true ? 'v2' : 'rfc');
    if (!d.ok) return this.drop(d.code);
    if (e.destination === groupOf(this.family) && e.ttl !== 255) return this.drop('ERR_VRRP_TTL');
    this.apply({ kind: 'advert', from: e.source, advert: d.advert });
  }

  private drop(code: string): void {
    this.dropped[code] = (this.dropped[code] ?? 0) + 1;
  }

  private apply(ev: VrrpEvent): void {
    const r = step(this.state, ev, this.clock.now());
    this.state = r.state;
    for (const a of r.actions) this.perform(a);
  }

  private packets(priority: number): Buffer[] {
    const mode: ChecksumMode = this.config.checksumAsV2 === true ? 'v2' : 'rfc';
    const peers = this.config.unicastPeers ?? [];
    const dests = peers.length > 0 ? peers : [groupOf(this.family)];
    const advert = { vrid: this.config.vrid, priority, intervalCs: msToCs(this.config.advertIntervalMs), addresses: this.state.params.addresses };
    return dests.map((d) => encodeAdvert(advert, { family: this.family, source: this.source, destination: d }, mode));
  }

  private perform(a: VrrpAction): void {
    const h = this.handle;
    switch (a.kind) {
      case 'start-adverts':
        if (h) this.addon.adverts(h, a.intervalMs, this.packets(a.priority));
        return;
      case 'stop-adverts':
        if (h) this.addon.adverts(h, 0, []);
        return;
      case 'send-advert': {
        const packets = this.packets(a.priority);
        if (a.afterRemoval !== true) {
          if (h) this.addon.send(h, packets);
          return;
        }
        this.addrQueue = this.addrQueue.then(() => {
          if (h && this.handle === h) this.addon.send(h, packets);
        });
        return;
      }
      case 'set-master-down':
        this.gen += 1;
        if (h) this.addon.timer(h, this.gen, a.ms, a.localPriority, a.minPriority);
        return;
      case 'cancel-master-down':
        this.gen += 1;
        if (h) this.addon.timer(h, this.gen, -1, 0, 0);
        return;
      case 'announce': {
        const addrs = this.state.params.addresses;
        if (this.vmacName() === undefined) {
          if (h) this.addon.announce(h, addrs, a.count, a.intervalMs);
          return;
        }
        // From the macvlan, once the addresses are on it: its ARP answers must agree with the announcement.
        this.addrQueue = this.addrQueue.then(() => {
          if (h && this.handle === h) this.addon.announce(h, addrs, a.count, a.intervalMs);
        });
        return;
      }
      case 'add-addresses':
        this.queueAddresses('add');
        return;
      case 'remove-addresses':
        this.queueAddresses('remove');
        return;
      case 'transition':
        this.deps.log?.info({ vrrp: this.config.name, from: a.transition.from, to: a.transition.to }, `vrrp ${this.config.name}: ${a.transition.from} -> ${a.transition.to} (${a.transition.reason})`);
        this.deps.onTransition?.(a.transition);
        return;
    }
  }

  private queueAddresses(op: 'add' | 'remove'): void {
    const iface = this.vmacName() ?? this.config.interface;
    const addrs = this.config.addresses;
    this.addrQueue = this.addrQueue.then(async () => {
      try {
        if (op === 'add') await this.ports.add(iface, addrs);
        else await this.ports.remove(iface, addrs);
      } catch (err) {
        this.deps.log?.error({ vrrp: this.config.name }, `vrrp ${this.config.name}: ${(err as Error).message}`);
      }
    });
  }
}
