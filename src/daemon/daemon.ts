// The running daemon: the speaker, the services' ServiceRoutes, floating
// addresses and watch mode, metrics and the control socket, put together in
// the order that keeps the wire honest. Start: addresses are in place before
// anything is announced. Stop: drain (where configured), withdraw, Cease,
// then remove the addresses floatd added. Reload: the new config is checked
// and diffed; only what changed changes, or nothing does.

import { existsSync } from 'node:fs';
import { staticAnnouncements } from '../config/announcements.js';
import type { ServiceConfig } from '../config/config-schema.js';
import { loadConfig, type Config } from '../config/index.js';
import { startControlServer } from '../control/server.js';
import { createProbe } from '../health/index.js';
import type { Probe } from '../health/index.js';
import { AddressPresentProbe } from '../health/index.js';
import { CompositeProbe } from '../health/index.js';
import { DaemonMetrics, ProcessSampler, startMetricsServer, type StatusPage } from '../metrics/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { parseLocalAddress } from '../net/address-names.js';
import type { AddressSystem, AddressWatch, LeftoverRelease } from '../net/address-port.js';
import {
  addressNeeds,
  addressPresentSpec,
  AddressGate,
  FileAddressLedger,
  IprouteAddressSystem,
  leftoverScope,
  ledgerPathFor,
  watchAttributesOf,
  watchFilterOf,
  WatchEntries,
} from './addresses/index.js';
import { ServiceRoutes, type AnnouncementSink, type ServiceRoutesServiceStatus } from './service-routes.js';
import { BfdManager } from '../bfd/index.js';
import { BfdLinks } from './bfd-links.js';
import { diffConfig } from './config-diff.js';
import { keepSessionsOfUnusedFamilies } from './unused-families.js';
import { sameValue } from './config-values.js';
import { createDnsLinks, dnsReloadProblem, type DnsLinks } from './dns-links.js';
import type { DaemonControl, ReloadResult } from '../control/daemon-control.js';
import { DesiredRoutes } from './desired-routes.js';
import { listenerTtlProblem, Speaker } from './speaker.js';
import { vrrpLinksFor, type VrrpLinks, type VrrpLinksOptions } from './vrrp-links.js';

export interface DaemonOptions {
  /** The file reloads read; absent for a config built from the command line. */
  readonly configPath?: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly version: string;
  /** Default: iproute2 on this host (only made when a service has `address` or the config has `watch`). */
  readonly addressSystem?: AddressSystem;
  /** VRRP's raw sockets and address changes; default the floatd_vrrp addon and iproute2. */
  readonly vrrpIo?: Pick<VrrpLinksOptions, 'addon' | 'addresses'>;
}

interface Closable {
  close(): unknown;
}

export class Daemon {
  private readonly speaker: Speaker;
  private readonly serviceRoutes: ServiceRoutes;
  private readonly vrrp: VrrpLinks | undefined;
  private readonly bfd: BfdLinks;
  private readonly watches = new Map<string, AddressWatch>();
  private gate: AddressGate | undefined;
  private watchEntries: WatchEntries | undefined;
  private readonly closables: Closable[] = [];
  private reloading: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private readonly dns: DnsLinks | undefined;

  private constructor(
    private cfg: Config,
    private readonly opts: DaemonOptions,
    private readonly addresses: AddressSystem | undefined,
  ) {
    const { clock, log } = opts;
    this.speaker = new Speaker(cfg, clock, log);
    // The static entries are desired from the first session on; ServiceRoutes hands the full list once it starts.
    this.speaker.setAnnouncements(staticAnnouncements(cfg));
    this.bfd = new BfdLinks({ manager: new BfdManager(), bgp: this.speaker, log, onTransition: (n, t) => this.serviceRoutes.noteBfd(n, t.from, t.to, t.diag, t.reason) });
    const services = cfg.services ?? [];
    // The one owner of the desired set: ServiceRoutes' part (gated by the addresses), then watch mode's.
    const desired = new DesiredRoutes(this.speaker);
    for (const iface of interfacesOf(cfg)) {
      if (!addresses) break;
      this.watches.set(iface, addresses.watch(iface, iface === cfg.watch?.interface ? { rescanMs: cfg.watch.rescanMs } : {}));
    }
    const needs = addressNeeds(services);
    if (addresses && needs.size > 0) {
      this.gate = new AddressGate({ changed: () => desired.publish(), port: addresses.port, needs, clock, log });
    }
    const servicesSink = desired.part(this.gate);
    if (cfg.watch) {
      const watch = this.watches.get(cfg.watch.interface);
      if (watch) {
        const part = desired.part();
        this.watchEntries = new WatchEntries({
          watch,
          filter: watchFilterOf(cfg.watch, services),
          attributes: watchAttributesOf(cfg.watch),
          neighbors: cfg.watch.targets,
          log,
        });
        this.watchEntries.onChange((entries) => part.setAnnouncements(entries));
      }
    }
    this.serviceRoutes = new ServiceRoutes({
      announce: staticAnnouncements(cfg),
      services,
      sink: servicesSink,
      clock,
      log,
      createProbe: (spec, service) => this.probeFor(spec, service),
    });
    this.dns = createDnsLinks(cfg, this.serviceRoutes, clock, log);
    // Throws here, before anything opens, when VRRP is configured but cannot run (no addon).
    this.vrrp = vrrpLinksFor(cfg.vrrp, this.serviceRoutes, { log, clock, ...opts.vrrpIo });
  }

  /**
   * Starts everything, in order; on any failure what was started is closed
   * again and the error is thrown (nothing announced).
   */
  static async start(cfg: Config, opts: DaemonOptions): Promise<Daemon> {
    const ledger = new FileAddressLedger(ledgerPathFor(cfg.controlSocket));
    // A record left by an earlier run counts too: its addresses may need removing.
    const wantsAddresses = cfg.watch !== undefined || (cfg.services ?? []).some((s) => s.address !== undefined) || existsSync(ledger.path);
    const addresses = wantsAddresses ? (opts.addressSystem ?? new IprouteAddressSystem({ log: opts.log, ledger })) : undefined;
    const d = new Daemon(cfg, opts, addresses);
    try {
      await d.open();
    } catch (e) {
      await d.closeAll();
      throw e;
    }
    return d;
  }

  private async open(): Promise<void> {
    const { cfg, opts } = this;
    // First: BFD without its addon is a start-up error, before anything is bound or announced.
    this.closables.push(this.bfd);
    this.bfd.start(cfg);
    for (const w of this.watches.values()) {
      this.closables.push({ close: () => w.stop() });
      await w.start();
    }
    if (cfg.metrics) {
      const sampler = new ProcessSampler();
      this.closables.push(sampler);
      const metrics = new DaemonMetrics({
        peers: () => this.bfd.decorate(this.speaker.status()),
        services: () => this.serviceRoutes.status(),
        clock: opts.clock,
        process: () => sampler.sample(),
        version: opts.version,
        dns: () => this.dns?.counters(),
        vrrp: () => this.vrrp?.snapshot() ?? [],
      });
      this.serviceRoutes.observe(metrics);
      const control = this.control();
      const actions = cfg.metrics.actions;
      const status: StatusPage = {
        views: {
          clock: opts.clock,
          version: opts.version,
          speaker: () => this.speaker.status(),
          services: () => {
            const roles = new Map((this.cfg.services ?? []).map((s) => [s.name, s.role]));
            return this.serviceRoutes.status().map((s) => ({ ...s, role: roles.get(s.name) }));
          },
          events: (limit) => this.serviceRoutes.events(limit),
        },
        ...(actions ? { actions: { token: actions.token, maintenance: control.maintenance, drain: control.drain } } : {}),
      };
      this.closables.push(await startMetricsServer(cfg.metrics.listen, () => metrics.render(), opts.log, status));
      opts.log.info({ listen: cfg.metrics.listen, actions: actions !== undefined }, 'metrics served at /metrics, the status page at /');
    }
    this.closables.push(
      await startControlServer(cfg.controlSocket, this.control(), opts.log, {
        mode: cfg.controlSocketMode,
        ...(cfg.controlSocketGroup !== undefined ? { group: cfg.controlSocketGroup } : {}),
      }),
    );
    await this.speaker.start();
    await this.releaseLeftovers();
    if (this.gate) {
      for (const [iface, w] of this.watches) this.gate.follow(iface, w);
      // A check aimed at the service's own address needs the address first.
      await this.gate.prepare();
    }
    this.serviceRoutes.start();
    this.dns?.start();
    this.watchEntries?.start();
    if (this.vrrp) {
      const vrrp = this.vrrp;
      this.closables.push({ close: () => vrrp.stop() });
      await vrrp.start();
    }
  }

  /**
   * Floating addresses an earlier floatd added and left behind that no service
   * of this config keeps in place (gone, or `remove-when-down`): removed
   * before anything is announced.
   */
  private async releaseLeftovers(): Promise<void> {
    const port = this.addresses?.port;
    if (!port?.releaseLeftovers) return;
    const needed = new Set<string>();
    for (const need of addressNeeds(this.cfg.services ?? []).values()) {
      // remove-when-down: present only while announced, and nothing is announced yet; added again before it is.
      if (need.removeWhenWithdrawn) continue;
      for (const text of need.addresses) {
        const a = parseLocalAddress(text);
        if (typeof a !== 'string') needed.add(`${need.interface} ${a.address}`);
      }
    }
    let released: LeftoverRelease;
    try {
      released = await port.releaseLeftovers(needed, leftoverScope(this.cfg));
    } catch (e) {
      // Nothing announces them, so they hold nothing up; what was not removed stays recorded for the next start.
      this.opts.log.error({ err: (e as Error).message }, `leftover addresses of an earlier floatd could not all be removed: ${(e as Error).message}`);
      return;
    }
    for (const r of released.refused) {
      this.opts.log.warn({ interface: r.interface, address: r.address }, `the address record names ${r.address} on ${r.interface}, which floatd leaves alone: ${r.why}; dropped from the record`);
    }
    for (const r of released.removed) this.opts.log.warn({ interface: r.interface, address: r.address }, `removed ${r.address} from ${r.interface}: an earlier floatd added it and did not stop cleanly, and no service keeps it in place now`);
  }

  /** What the control socket serves. */
  control(): DaemonControl {
    return {
      status: () => ({ ...this.bfd.decorate(this.speaker.status()), services: this.servicesStatus(), ...(this.vrrp ? { vrrp: this.vrrp.status() } : {}) }),
      peers: () => this.bfd.decorate(this.speaker.status()),
      routes: () => this.speaker.routes(),
      services: () => this.servicesStatus(),
      events: (limit) => this.serviceRoutes.events(limit),
      maintenance: (on, service) => {
        const services = this.serviceRoutes.setMaintenance(on, service, 'operator command');
        this.vrrp?.refresh();
        return { services };
      },
      drain: async (service) => {
        const drained = this.serviceRoutes.drain(service);
        // A drain starts by taking the DNS records away; VRRP gives up too (its addresses cannot carry GRACEFUL_SHUTDOWN).
        this.dns?.refresh();
        this.vrrp?.refresh();
        return { services: await drained };
      },
      reload: () => this.reload(),
      vrrp: () => this.vrrp?.status() ?? [],
    };
  }

  /** Re-reads the config file; one reload at a time. A refused config leaves everything as it was. */
  reload(): Promise<ReloadResult> {
    const next = this.reloading.then(() => this.reloadOnce());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async reloadOnce(): Promise<ReloadResult> {
    const { log } = this.opts;
    if (this.stopping) return { ok: false, changes: [], error: 'floatd is stopping' };
    if (this.opts.configPath === undefined) return { ok: false, changes: [], error: 'this floatd was configured from its command line: there is no config file to reload' };
    let next: Config;
    try {
      next = loadConfig(this.opts.configPath);
    } catch (e) {
      const error = `the new config is refused, the running one stays: ${(e as Error).message}`;
      log.error(error);
      return { ok: false, changes: [], error };
    }
    const plan = keepSessionsOfUnusedFamilies(diffConfig(this.cfg, next), this.cfg, next, (address) => this.speaker.negotiatedFamilies(address));
    const refusals = [...plan.restartRequired];
    const ttl = listenerTtlProblem(next);
    if (ttl) refusals.push(ttl);
    const moved = addressChanges(this.cfg.services ?? [], next.services ?? []);
    if (moved.length > 0) refusals.push(`floating addresses changed for ${moved.join(', ')}: restart floatd to change them`);
    const dnsChange = dnsReloadProblem(this.cfg, next);
    if (dnsChange) refusals.push(dnsChange);
    if (refusals.length > 0) {
      const error = `reload refused, the running config stays: ${refusals.join('; ')}`;
      log.error({ changes: plan.changes }, error);
      return { ok: false, changes: plan.changes, error };
    }
    if (plan.changes.length === 0) {
      log.info('reload: nothing changed');
      return { ok: true, changes: [] };
    }
    this.cfg = next;
    for (const line of plan.changes) log.info({ reload: true }, `reload: ${line}`);
    // Sessions first, so ServiceRoutes' new list reaches neighbors with their new config.
    const sessions = this.speaker.reconfigure(next, plan);
    this.serviceRoutes.reconfigure(staticAnnouncements(next), next.services ?? [], plan);
    await sessions;
    await this.bfd.reconfigure(next);
    return { ok: true, changes: plan.changes };
  }

  /**
   * The clean stop: services with drain-on-stop drain first, then every
   * route is withdrawn and every session closed with Cease, then the
   * addresses floatd added are removed. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // The deletes go out now, beside the withdraws; waited for (bounded) only once the Cease is sent.
      const dnsDeleted = this.dns?.stop();
      // VRRP first: the addresses go and a Backup takes over within its skew time.
      await this.vrrp?.stop();
      await this.serviceRoutes.shutdown();
      this.watchEntries?.stop();
      const stopped = this.speaker.stop();
      // Each session sent its withdraws inside stop(); nothing the checks report reaches the speaker now.
      this.serviceRoutes.stop();
      await stopped;
      await dnsDeleted;
      await this.gate?.close();
      await this.closeAll();
    })();
    return this.stopping;
  }

  private servicesStatus(): ServiceRoutesServiceStatus[] {
    const services = this.serviceRoutes.status();
    return this.dns ? this.dns.withRecords(services) : services;
  }

  /** The longest drain a stop may wait for, ms. */
  stopDrainMs(): number {
    return Math.max(0, ...(this.cfg.services ?? []).filter((s) => s.drainOnStop).map((s) => s.drain.timeMs));
  }

  private async closeAll(): Promise<void> {
    for (const c of this.closables.splice(0).reverse()) {
      try {
        await c.close();
      } catch (e) {
        this.opts.log.warn({ err: (e as Error).message }, 'error while closing');
      }
    }
  }

  private probeFor(spec: ServiceConfig['check'], service: ServiceConfig): Probe {
    const probe = createProbe(spec, { clock: this.opts.clock });
    const present = addressPresentSpec(service);
    const watch = present && this.watches.get(present.interface);
    if (!present || !watch) return probe;
    // anycast-healthchecker's rule: a service whose address is not on the interface is down.
    return new CompositeProbe('all', [
      { name: 'check', probe },
      { name: 'address', probe: new AddressPresentProbe(present, watch) },
    ]);
  }
}

/** Interfaces whose addresses floatd manages or watches. */
function interfacesOf(cfg: Config): string[] {
  const out = new Set<string>();
  for (const s of cfg.services ?? []) if (s.address) out.add(s.address.interface);
  if (cfg.watch) out.add(cfg.watch.interface);
  return [...out];
}

/** Services whose `address` section differs, appears or goes (a reload cannot move addresses). */
function addressChanges(old: readonly ServiceConfig[], next: readonly ServiceConfig[]): string[] {
  const before = new Map(old.map((s) => [s.name, s.address]));
  const after = new Map(next.map((s) => [s.name, s.address]));
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => !sameValue(before.get(n), after.get(n)));
}
