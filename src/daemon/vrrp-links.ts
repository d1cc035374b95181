// The daemon's VRRP instances (src/vrrp/), one per `vrrp` entry, driven by
// the health of the services they track. ServiceRoutes' observer calls
// (each transition, each probe result) re-read the tracked services' state
// and hand the instance what it says, so a service going DOWN reaches VRRP in
// the same turn of the event loop as it reaches BGP, with no polling of its
// own. Maintenance, a drain and the stop all make the instance give up its
// addresses cleanly (RFC 9568 6.4.3: addresses gone, then a priority 0 advert).

import type { ServiceRoutesObserver } from '../route-policy/observer.js';
import type { VrrpConfig } from '../config/vrrp-schema.js';
import type { Logger } from '../util/log.js';
import { IprouteAddressPort } from './addresses/iproute-port.js';
import type { Transition, VrrpStateName } from '../vrrp/instance-state.js';
import type { VrrpAddon } from '../vrrp/native-io.js';
import { VrrpInstance, type VrrpAddressPort, type VrrpInstanceConfig, type VrrpStatus } from '../vrrp/vrrp-instance.js';
import { vmacInterfaceName, virtualMac, type VirtualMacPort } from '../vrrp/vmac.js';
import { IprouteVmacPort } from './vmac-iproute.js';

/** What a tracked service's status says, as far as VRRP cares. */
export interface TrackedService {
  readonly name: string;
  readonly state: string;
  readonly serving: boolean;
  /** Clock time (ms) of the drain's end while draining; null otherwise. */
  readonly draining: number | null;
}

/** What setTracked gets, and why, for the log and `floatd vrrp`. */
export interface TrackingVerdict {
  readonly tracked: boolean | number;
  readonly reason: string;
}

/**
 * The tracked services' state as one input to the instance. A service held
 * out by the operator (maintenance, drain) or stopping always gives up,
 * weight or not: that is a deliberate move away, not a health figure.
 * Otherwise, without a weight, any service not serving gives up; with one,
 * each lowers the priority by the weight (keepalived's `weight`).
 */
export function trackingOf(v: Pick<VrrpConfig, 'track' | 'weight'>, services: ReadonlyMap<string, TrackedService>): TrackingVerdict {
  const tracked = v.track.map((n) => services.get(n) ?? { name: n, state: 'INIT', serving: false, draining: null });
  const held = tracked.find((s) => s.state === 'DISABLED' || s.state === 'STOPPING' || s.draining !== null);
  if (held) return { tracked: false, reason: `${held.name} ${held.draining !== null ? 'draining' : held.state === 'DISABLED' ? 'in maintenance' : 'stopping'}` };
  const down = tracked.filter((s) => !s.serving);
  if (v.weight === undefined) return down.length === 0 ? { tracked: true, reason: tracked.length === 0 ? 'nothing tracked' : 'tracked services serving' } : { tracked: false, reason: `${down.map((s) => s.name).join(', ')} not serving` };
  return { tracked: v.weight * down.length, reason: down.length === 0 ? 'tracked services serving' : `${down.map((s) => s.name).join(', ')} not serving: priority ${v.weight * down.length}` };
}

/** One instance in `floatd vrrp` and `floatd status`. */
export interface VrrpLinkStatus extends VrrpStatus {
  readonly interface: string;
  readonly vrid: number;
  readonly configuredPriority: number;
  readonly addresses: readonly string[];
  readonly track: readonly string[];
  /** With `virtual-mac`: the macvlan interface and its MAC (RFC 9568 7.3). */
  readonly virtualMac?: { readonly interface: string; readonly mac: string };
  /** What the tracked services say now, and why. */
  readonly tracking: { readonly tracked: boolean | number; readonly reason: string };
  readonly transitions: number;
}

/** The instance surface the links use: VrrpInstance, or a test's stand-in. */
export interface VrrpLike {
  start(): Promise<void>;
  setTracked(t: boolean | number): void;
  release(reason?: string): Promise<void>;
  status(): VrrpStatus;
}

export interface VrrpLinksOptions {
  readonly vrrp: readonly VrrpConfig[];
  /** The tracked services' status now (ServiceRoutes'). */
  readonly services: () => readonly TrackedService[];
  readonly log: Logger;
  readonly clock?: VrrpInstanceDeps['clock'];
  /** Default: the floatd_vrrp addon (loading it fails clearly when it was not built). */
  readonly addon?: VrrpAddon;
  /** Default: iproute2. */
  readonly addresses?: VrrpAddressPort;
  /** For `virtual-mac` entries; default: iproute2. */
  readonly vmac?: VirtualMacPort;
  /** Each transition, after the instance made it (the daemon's event log). */
  readonly onTransition?: (instance: string, t: Transition) => void;
}

type VrrpInstanceDeps = ConstructorParameters<typeof VrrpInstance>[1] & object;

/** The instance config from a `vrrp` entry. */
export function instanceConfigOf(v: VrrpConfig): VrrpInstanceConfig {
  return {
    name: v.name,
    interface: v.interface,
    vrid: v.vrid,
    priority: v.priority,
    advertIntervalMs: v.advertIntervalMs,
    addresses: v.addresses,
    ...(v.unicastPeers.length > 0 ? { unicastPeers: v.unicastPeers } : {}),
    preempt: v.preempt,
    preemptDelayMs: v.preemptDelayMs,
    accept: true,
    checksumAsV2: v.checksumAsV2,
    ...(v.virtualMac ? { virtualMac: true } : {}),
  };
}

interface Link {
  readonly config: VrrpConfig;
  readonly instance: VrrpLike;
  verdict: TrackingVerdict;
  transitions: number;
}

export class VrrpLinks implements ServiceRoutesObserver {
  private readonly links: Link[] = [];
  private started = false;
  private stopping: Promise<void> | undefined;

  /** Builds every instance; throws (ERR_VRRP_IO, ERR_VRRP_CONFIG) when one cannot be made, e.g. the addon is missing. */
  constructor(
    private readonly opts: VrrpLinksOptions,
    create: (config: VrrpInstanceConfig, deps: VrrpInstanceDeps) => VrrpLike = (c, d) => new VrrpInstance(c, d),
  ) {
    for (const config of opts.vrrp) {
      const link: Link = { config, instance: undefined as unknown as VrrpLike, verdict: { tracked: true, reason: 'not started' }, transitions: 0 };
      const deps: VrrpInstanceDeps = {
        log: opts.log,
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(opts.addon ? { addon: opts.addon } : {}),
        addresses: opts.addresses ?? new IprouteAddressPort(),
        ...(config.virtualMac ? { vmac: opts.vmac ?? new IprouteVmacPort() } : {}),
        onTransition: (t) => {
          link.transitions += 1;
          opts.onTransition?.(config.name, t);
        },
      };
      (link as { instance: VrrpLike }).instance = create(instanceConfigOf(config), deps);
      this.links.push(link);
    }
  }

  /**
   * Opens every instance, each told first what its services say (nothing
   * serves before the first checks pass), so none takes over before its
   * services are healthy. A failure closes those already open and throws.
   */
  async start(): Promise<void> {
    try {
      for (const link of this.links) {
        this.apply(link, this.servicesByName(), true);
        await link.instance.start();
      }
    } catch (e) {
      await this.stop('start failed');
      throw e;
    }
    this.started = true;
  }

  /** Re-reads the tracked services and tells each instance what changed. Cheap: called on every transition and probe. */
  refresh(): void {
    if (!this.started || this.stopping) return;
    const byName = this.servicesByName();
    for (const link of this.links) this.apply(link, byName, false);
  }

  transition(): void {
    this.refresh();
  }

  probe(): void {
    // A drain changes no state until it ends: a probe result is the next moment it is seen (commands refresh at once).
    this.refresh();
  }

  /** Gives up every instance (addresses removed, priority 0 advert sent) and closes it. Idempotent. */
  stop(reason = 'floatd stopping'): Promise<void> {
    this.stopping ??= Promise.all(
      this.links.map((l) =>
        l.instance.release(reason).catch((e: unknown) => this.opts.log.error({ vrrp: l.config.name }, `vrrp ${l.config.name}: release failed: ${(e as Error).message}`)),
      ),
    ).then(() => undefined);
    return this.stopping;
  }

  status(): VrrpLinkStatus[] {
    return this.links.map((l) => ({
      ...l.instance.status(),
      interface: l.config.interface,
      vrid: l.config.vrid,
      configuredPriority: l.config.priority,
      addresses: l.config.addresses,
      track: l.config.track,
      ...(l.config.virtualMac ? { virtualMac: { interface: vmacInterfaceName(l.config.vrid), mac: virtualMac(l.config.vrid, l.config.family) } } : {}),
      tracking: { tracked: l.verdict.tracked, reason: l.verdict.reason },
      transitions: l.transitions,
    }));
  }

  /** Metrics: per instance, the state, the priority advertised and the transitions so far. */
  snapshot(): { name: string; state: VrrpStateName; priority: number; transitions: number }[] {
    return this.links.map((l) => {
      const s = l.instance.status();
      return { name: s.name, state: s.state, priority: s.priority, transitions: l.transitions };
    });
  }

  private servicesByName(): Map<string, TrackedService> {
    return new Map(this.opts.services().map((s) => [s.name, s]));
  }

  private apply(link: Link, byName: ReadonlyMap<string, TrackedService>, force: boolean): void {
    const verdict = trackingOf(link.config, byName);
    if (!force && verdict.tracked === link.verdict.tracked) {
      link.verdict = verdict;
      return;
    }
    if (!force) this.opts.log.info({ vrrp: link.config.name, tracked: verdict.tracked }, `vrrp ${link.config.name}: ${verdict.reason}`);
    link.verdict = verdict;
    link.instance.setTracked(verdict.tracked);
  }
}

/** What the daemon hands over: ServiceRoutes the services live in. */
export interface VrrpHost {
  status(): readonly TrackedService[];
  observe(o: ServiceRoutesObserver): () => void;
  /** A line in the event log. */
  noteTransition(source: string, from: string, to: string, reason: string, atMs: number): void;
}

/** The daemon's VRRP links for a config, observing ServiceRoutes; undefined without `vrrp`. Throws when VRRP cannot run (no addon). */
export function vrrpLinksFor(
  vrrp: readonly VrrpConfig[] | undefined,
  host: VrrpHost,
  opts: Pick<VrrpLinksOptions, 'log' | 'clock' | 'addon' | 'addresses' | 'vmac'>,
): VrrpLinks | undefined {
  if (vrrp === undefined || vrrp.length === 0) return undefined;
  const links = new VrrpLinks({
    ...opts,
    vrrp,
    services: () => host.status(),
    onTransition: (name, t) => host.noteTransition(`vrrp ${name}`, t.from, t.to, t.reason, t.at),
  });
  host.observe(links);
  return links;
}
