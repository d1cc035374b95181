// The virtual MAC of a virtual router (RFC 9568 7.3): 00-00-5E-00-01-{VRID}
// for IPv4 (00-00-5E-00-02-{VRID} is IPv6's). With it, the Active router
// answers ARP and sends its adverts and gratuitous ARPs from a MAC that moves
// with the role, so hosts on the LAN keep their ARP entry across a failover
// and only the switches relearn the port. floatd holds it on a macvlan
// interface on the configured one, as keepalived's `use_vmac` does.

import type { Family } from './packet.js';

export class VrrpVmacError extends Error {
  readonly code = 'ERR_VRRP_VMAC';
  override readonly name = 'VrrpVmacError';
}

/** RFC 9568 7.3, in the form iproute2 takes. */
export function virtualMac(vrid: number, family: Family): string {
  return `00:00:5e:00:${family === 'ipv4' ? '01' : '02'}:${vrid.toString(16).padStart(2, '0')}`;
}

/** keepalived's default name for the interface, so operators find it where they expect it. */
export function vmacInterfaceName(vrid: number): string {
  return `vrrp.${vrid}`;
}

/**
 * Creating and removing the macvlan. The daemon hands in the iproute2
 * implementation (daemon/vmac-iproute.ts); tests hand in a fake.
 */
export interface VirtualMacPort {
  /** Creates `name` on `parent` with `mac`, up, without addresses of its own; a leftover of an earlier run is replaced. */
  create(parent: string, name: string, mac: string): Promise<void>;
  /** Removes it again (and undoes what create changed on the parent). */
  remove(name: string): Promise<void>;
}
