// Address-present probe: healthy while every given address is on the
// interface, as an AddressWatch sees it. The watch is event driven (ip
// monitor), so a removed address fails the probe within the watch's debounce
// plus one read. Composed with a service's own check (all-of), it forces the
// service down while its address is missing: traffic for an address the host
// does not hold would be refused. An address on a link that is down or has
// no carrier counts as missing (the watch leaves it out): nothing reaches it.

import type { AddressWatch, InterfaceAddress } from '../../net/address-port.js';
import { parseLocalAddress } from '../../net/address-names.js';
import { abortedResult, stopwatch, type ProbeResult, type WatchingProbe } from '../probe-result.js';

export interface AddressPresentSpec {
  readonly kind: 'address-present';
  readonly interface: string;
  /** Addresses, with or without a length (the length is not compared). */
  readonly addresses: readonly string[];
}

export class AddressPresentProbe implements WatchingProbe {
  readonly kind = 'address-present';
  private readonly wanted: readonly string[];
  private readonly label: string;

  /** `source` must watch `spec.interface` and be started by the caller. */
  constructor(
    private readonly spec: AddressPresentSpec,
    private readonly source: AddressWatch,
  ) {
    this.wanted = spec.addresses.map((a) => {
      const p = parseLocalAddress(a);
      if (typeof p === 'string') throw new TypeError(p);
      return p.address;
    });
    this.label = `address ${spec.addresses.join(', ')} on ${spec.interface}`;
  }

  private judge(list: readonly InterfaceAddress[]): ProbeResult {
    const elapsed = stopwatch();
    const have = new Set<string>();
    for (const a of list) {
      if (a.interface !== this.spec.interface) continue;
      const p = parseLocalAddress(a.prefix);
      if (typeof p !== 'string') have.add(p.address);
    }
    const missing = this.wanted.filter((a) => !have.has(a));
    const link = missing.length === 0 ? undefined : this.source.linkDown?.(this.spec.interface);
    const why = link === 'down' ? ` (link ${this.spec.interface} is down)` : link === 'no-carrier' ? ` (link ${this.spec.interface} has no carrier)` : '';
    const detail = missing.length === 0 ? `${this.label}: present` : `${this.label}: ${missing.join(', ')} missing${why}`;
    return { ok: missing.length === 0, detail, durationMs: elapsed() };
  }

  run(signal: AbortSignal): Promise<ProbeResult> {
    if (signal.aborted) return Promise.resolve(abortedResult(this.label, 0));
    return Promise.resolve(this.judge(this.source.current()));
  }

  watch(onChange: (r: ProbeResult) => void): () => void {
    let last = this.judge(this.source.current()).ok;
    return this.source.onChange((list) => {
      const r = this.judge(list);
      if (r.ok === last) return;
      last = r.ok;
      onChange(r);
    });
  }
}
