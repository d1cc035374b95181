// From the parsed config to what the gate, the watch entries and the
// address-present probe take.

import { parsePrefixText, prefixCovers, type ParsedPrefix } from '../../config/addresses.js';
import type { StaticAnnouncementConfig } from '../../config/index.js';
import type { LeftoverScope } from '../../net/address-port.js';
import type { ServiceAddress, WatchConfig } from '../../config/address-schema.js';
import type { AddressPresentSpec } from '../../health/index.js';
import type { AddressNeed } from './gate-plan.js';
import type { WatchFilter } from './watch-filter.js';

export interface ServiceWithAddress {
  readonly prefixes: readonly string[];
  readonly address?: ServiceAddress | undefined;
}

/** Prefix -> the addresses the gate puts in place before announcing it (services with `add` on). */
export function addressNeeds(services: readonly ServiceWithAddress[]): Map<string, AddressNeed> {
  const needs = new Map<string, AddressNeed>();
  for (const s of services) {
    const a = s.address;
    if (!a?.add) continue;
    s.prefixes.forEach((prefix, i) => {
      const addresses = a.byPrefix[i] ?? [];
      if (addresses.length === 0) return;
      needs.set(prefix, { interface: a.interface, ...(a.label !== undefined ? { label: a.label } : {}), addresses, removeWhenWithdrawn: a.removeWhenDown });
    });
  }
  return needs;
}

/** The probe that holds a service down while an address is missing (`require` on). */
export function addressPresentSpec(s: ServiceWithAddress): AddressPresentSpec | undefined {
  const a = s.address;
  if (!a?.require || a.addresses.length === 0) return undefined;
  return { kind: 'address-present', interface: a.interface, addresses: a.addresses };
}

/** The watch's filter; the services' prefixes and addresses are never the watch's to announce. */
export function watchFilterOf(w: WatchConfig, services: readonly ServiceWithAddress[]): WatchFilter {
  const exclude = services.flatMap((s) => [...s.prefixes, ...(s.address?.addresses ?? [])]);
  return { ...(w.label !== undefined ? { label: w.label } : {}), allow: w.prefixes, ipv6Length: w.ipv6Length, exclude };
}

export function watchAttributesOf(w: WatchConfig): Omit<StaticAnnouncementConfig, 'prefix' | 'neighbors'> {
  return {
    nextHop: w.nextHop,
    med: w.med,
    prepend: w.prepend,
    communities: [...w.communities],
    largeCommunities: [...w.largeCommunities],
    localPref: w.localPref,
  };
}

/**
 * What a record of an earlier run may make floatd remove: addresses on the
 * interfaces services put addresses on, inside a service's or a static
 * announcement's prefix or the allow list.
 */
export function leftoverScope(cfg: {
  readonly services?: readonly ServiceWithAddress[] | undefined;
  readonly announce: readonly Pick<StaticAnnouncementConfig, 'prefix'>[];
  readonly allow?: readonly string[] | undefined;
}): LeftoverScope {
  const services = cfg.services ?? [];
  const interfaces = new Set(services.flatMap((s) => (s.address?.add ? [s.address.interface] : [])));
  const prefixes: ParsedPrefix[] = [];
  for (const text of [...services.flatMap((s) => s.prefixes), ...cfg.announce.map((a) => a.prefix), ...(cfg.allow ?? [])]) {
    const p = parsePrefixText(text);
    if (p.ok) prefixes.push(p.value);
  }
  return {
    interfaces,
    covers: (address) => {
      const host = parsePrefixText(`${address}/${address.includes(':') ? 128 : 32}`);
      return host.ok && prefixes.some((p) => prefixCovers(p, host.value));
    },
  };
}
