// The system side of floating addresses: putting them on an interface and
// watching what an interface holds. Health probes and the daemon depend on
// these interfaces only; src/daemon/addresses/ implements them with iproute2.

export interface InterfaceAddress {
  /** The address as a host prefix as the kernel holds it, e.g. 192.0.2.10/32 or 2001:db8::1/128. */
  readonly prefix: string;
  readonly interface: string;
  /** The IPv4 label (e.g. lo:web), when the kernel has one. */
  readonly label?: string;
}

export interface AddressPort {
  /** Adds each address (host prefix) to the interface if missing; resolves once all are present. Rejects with a clear message. */
  add(iface: string, prefixes: readonly string[], label?: string): Promise<void>;
  /** Removes the given addresses, but only those this port added itself (never ones it found present). */
  remove(iface: string, prefixes: readonly string[]): Promise<void>;
  /**
   * Removes addresses an earlier run added and left behind (it did not stop
   * cleanly) that are not in `needed` (keys `iface address`, address without
   * length) and lie in `scope`; resolves with what it removed, and with what
   * it refused to touch. Ports that keep no record lack it.
   */
  releaseLeftovers?(needed: ReadonlySet<string>, scope: LeftoverScope): Promise<LeftoverRelease>;
}

/**
 * What a record of an earlier run may make floatd remove: addresses on the
 * interfaces this config manages, inside its configured or allowed
 * prefixes. A record that names anything else (a host's own address, say)
 * was not written by this config's floatd, or was tampered with.
 */
export interface LeftoverScope {
  readonly interfaces: ReadonlySet<string>;
  /** True for an address (canonical text, no length) inside a configured or allowed prefix. */
  covers(address: string): boolean;
}

export interface LeftoverRelease {
  readonly removed: readonly { readonly interface: string; readonly address: string }[];
  /** Recorded but outside the scope: dropped from the record, left on the interface. */
  readonly refused: readonly { readonly interface: string; readonly address: string; readonly why: string }[];
}

/** Why a link cannot carry traffic: administratively down, or up without carrier. */
export type LinkDownReason = 'down' | 'no-carrier';

export interface AddressWatch {
  /** The addresses on the interface as last seen, less those on a link that is down or has no carrier. */
  current(): readonly InterfaceAddress[];
  /** Why the link `iface` was unusable at the last read (its addresses are left out of current()); undefined while it is up or unknown. */
  linkDown?(iface: string): LinkDownReason | undefined;
  /** Called with the full current list whenever it changes (kernel events, plus a periodic re-scan). */
  onChange(listener: (addresses: readonly InterfaceAddress[]) => void): () => void;
  /** Resolves after the first scan. */
  start(): Promise<void>;
  stop(): void;
}

export interface AddressSystem {
  readonly port: AddressPort;
  /** `rescanMs`: how often the interface is read again besides kernel events. */
  watch(iface: string, opts?: { readonly rescanMs?: number }): AddressWatch & { stop(): void };
}
