// A stand-in for VRRP's I/O in daemon tests: the addon's calls and the
// address changes are recorded; `expire()` plays the master-down timer
// running out on the addon's thread.

import type { KernelAddress } from '../../../src/daemon/addresses/parse-addr-show.js';
import type { NativeEvent, NativeHandle, OpenOptions, VrrpAddon } from '../../../src/vrrp/native-io.js';
import type { VrrpAddressPort } from '../../../src/vrrp/vrrp-instance.js';

export class FakeVrrpIo implements VrrpAddon, VrrpAddressPort {
  readonly log: string[] = [];
  opened: OpenOptions | undefined;
  private emit: (e: NativeEvent) => void = () => undefined;
  private gen = 0;
  /** Addresses on the fake interface now. */
  readonly held = new Set<string>();

  open(o: OpenOptions, onEvent: (e: NativeEvent) => void): NativeHandle {
    this.opened = o;
    this.emit = onEvent;
    this.log.push('open');
    return {};
  }
  adverts(_h: NativeHandle, ms: number, packets: readonly Buffer[]): void {
    // Byte 2 of a VRRP v3 advert is the priority (RFC 9568 5.1).
    this.log.push(ms > 0 ? `adverts:${packets[0]![2]}` : 'adverts:off');
  }
  send(_h: NativeHandle, packets: readonly Buffer[]): void {
    this.log.push(`send:${packets[0]![2]}`);
  }
  timer(_h: NativeHandle, gen: number): void {
    this.gen = gen;
  }
  announce(_h: NativeHandle, addresses: readonly string[]): void {
    this.log.push(`announce:${addresses.join(',')}`);
  }
  close(): void {
    this.log.push('close');
  }
  /** The master-down timer runs out now. */
  expire(): void {
    this.emit({ kind: 'timer', gen: this.gen });
  }

  async scan(): Promise<readonly KernelAddress[]> {
    return [{ prefix: '10.9.0.2/24', interface: 'eth0', family: 'ipv4', address: '10.9.0.2', length: 24, scope: 'global', tentative: false, dadFailed: false }];
  }
  async add(_i: string, p: readonly string[]): Promise<void> {
    for (const a of p) this.held.add(a);
    this.log.push(`add:${p.join(',')}`);
  }
  async remove(_i: string, p: readonly string[]): Promise<void> {
    for (const a of p) this.held.delete(a);
    this.log.push(`remove:${p.join(',')}`);
  }
}
