// VirtualMacPort over iproute2 and /proc/sys. The macvlan is in bridge mode:
// a frame whose source is the virtual MAC itself (another router's advert
// in a split or a preemption) then reaches the parent interface, where the
// VRRP socket listens; in private mode the macvlan would swallow it.
// Sysctls, as keepalived sets them for its VMACs:
// - on the macvlan: arp_ignore 1 (answer ARP only for its own addresses),
//   rp_filter 0, IPv6 off (an IPv4 router's MAC must send nothing while
//   Backup: no DAD, no MLD, which would teach switches the MAC's port);
// - on the parent: arp_ignore 1, so it does not answer ARP for the virtual
//   address with its own MAC, and arp_announce 2, so its own ARP requests
//   (the host resolving a client it answers from the virtual address) carry
//   its own address, not the virtual one: with the virtual one as sender,
//   every host on the LAN would rewrite its entry to the parent's MAC.
//   The old values come back on remove().

import { readFileSync, writeFileSync } from 'node:fs';
import { runIp } from './addresses/ip-command.js';
import { AddressError } from './addresses/errors.js';
import { VrrpVmacError, type VirtualMacPort } from '../vrrp/vmac.js';

const sysctlPath = (family: 'ipv4' | 'ipv6', iface: string, key: string): string => `/proc/sys/net/${family}/conf/${iface}/${key}`;

/** A kernel without macvlan says so in iproute2's words. */
const NO_MACVLAN = /Unknown device type|not supported|Operation not supported/i;

/** What the parent needs at least, as keepalived's documentation advises for VMACs. */
const PARENT_SYSCTLS: readonly (readonly [string, number])[] = [
  ['arp_ignore', 1],
  ['arp_announce', 2],
];

interface Made {
  readonly parent: string;
  /** The parent's sysctls create changed, with their old values. */
  readonly restore: readonly (readonly [string, string])[];
}

export class IprouteVmacPort implements VirtualMacPort {
  private readonly made = new Map<string, Made>();

  async create(parent: string, name: string, mac: string): Promise<void> {
    await this.dropLeftover(name, mac);
    try {
      await runIp(['link', 'add', 'link', parent, 'name', name, 'address', mac, 'type', 'macvlan', 'mode', 'bridge']);
    } catch (e) {
      const said = e instanceof AddressError ? e.message : String(e);
      if (NO_MACVLAN.test(said)) {
        throw new VrrpVmacError(`virtual-mac needs macvlan support in the kernel (CONFIG_MACVLAN, the macvlan module), which this kernel lacks: ${said}`);
      }
      throw new VrrpVmacError(`could not create the virtual MAC interface ${name} on ${parent}: ${said}`);
    }
    const restore: [string, string][] = [];
    try {
      this.sysctl('ipv4', name, 'arp_ignore', '1');
      this.sysctl('ipv4', name, 'rp_filter', '0');
      this.sysctl('ipv6', name, 'disable_ipv6', '1');
      for (const [key, least] of PARENT_SYSCTLS) {
        const old = readFileSync(sysctlPath('ipv4', parent, key), 'utf8').trim();
        if (Number(old) >= least) continue;
        this.sysctl('ipv4', parent, key, String(least));
        restore.push([key, old]);
      }
      await runIp(['link', 'set', 'dev', name, 'up']);
    } catch (e) {
      await runIp(['link', 'del', 'dev', name]).catch(() => undefined);
      for (const [key, old] of restore) this.sysctl('ipv4', parent, key, old);
      throw new VrrpVmacError(`could not set up the virtual MAC interface ${name}: ${(e as Error).message}`);
    }
    this.made.set(name, { parent, restore });
  }

  async remove(name: string): Promise<void> {
    const m = this.made.get(name);
    if (!m) return;
    this.made.delete(name);
    await runIp(['link', 'del', 'dev', name]);
    // Another instance on the same parent may still need it.
    const stillUsed = [...this.made.values()].some((o) => o.parent === m.parent);
    if (!stillUsed) for (const [key, old] of m.restore) this.sysctl('ipv4', m.parent, key, old);
  }

  /** A macvlan of this name with this MAC is an earlier run's (it did not stop cleanly): delete it. Anything else of the name is refused. */
  private async dropLeftover(name: string, mac: string): Promise<void> {
    let shown: string;
    try {
      shown = await runIp(['-j', '-d', 'link', 'show', 'dev', name]);
    } catch {
      return;
    }
    const [link] = JSON.parse(shown) as { address?: string; linkinfo?: { info_kind?: string } }[];
    if (link?.linkinfo?.info_kind === 'macvlan' && link.address?.toLowerCase() === mac) {
      await runIp(['link', 'del', 'dev', name]);
      return;
    }
    throw new VrrpVmacError(`an interface ${name} exists and is not a virtual MAC interface floatd made (expected none, or a macvlan with ${mac})`);
  }

  private sysctl(family: 'ipv4' | 'ipv6', iface: string, key: string, value: string): void {
    writeFileSync(sysctlPath(family, iface, key), value);
  }
}
