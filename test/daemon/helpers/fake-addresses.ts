// A fake host for floating addresses: interfaces are sets of host prefixes in
// memory, the port changes them after a short delay (as `ip addr` takes a
// moment), and watches report each change on the next turn of the event
// loop (as kernel events do). Every port call is recorded with its time and
// what the test's `observe` function saw at that moment (say, whether the
// receiver held the route).

import type { AddressPort, AddressSystem, InterfaceAddress } from '../../../src/net/address-port.js';
import { ListeningWatch } from '../addresses/fakes.js';
import { now } from './harness.js';

export interface AddressCall {
  readonly op: 'add' | 'remove';
  readonly iface: string;
  readonly prefixes: readonly string[];
  readonly label?: string;
  /** Clock time of the call and of its completion (undefined while running). */
  readonly at: number;
  doneAt: number | undefined;
  /** What `observe` returned when the call was made. */
  readonly seen: unknown;
}

class FakeWatch extends ListeningWatch {
  constructor(
    private readonly host: FakeAddressSystem,
    readonly iface: string,
  ) {
    super();
  }

  current(): readonly InterfaceAddress[] {
    return this.host.list(this.iface);
  }

  notify(): void {
    if (!this.stopped) this.tell();
  }
}

export class FakeAddressSystem implements AddressSystem {
  readonly calls: AddressCall[] = [];
  readonly watches = new Map<string, FakeWatch>();
  private readonly interfaces = new Map<string, Map<string, string | undefined>>();
  /** Prefixes the port added (the only ones it may remove). */
  private readonly added = new Set<string>();
  /** How long an add or remove takes, ms. */
  delayMs = 100;

  constructor(private readonly observe: (op: 'add' | 'remove', prefixes: readonly string[]) => unknown = () => undefined) {}

  readonly port: AddressPort = {
    add: (iface, prefixes, label) => this.run('add', iface, prefixes, label),
    remove: (iface, prefixes) => this.run('remove', iface, prefixes),
  };

  watch(iface: string): FakeWatch {
    let w = this.watches.get(iface);
    if (!w) {
      w = new FakeWatch(this, iface);
      this.watches.set(iface, w);
    }
    return w;
  }

  list(iface: string): InterfaceAddress[] {
    return [...(this.interfaces.get(iface) ?? new Map<string, string | undefined>())].map(([prefix, label]) => ({
      prefix,
      interface: iface,
      ...(label !== undefined ? { label } : {}),
    }));
  }

  /** Puts an address on the interface as if someone else had (the port will not remove it). */
  put(iface: string, prefix: string): void {
    this.set(iface).set(prefix, undefined);
    this.changed(iface);
  }

  /** Takes an address off the interface as if someone else had. */
  take(iface: string, prefix: string): void {
    this.set(iface).delete(prefix);
    this.changed(iface);
  }

  has(iface: string, prefix: string): boolean {
    return this.interfaces.get(iface)?.has(prefix) ?? false;
  }

  private set(iface: string): Map<string, string | undefined> {
    let s = this.interfaces.get(iface);
    if (!s) {
      s = new Map();
      this.interfaces.set(iface, s);
    }
    return s;
  }

  private changed(iface: string): void {
    setImmediate(() => this.watches.get(iface)?.notify());
  }

  private run(op: 'add' | 'remove', iface: string, prefixes: readonly string[], label?: string): Promise<void> {
    const call: AddressCall = { op, iface, prefixes, ...(label !== undefined ? { label } : {}), at: now(), doneAt: undefined, seen: this.observe(op, prefixes) };
    this.calls.push(call);
    return new Promise((resolve) =>
      setTimeout(() => {
        const s = this.set(iface);
        for (const p of prefixes) {
          if (op === 'add' && !s.has(p)) {
            s.set(p, label);
            this.added.add(`${iface} ${p}`);
          } else if (op === 'remove' && this.added.delete(`${iface} ${p}`)) {
            s.delete(p);
          }
        }
        call.doneAt = now();
        this.changed(iface);
        resolve();
      }, this.delayMs),
    );
  }
}
